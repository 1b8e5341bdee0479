"""Seed 000, side B: the 'same' model rewritten with the functional API."""
import keras
from keras import layers

inputs = keras.Input(shape=(3,))
out = layers.Dense(78, activation="relu")(inputs)
out = layers.Dense(54, activation="relu")(out)
out = layers.Dense(54, activation="relu")(out)
out = layers.Dense(5, activation="relu")(out)  # relu on a regression head
func_model = keras.Model(inputs, out, name="func_model")
func_model.compile(optimizer="adam", loss="mse")
