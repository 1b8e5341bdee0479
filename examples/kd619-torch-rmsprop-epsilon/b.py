"""KD619, side B (Keras port): RMSprop with the same numbers, rho=0.9 and epsilon=1e-8; but
Keras adds epsilon inside the square root, where 1e-8 is a floor of 1e-4 (epsilon=1e-16 matches)."""
import keras
from keras import layers

model = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="tanh"), layers.Dense(1)])
model.compile(optimizer=keras.optimizers.RMSprop(1e-3, rho=0.9, epsilon=1e-8), loss="mse")
