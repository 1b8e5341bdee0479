"""Builds, compiles and fits the model."""
import keras
import numpy as np
from keras import layers

model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(16, activation="relu"), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(np.zeros((10, 8)), np.zeros((10, 1)), epochs=3)
