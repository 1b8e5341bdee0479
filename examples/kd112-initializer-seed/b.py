"""KD112, side B: same initializer with another seed: a different draw (a warning, not an error)."""
import keras
from keras import layers

inputs = keras.Input(shape=(4,))
x = layers.Dense(8, activation="relu", kernel_initializer=keras.initializers.GlorotUniform(seed=2))(inputs)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
