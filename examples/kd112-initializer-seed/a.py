"""KD112, side A: the hidden Dense uses GlorotUniform seeded with 1."""
import keras
from keras import layers

inputs = keras.Input(shape=(4,))
x = layers.Dense(8, activation="relu", kernel_initializer=keras.initializers.GlorotUniform(seed=1))(inputs)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
