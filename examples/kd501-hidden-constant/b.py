"""KD501, side B: identical code and configs; only the module-level constant differs.
Nothing in the layer configs shows it; `kerasdiff --probe` does."""
import keras
from keras import layers

TEMPERATURE = 2.0  # "tuned" in the refactor


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
