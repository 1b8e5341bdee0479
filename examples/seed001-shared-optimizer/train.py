"""Seed 001: one script builds a functional and a Sequential model and compiles BOTH with ONE Adam."""
import keras
import numpy as np
from keras import layers

x = np.random.random_sample((1, 64))
y = np.random.random_sample((1, 20))

inputs = keras.Input(shape=(64,))
h = layers.Dense(32, activation="sigmoid")(inputs)
h = layers.Dense(32, activation="sigmoid")(h)
outputs = layers.Dense(20, activation="sigmoid")(h)
functional = keras.Model(inputs, outputs)
opt = keras.optimizers.Adam(learning_rate=0.01)
functional.compile(loss="mse", optimizer=opt)

sequen = keras.Sequential([
    keras.Input(shape=(64,)),
    layers.Dense(32, activation="sigmoid"),
    layers.Dense(32, activation="sigmoid"),
    layers.Dense(20, activation="sigmoid"),
])
sequen.compile(loss="mse", optimizer=opt)  # the same optimizer object: the bug

functional.fit(x, y, epochs=200, verbose=0, validation_data=(x, y))
sequen.fit(x, y, epochs=200, verbose=0, validation_data=(x, y))
