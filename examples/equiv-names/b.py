"""Equivalent, side B: the same MLP with explicit user names (names are cosmetic)."""
import keras
from keras import layers

inputs = keras.Input(shape=(4,), name="features")
x = layers.Dense(8, activation="relu", name="hidden1")(inputs)
x = layers.Dense(8, activation="relu", name="hidden2")(x)
outputs = layers.Dense(1, name="prediction")(x)
model = keras.Model(inputs, outputs, name="regressor")
