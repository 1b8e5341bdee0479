"""KD201 (global policy), side B: the script switches on mixed precision before building the same CNN."""
import keras
from keras import layers

keras.mixed_precision.set_global_policy("mixed_float16")

model = keras.Sequential([
    keras.Input(shape=(8, 8, 1)),
    layers.Conv2D(4, 3, activation="relu"),
    layers.GlobalAveragePooling2D(),
    layers.Dense(2),
])
