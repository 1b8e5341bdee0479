"""One script that runs under Keras 2 and Keras 3 alike: a hard_sigmoid gate."""
import keras
from keras import layers

inputs = keras.Input((6,))
h = layers.Dense(8, activation="relu")(inputs)
gate = layers.Dense(8, activation="hard_sigmoid")(h)
outputs = layers.Dense(1)(layers.Multiply()([h, gate]))
model = keras.Model(inputs, outputs)
