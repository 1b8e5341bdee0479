"""KD162, side B: a BatchNormalization layer was added between the two Dense layers."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(4,)),
    layers.Dense(8, activation="relu"),
    layers.BatchNormalization(),
    layers.Dense(1),
])
