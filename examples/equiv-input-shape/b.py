"""Equivalent, side B: the same network with the functional API and an explicit keras.Input."""
import keras
from keras import layers

inputs = keras.Input(shape=(4,))
x = layers.Dense(8, activation="relu")(inputs)
outputs = layers.Dense(2)(x)
model = keras.Model(inputs, outputs)
