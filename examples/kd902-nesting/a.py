"""KD902, side A: the hidden layers are grouped in a nested Sequential block called once."""
import keras
from keras import layers

block = keras.Sequential([
    layers.Dense(8, activation="relu"),
    layers.Dense(8, activation="relu"),
], name="hidden_block")

inputs = keras.Input(shape=(4,))
outputs = layers.Dense(1)(block(inputs))
model = keras.Model(inputs, outputs)
