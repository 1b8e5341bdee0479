"""KD153, side A: a custom layer whose get_config() raises and that keeps its factor in a private
attribute: kerasdiff cannot read its settings, and says so instead of calling the pair equal."""
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
