"""KD121, side A: the hidden Dense has an L2(0.01) kernel penalty."""
import keras
from keras import layers

inputs = keras.Input(shape=(4,))
x = layers.Dense(8, activation="relu", kernel_regularizer=keras.regularizers.L2(0.01))(inputs)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
