"""KD501, side A: a custom layer whose behaviour depends on a module-level constant."""
import keras
from keras import layers

TEMPERATURE = 1.0  # divides the logits


@keras.saving.register_keras_serializable(package="kd501")
class Tempered(layers.Layer):
    def call(self, x):
        return x / TEMPERATURE


keras.utils.set_random_seed(0)
model = keras.Sequential([
    keras.Input(shape=(4,)),
    layers.Dense(8, activation="relu"),
    layers.Dense(3),
    Tempered(),
    layers.Softmax(),
])
