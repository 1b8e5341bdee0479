"""KD513, side A: the model starts from weights exported earlier (set_weights from arrays)."""
import keras
import numpy as np
from keras import layers

model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(8, activation="relu"), layers.Dense(1)])
rng = np.random.default_rng(0)
model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.get_weights()])
