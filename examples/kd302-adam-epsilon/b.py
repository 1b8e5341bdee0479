"""Adam with a hand-set epsilon 1e-8 (the PyTorch/scikit-learn default)."""
import keras
import numpy as np
from keras import layers

keras.utils.set_random_seed(0)

x = np.zeros((100, 8), dtype="float32")
y = np.zeros((100, 3), dtype="float32")
model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(16, activation="relu"),
    layers.Dense(3, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(epsilon=1e-8), loss="categorical_crossentropy")
model.fit(x, y, epochs=5)
