"""KD121, side B: the penalty is ten times weaker, L2(0.001): a different loss to minimise."""
import keras
from keras import layers

inputs = keras.Input(shape=(4,))
x = layers.Dense(8, activation="relu", kernel_regularizer=keras.regularizers.L2(0.001))(inputs)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
