"""KD603, side B (Keras port): the same layers with Keras's defaults (glorot_uniform, zero
biases): equal as functions, but training starts elsewhere (a warning)."""
import keras
from keras import layers

model = keras.Sequential([keras.Input((20,)), layers.Dense(64, activation="relu"), layers.Dense(3)])
