"""KD171, side B: the same branches merged in the other order, Concatenate([deep, wide])."""
import keras
from keras import layers

inputs = keras.Input(shape=(6,))
wide = layers.Dense(4)(inputs)
deep = layers.Dense(4, activation="relu")(layers.Dense(8, activation="relu")(inputs))
merged = layers.Concatenate()([deep, wide])
outputs = layers.Dense(1)(merged)
model = keras.Model(inputs, outputs)
