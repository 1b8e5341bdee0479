"""KD163, side B: a Dropout(0.0) placeholder that computes the identity (info only)."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(4,)),
    layers.Dense(8, activation="relu"),
    layers.Dropout(0.0),
    layers.Dense(1),
])
