"""KD604, side B (Keras port): activation="gelu" is the exact erf form in Keras."""
import keras
from keras import layers

model = keras.Sequential([keras.Input((16,)), layers.Dense(32, activation="gelu"), layers.Dense(16)])
