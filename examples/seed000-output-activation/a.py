"""Seed 000, side A: the original Sequential regression MLP (3 inputs -> 5 outputs)."""
import keras
from keras import layers

model = keras.Sequential()
model.add(layers.Dense(78, activation="relu", input_shape=(3,)))
model.add(layers.Dense(54, activation="relu"))
model.add(layers.Dense(54, activation="relu"))
model.add(layers.Dense(5))  # linear output: the regression head
model.compile(optimizer="adam", loss="mse")
