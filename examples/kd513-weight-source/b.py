"""KD513, side B: the same architecture, freshly initialized: equal configs, different weights."""
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(8, activation="relu"), layers.Dense(1)])
