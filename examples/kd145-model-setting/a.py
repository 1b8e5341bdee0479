"""KD145, side A: a model class of the user's own (like a keras-hub backbone) that takes its
settings as constructor arguments and reports them in get_config()."""
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


model = Tower(dropout=0.1)
