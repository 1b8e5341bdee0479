"""KD192, side B: the rewrite takes only the text input; metadata is never seen."""
import keras
from keras import layers

text = keras.Input(shape=(6,))
x = layers.Dense(8, activation="relu")(text)
outputs = layers.Dense(1)(x)
model = keras.Model(text, outputs)
