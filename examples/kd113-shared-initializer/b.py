"""KD113, side B: each hidden layer gets its own HeNormal (by name), so each draws its own weights."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(8, activation="relu", kernel_initializer="he_normal"),
    layers.Dense(8, activation="relu", kernel_initializer="he_normal"),
    layers.Dense(1),
])
