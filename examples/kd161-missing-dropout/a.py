"""KD161, side A: Dense -> Dropout(0.5) -> Dense."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(4,)),
    layers.Dense(8, activation="relu"),
    layers.Dropout(0.5),
    layers.Dense(1),
])
