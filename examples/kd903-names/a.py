"""KD903, side A: the output layer is named 'age'."""
import keras
from keras import layers

inputs = keras.Input(shape=(4,))
x = layers.Dense(8, activation="relu")(inputs)
outputs = layers.Dense(1, name="age")(x)
model = keras.Model(inputs, outputs)
