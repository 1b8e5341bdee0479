"""Equivalent (KD102), side B: the same activation written as Dense(n) followed by Activation('relu')."""
import keras
from keras import layers

inputs = keras.Input(shape=(4,))
x = layers.Dense(8)(inputs)
x = layers.Activation("relu")(x)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
