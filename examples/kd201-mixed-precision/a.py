"""KD201 (global policy), side A: a small CNN in the default float32 policy."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(8, 8, 1)),
    layers.Conv2D(4, 3, activation="relu"),
    layers.GlobalAveragePooling2D(),
    layers.Dense(2),
])
