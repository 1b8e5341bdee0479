"""KD172 (count), side B: the same layers, but only the prediction is a model output."""
import keras
from keras import layers

inputs = keras.Input(shape=(4,))
features = layers.Dense(8, activation="relu")(inputs)
prediction = layers.Dense(1)(features)
model = keras.Model(inputs, prediction)
