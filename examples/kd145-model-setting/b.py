"""KD145, side B: the same class built with another dropout: one constructor argument, reported
at the model (where the fix is made) before the layer it changes."""
import keras
from keras import layers


class Tower(keras.Model):
    def __init__(self, width=16, dropout=0.1, **kwargs):
        inputs = keras.Input(shape=(8,))
        x = layers.Dense(width, activation="relu")(inputs)
        x = layers.Dropout(dropout)(x)
        outputs = layers.Dense(1)(x)
        super().__init__(inputs, outputs, **kwargs)
        self.width, self.dropout = width, dropout

    def get_config(self):
        return {"width": self.width, "dropout": self.dropout}


model = Tower(dropout=0.5)  # B: more dropout, set once for the whole class
