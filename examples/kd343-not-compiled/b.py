"""Only builds the model: its training code lives elsewhere, so kerasdiff cannot compare it."""
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(16, activation="relu"), layers.Dense(1)])
