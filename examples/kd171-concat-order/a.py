"""KD171, side A: two branches merged as Concatenate([wide, deep])."""
import keras
from keras import layers

inputs = keras.Input(shape=(6,))
wide = layers.Dense(4)(inputs)
deep = layers.Dense(4, activation="relu")(layers.Dense(8, activation="relu")(inputs))
merged = layers.Concatenate()([wide, deep])
outputs = layers.Dense(1)(merged)
model = keras.Model(inputs, outputs)
