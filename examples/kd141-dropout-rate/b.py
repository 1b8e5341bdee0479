"""KD141 (rate), side B: the same model with a much weaker Dropout(0.1)."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(4,)),
    layers.Dense(8, activation="relu"),
    layers.Dropout(0.1),
    layers.Dense(1),
])
