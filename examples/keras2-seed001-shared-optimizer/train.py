"""Seed 001 as written in Keras 2: a functional and a Sequential model compiled with ONE Adam."""
from keras.models import Sequential
import numpy as np
from keras.models import Model
from keras.layers import Input
from keras.layers import Dense
from tensorflow import keras

x = np.random.random_sample((1, 64))
y = np.random.random_sample((1, 20))

inputs = Input(shape=(64,))
h = Dense(32, activation='sigmoid')(inputs)
h = Dense(32, activation='sigmoid')(h)
outputs = Dense(20, activation='sigmoid')(h)
functional = Model(inputs, outputs)
opt = keras.optimizers.Adam(learning_rate=0.01)
functional.compile(loss='mse', optimizer=opt)

sequen = Sequential()
sequen.add(Dense(32, activation='sigmoid', input_shape=(64,)))
sequen.add(Dense(32, activation='sigmoid'))
sequen.add(Dense(20, activation='sigmoid'))
sequen.compile(loss='mse', optimizer=opt)

functional.fit(x, y, epochs=200, verbose=0, validation_data=(x, y))
sequen.fit(x, y, epochs=200, verbose=0, validation_data=(x, y))
