"""KD151, side A: a tiny CNN that downsamples with MaxPooling2D."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(8, 8, 1)),
    layers.Conv2D(4, 3, activation="relu", padding="same"),
    layers.MaxPooling2D(2),
    layers.Flatten(),
    layers.Dense(2, activation="softmax"),
])
