"""Neither script seeds: two runs of the SAME model already differ, so compare results with care."""
import keras
import numpy as np
from keras import layers

x = np.zeros((100, 8), dtype="float32")
y = np.zeros((100, 1), dtype="float32")
model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(16, activation="relu"),
    layers.Dense(1),
])
model.compile(optimizer="adam", loss="mse")
model.fit(x, y, epochs=5)
