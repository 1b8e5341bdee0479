"""KD502, side B: the same layers and compile(), but a Model subclass whose compute_loss halves
the loss: every gradient is halved, so SGD takes half steps. No config shows it; only training
does (`kerasdiff a.py b.py --probe-train`)."""
import keras
from keras import layers


class HalvedLoss(keras.Model):
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        return 0.5 * super().compute_loss(x, y, y_pred, sample_weight, training)


inputs = keras.Input((6,))
hidden = layers.Dense(8, activation="relu")(inputs)
logits = layers.Dense(3)(hidden)
model = HalvedLoss(inputs, logits)
model.compile(
    optimizer=keras.optimizers.SGD(0.1),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
)
