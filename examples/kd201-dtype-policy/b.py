"""KD201, side B: the hidden Dense computes and stores its weights in float64."""
import keras
from keras import layers

inputs = keras.Input(shape=(4,))
x = layers.Dense(8, activation="relu", dtype="float64")(inputs)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
