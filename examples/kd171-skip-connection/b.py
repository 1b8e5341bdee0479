"""KD171 (skip), side B: the residual Add takes the skip from the second hidden layer instead."""
import keras
from keras import layers

inputs = keras.Input(shape=(4,))
h1 = layers.Dense(8, activation="relu")(inputs)
h2 = layers.Dense(8, activation="relu")(h1)
h3 = layers.Dense(8, activation="relu")(h2)
res = layers.Add()([h3, h2])
outputs = layers.Dense(1)(res)
model = keras.Model(inputs, outputs)
