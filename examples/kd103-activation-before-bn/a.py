"""KD103, side A: conv -> BatchNormalization -> ReLU (normalize, then the nonlinearity)."""
import keras
from keras import layers

keras.utils.set_random_seed(0)
inp = keras.Input(shape=(16, 16, 3))
x = layers.Conv2D(8, 3, padding="same", use_bias=False)(inp)
x = layers.BatchNormalization()(x)
x = layers.ReLU()(x)
x = layers.GlobalAveragePooling2D()(x)
out = layers.Dense(2, activation="softmax")(x)
model = keras.Model(inp, out)
