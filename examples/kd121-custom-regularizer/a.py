"""KD121 (custom), side A: a custom Python regularizer function penalising the sum of squares."""
import keras
from keras import layers, ops


def weight_penalty(w):
    return 0.01 * ops.sum(ops.square(w))


inputs = keras.Input(shape=(4,))
x = layers.Dense(8, activation="relu", kernel_regularizer=weight_penalty)(inputs)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
