"""KD512: a copy of a trained model made with clone_model, which copies the architecture only;
the script forgets `clone.set_weights(model.get_weights())`."""
import keras
import numpy as np
from keras import layers

keras.utils.set_random_seed(0)
model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(8, activation="relu"), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.set_weights([np.full(w.shape, 0.1, "float32") for w in model.get_weights()])  # "trained"

clone = keras.models.clone_model(model)
clone.compile(optimizer="adam", loss="mse")
