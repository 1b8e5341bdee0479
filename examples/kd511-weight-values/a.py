"""KD511, side A: the model takes weights exported from a training run (here drawn from one
fixed generator, as if read from .npy files)."""
import keras
import numpy as np
from keras import layers

model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(8, activation="relu"), layers.Dense(1)])
rng = np.random.default_rng(0)
model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.get_weights()])
