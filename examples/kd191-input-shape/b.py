"""KD191, side B: the model takes 4 features; the first Dense grows a row of weights."""
import keras
from keras import layers

inputs = keras.Input(shape=(4,))
x = layers.Dense(8, activation="relu")(inputs)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
