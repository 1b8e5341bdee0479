"""KD903, side B: the same output layer named 'age_out' (info: matters only for name lookups)."""
import keras
from keras import layers

inputs = keras.Input(shape=(4,))
x = layers.Dense(8, activation="relu")(inputs)
outputs = layers.Dense(1, name="age_out")(x)
model = keras.Model(inputs, outputs)
