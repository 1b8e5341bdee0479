"""Seed 003, side A: one Sequential base network shared by 6 inputs (Siamese style)."""
import keras
from keras import layers

IMG = (8, 8, 1)


def create_base_network(input_shape):
    return keras.Sequential([
        keras.Input(shape=input_shape),
        layers.Conv2D(8, 3, activation="relu", padding="same", name="conv1"),
        layers.Conv2D(16, 3, activation="relu", padding="same", name="conv2"),
        layers.MaxPooling2D(2, name="pool1"),
        layers.Flatten(name="fla1"),
        layers.Dense(32, activation="relu", name="dense1"),
        layers.Reshape((1, 32), name="reshape"),
    ], name="base")


base_network = create_base_network(IMG)
inputs = [keras.Input(shape=IMG) for _ in range(6)]
merged = layers.Concatenate(axis=1)([base_network(x) for x in inputs])
features = layers.LSTM(16, name="lstm")(merged)
outputs = layers.Dense(3, activation="softmax", name="out")(features)
model = keras.Model(inputs, outputs)
