"""KD153, side B: the same layer class; whether its private factor is the same, only --probe can
tell."""
import keras
from keras import layers

FACTOR = 2.0


class Scale(layers.Layer):
    def __init__(self):
        super().__init__()
        self._factor = FACTOR

    def call(self, x):
        return x * self._factor

    def get_config(self):
        raise NotImplementedError("Scale is not serializable")


model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(4), Scale(), layers.Dense(1)])
