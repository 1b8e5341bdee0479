"""KD211, side A: a pretrained-style feature layer that stays trainable (fine-tuning)."""
import keras
from keras import layers

inputs = keras.Input(shape=(4,))
x = layers.Dense(8, activation="relu", name="features")(inputs)
outputs = layers.Dense(1, name="head")(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="mse")
