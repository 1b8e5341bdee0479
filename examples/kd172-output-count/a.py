"""KD172 (count), side A: the model also returns its hidden features as a second output (for an auxiliary loss)."""
import keras
from keras import layers

inputs = keras.Input(shape=(4,))
features = layers.Dense(8, activation="relu")(inputs)
prediction = layers.Dense(1)(features)
model = keras.Model(inputs, [prediction, features])
