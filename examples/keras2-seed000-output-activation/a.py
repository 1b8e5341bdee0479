"""Seed 000 as its user wrote it in Keras 2, side A: the Sequential regression MLP (3 -> 5)."""
from keras.models import Sequential
from keras.layers import Dense

model = Sequential()
model.add(Dense(78, activation='relu', input_shape=(3,)))
model.add(Dense(54, activation='relu'))
model.add(Dense(54, activation='relu'))
model.add(Dense(5))
model.compile(optimizer='adam', loss='mse')
