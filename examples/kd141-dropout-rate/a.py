"""KD141 (rate), side A: Dropout(0.5) between the hidden layers."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(4,)),
    layers.Dense(8, activation="relu"),
    layers.Dropout(0.5),
    layers.Dense(1),
])
