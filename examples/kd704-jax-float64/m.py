"""One Keras 3 script in float64, to be run on two backends (TensorFlow and JAX)."""
import keras
from keras import layers

keras.config.set_floatx("float64")
model = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="tanh"), layers.Dense(1)])
