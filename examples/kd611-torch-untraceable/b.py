"""KD611, side B (Keras port): the same layers, without the gate."""
import keras
from keras import layers

model = keras.Sequential([keras.Input((8,)), layers.Dense(16), layers.ReLU(), layers.Dense(1)])
