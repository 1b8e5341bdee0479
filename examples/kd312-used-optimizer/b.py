"""A hand-written warm-up step runs the optimizer before compile: training starts from its state."""
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
opt = keras.optimizers.Adam(0.01)
opt.apply([keras.ops.zeros_like(v) for v in model.trainable_variables], model.trainable_variables)
model.compile(optimizer=opt, loss="categorical_crossentropy")
model.fit(x, y, epochs=5)
