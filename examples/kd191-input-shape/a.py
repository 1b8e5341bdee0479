"""KD191, side A: the model takes 3 features."""
import keras
from keras import layers

inputs = keras.Input(shape=(3,))
x = layers.Dense(8, activation="relu")(inputs)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
