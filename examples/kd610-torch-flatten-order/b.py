"""KD610, side B (Keras port): the same CNN channels-last (BatchNorm momentum 0.99 = PyTorch 0.01)."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input((16, 16, 3)),
    layers.Conv2D(8, 3, padding="same"),
    layers.BatchNormalization(),
    layers.ReLU(),
    layers.MaxPooling2D(2),
    layers.Flatten(),
    layers.Dense(10),
])
