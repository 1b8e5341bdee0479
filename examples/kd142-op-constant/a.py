"""KD142 (operation constant), side A: pixels scaled into [0, 1] inside the model with `x / 255.0`."""
import keras
from keras import layers

keras.utils.set_random_seed(0)
images = keras.Input(shape=(8, 8, 3))
x = images / 255.0
x = layers.Conv2D(4, 3, activation="relu")(x)
x = layers.GlobalAveragePooling2D()(x)
out = layers.Dense(2, activation="softmax")(x)
model = keras.Model(images, out)
