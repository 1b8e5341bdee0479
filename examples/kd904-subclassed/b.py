"""KD904, side B: the same MLP as a subclassed keras.Model, whose graph lives inside call()."""
import keras
from keras import layers


class MLP(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(8, activation="relu")
        self.out = layers.Dense(1)

    def call(self, x):
        return self.out(self.hidden(x))


model = MLP()
model(keras.ops.zeros((1, 4)))  # build the sublayers by calling it once
