"""KD901, side B: the same layers with the functional API (only the model class differs)."""
import keras
from keras import layers

inputs = keras.Input(shape=(4,))
outputs = layers.Dense(1)(layers.Dense(8, activation="relu")(inputs))
model = keras.Model(inputs, outputs)
