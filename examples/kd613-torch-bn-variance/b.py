"""KD613, side B (Keras port): momentum 0.9 and epsilon 1e-5 as PyTorch's 0.1 and 1e-5."""
import keras
import numpy as np
from keras import layers

model = keras.Sequential([
    keras.Input((6,)),
    layers.Dense(12),
    layers.BatchNormalization(momentum=0.9, epsilon=1e-5),
    layers.ReLU(),
    layers.Dense(1),
])
model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
model.fit(np.zeros((32, 6)), np.zeros((32, 1)), batch_size=8, shuffle=True)
