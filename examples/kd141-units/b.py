"""KD141, side B: the first hidden layer has 32 units; the next layer's weights change shape too (one root cause)."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(4,)),
    layers.Dense(32, activation="relu"),
    layers.Dense(8, activation="relu"),
    layers.Dense(1),
])
