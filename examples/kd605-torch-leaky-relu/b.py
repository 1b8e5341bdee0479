"""KD605, side B (Keras port): layers.LeakyReLU() defaults to negative_slope=0.3, 30x PyTorch's."""
import keras
from keras import layers

model = keras.Sequential([keras.Input((8,)), layers.Dense(16), layers.LeakyReLU(), layers.Dense(1)])
