"""KD192, side A: two inputs (text features and metadata) concatenated."""
import keras
from keras import layers

text = keras.Input(shape=(6,))
meta = keras.Input(shape=(2,))
x = layers.Concatenate()([text, meta])
x = layers.Dense(8, activation="relu")(x)
outputs = layers.Dense(1)(x)
model = keras.Model([text, meta], outputs)
