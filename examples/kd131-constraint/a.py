"""KD131, side A: the hidden Dense keeps each kernel column's norm at most 2 (MaxNorm)."""
import keras
from keras import layers

inputs = keras.Input(shape=(4,))
x = layers.Dense(8, activation="relu", kernel_constraint=keras.constraints.MaxNorm(2.0))(inputs)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
