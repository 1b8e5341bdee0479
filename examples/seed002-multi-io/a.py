"""Seed 002, side A: two named inputs, a per-timestep Sequential inside TimeDistributed, two named outputs with dict losses."""
import keras
from keras import layers

# A small model applied to every timestep: a model used as a layer.
step_model = keras.Sequential([
    keras.Input(shape=(6,)),
    layers.Dense(8, activation="relu"),
    layers.Dense(4, activation="relu"),
], name="step_model")

frames = keras.Input(shape=(5, 6), name="frames")
meta = keras.Input(shape=(3,), name="meta")

per_step = layers.TimeDistributed(step_model)(frames)
seq = layers.GlobalAveragePooling1D()(per_step)
meta_code = keras.Sequential([layers.Dense(4, activation="relu")], name="meta_block")(meta)
joined = layers.Concatenate()([seq, meta_code])
hidden = layers.Dense(8, activation="relu")(joined)
score = layers.Dense(1, name="score")(hidden)
label = layers.Dense(3, activation="softmax", name="label")(hidden)

model = keras.Model([frames, meta], [score, label])
model.compile(optimizer="rmsprop",
              loss={"score": "mse", "label": "categorical_crossentropy"},
              loss_weights={"score": 0.5, "label": 1.0})
