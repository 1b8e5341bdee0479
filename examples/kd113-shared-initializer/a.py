"""KD113, side A: one HeNormal object is passed to both hidden layers, so (Keras 3) they start
from the very same weight matrix; nothing in their configs shows it."""
import keras
from keras import layers

init = keras.initializers.HeNormal()
model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(8, activation="relu", kernel_initializer=init),
    layers.Dense(8, activation="relu", kernel_initializer=init),
    layers.Dense(1),
])
