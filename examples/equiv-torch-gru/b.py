"""A correct port, side B (Keras): Embedding + GRU(12) + Dense with Keras's own initializers: equal
given the weights (`--probe`); the warnings say how training starts and updates differently."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input((7,), dtype="int64"),
    layers.Embedding(50, 8),
    layers.GRU(12),
    layers.Dense(2),
])
