"""Equivalent, side A: a small MLP with Keras's auto-generated layer names."""
import keras
from keras import layers

inputs = keras.Input(shape=(4,))
x = layers.Dense(8, activation="relu")(inputs)
x = layers.Dense(8, activation="relu")(x)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
