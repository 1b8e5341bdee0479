"""KD211, side B: the feature layer is frozen before compile, so only the head learns."""
import keras
from keras import layers

inputs = keras.Input(shape=(4,))
features = layers.Dense(8, activation="relu", name="features")
x = features(inputs)
outputs = layers.Dense(1, name="head")(x)
model = keras.Model(inputs, outputs)
features.trainable = False
model.compile(optimizer="adam", loss="mse")
