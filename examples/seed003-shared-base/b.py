"""Seed 003, side B: the functional rewrite that builds the base network once per input."""
import keras
from keras import layers

IMG = (8, 8, 1)


def create_base_network(x):
    # Every call creates NEW layers: six independent copies instead of one shared network.
    x = layers.Conv2D(8, 3, activation="relu", padding="same")(x)
    x = layers.Conv2D(16, 3, activation="relu", padding="same")(x)
    x = layers.MaxPooling2D(2)(x)
    x = layers.Flatten()(x)
    x = layers.Dense(32, activation="relu")(x)
    return layers.Reshape((1, 32))(x)


inputs = [keras.Input(shape=IMG) for _ in range(6)]
merged = layers.Concatenate(axis=1)([create_base_network(x) for x in inputs])
features = layers.LSTM(16, name="lstm")(merged)
outputs = layers.Dense(3, activation="softmax", name="out")(features)
model = keras.Model(inputs, outputs)
