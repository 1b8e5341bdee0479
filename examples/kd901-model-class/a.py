"""KD901, side A: a Sequential model with an explicit keras.Input."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(4,)),
    layers.Dense(8, activation="relu"),
    layers.Dense(1),
])
