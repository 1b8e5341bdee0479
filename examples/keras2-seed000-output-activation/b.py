"""Seed 000 in Keras 2, side B: the functional rewrite (Input(shape=3) as Keras 2 accepted it)."""
from tensorflow import keras

inputs = keras.layers.Input(shape=3)
out = keras.layers.Dense(78, activation='relu')(inputs)
out = keras.layers.Dense(54, activation='relu')(out)
out = keras.layers.Dense(54, activation='relu')(out)
out = keras.layers.Dense(5, activation='relu')(out)
func_model = keras.Model(inputs=inputs, outputs=out, name='func_model')
func_model.compile(optimizer='adam', loss='mse')
