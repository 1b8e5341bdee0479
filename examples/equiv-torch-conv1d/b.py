"""A correct port, side B (Keras): channels-last sequences (batch, length, channels); padding=2 with
kernel 5 and stride 1 is "same"."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input((20, 4)),
    layers.Conv1D(8, 5, padding="same", activation="relu"),
    layers.Conv1D(8, 3, activation="relu"),
    layers.GlobalMaxPooling1D(),
    layers.Dense(2),
])
