"""KD511, side B: the same architecture with the weights of ANOTHER run (another generator, as
if another checkpoint had been exported)."""
import keras
import numpy as np
from keras import layers

model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(8, activation="relu"), layers.Dense(1)])
rng = np.random.default_rng(1)
model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.get_weights()])
