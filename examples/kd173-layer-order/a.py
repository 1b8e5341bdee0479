"""KD173, side A: dropout on the hidden activations (Dense -> Dropout), in both blocks."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(16,)),
    layers.Dense(32, activation="relu"),
    layers.Dropout(0.3),
    layers.Dense(32, activation="relu"),
    layers.Dropout(0.3),
    layers.Dense(1),
])
