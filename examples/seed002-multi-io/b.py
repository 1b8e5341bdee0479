"""Seed 002, side B: the same two-input/two-output network written with list losses and a functional per-timestep model."""
import keras
from keras import layers


def build_step_model():
    x = keras.Input(shape=(6,))
    h = layers.Dense(8, activation="relu")(x)
    h = layers.Dense(4, activation="relu")(h)
    return keras.Model(x, h, name="step_model")


frames = keras.Input(shape=(5, 6), name="frames")
meta = keras.Input(shape=(3,), name="meta")

per_step = layers.TimeDistributed(build_step_model())(frames)
seq = layers.GlobalAveragePooling1D()(per_step)
meta_code = layers.Dense(4, activation="relu")(meta)  # the one-layer block, inline
hidden = layers.Dense(8, activation="relu")(layers.concatenate([seq, meta_code]))
outputs = [
    layers.Dense(1, name="score")(hidden),
    layers.Dense(3, activation="softmax", name="label")(hidden),
]

model = keras.Model(inputs=[frames, meta], outputs=outputs)
model.compile(optimizer="rmsprop", loss=["mse", "categorical_crossentropy"], loss_weights=[0.5, 1.0])
