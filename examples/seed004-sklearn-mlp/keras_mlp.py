"""Seed 004, Keras side: the 'same' network and settings as sk.py, written the obvious way."""
import keras
import numpy as np
from keras import layers

rng = np.random.default_rng(0)
X = rng.normal(size=(1000, 4))
y = X @ np.array([1.5, -2.0, 0.5, 0.0])


def skl_norm(weights):
    alpha = 1.0  # "the same alpha as scikit-learn"
    return alpha * 0.5 * keras.ops.sum(keras.ops.square(weights))


model = keras.Sequential([
    keras.Input(shape=(4,)),
    layers.Dense(10, activation="sigmoid", kernel_regularizer=skl_norm),
    layers.Dense(1, activation="linear", kernel_regularizer=skl_norm),
])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.001, momentum=0.9, nesterov=True),
              loss="mean_squared_error")
model.fit(X, y, batch_size=200, epochs=200, verbose=0)
