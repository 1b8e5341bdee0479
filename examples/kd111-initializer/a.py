"""KD111, side A: hidden Dense starts from the default glorot_uniform weights."""
import keras
from keras import layers

inputs = keras.Input(shape=(4,))
x = layers.Dense(8, activation="relu")(inputs)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
