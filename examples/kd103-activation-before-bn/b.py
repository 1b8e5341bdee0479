"""KD103, side B: the relu moved into the conv, so it runs BEFORE BatchNormalization."""
import keras
from keras import layers

keras.utils.set_random_seed(0)
model = keras.Sequential([
    keras.Input(shape=(16, 16, 3)),
    layers.Conv2D(8, 3, padding="same", use_bias=False, activation="relu"),
    layers.BatchNormalization(),
    layers.GlobalAveragePooling2D(),
    layers.Dense(2, activation="softmax"),
])
