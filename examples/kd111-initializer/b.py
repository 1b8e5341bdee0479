"""KD111, side B: the hidden Dense is initialized with zeros, so every unit learns the same thing."""
import keras
from keras import layers

inputs = keras.Input(shape=(4,))
x = layers.Dense(8, activation="relu", kernel_initializer="zeros")(inputs)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
