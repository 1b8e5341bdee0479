"""Equivalent, side A: Sequential that declares its input implicitly with input_shape= on the first layer."""
import keras
from keras import layers

model = keras.Sequential([
    layers.Dense(8, activation="relu", input_shape=(4,)),
    layers.Dense(2),
])
