"""KD152, side B: the "same" layer after a refactor: same name, same config, but call() adds the
weights instead of multiplying (the configs are identical; the source code is not)."""
import keras
from keras import layers


@keras.saving.register_keras_serializable(package="kd501")
class Scale(layers.Layer):
    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")

    def call(self, x):
        return x + self.w


keras.utils.set_random_seed(0)
model = keras.Sequential([
    keras.Input(shape=(4,)),
    layers.Dense(8, activation="relu"),
    Scale(),
    layers.Dense(1),
])
