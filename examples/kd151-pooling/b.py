"""KD151, side B: the same CNN downsampling with AveragePooling2D instead."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(8, 8, 1)),
    layers.Conv2D(4, 3, activation="relu", padding="same"),
    layers.AveragePooling2D(2),
    layers.Flatten(),
    layers.Dense(2, activation="softmax"),
])
