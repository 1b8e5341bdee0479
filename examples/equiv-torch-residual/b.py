"""A correct port, side B (Keras): the same residual blocks and concatenation (axis -1 is PyTorch's
dim=1 of a (batch, features) tensor)."""
import keras
from keras import layers

inp = keras.Input((8,))
h = layers.Dense(16, activation="relu")(inp)
h = layers.Add()([h, layers.Dense(16, activation="relu")(h)])
h = layers.Add()([h, layers.Dense(16, activation="relu")(h)])
both = layers.Concatenate()([layers.Dense(4, activation="tanh")(h), layers.Dense(4, activation="sigmoid")(h)])
model = keras.Model(inp, layers.Dense(1)(both))
