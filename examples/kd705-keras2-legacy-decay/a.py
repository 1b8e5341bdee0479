"""A Keras 2 script with a decaying rate: the legacy SGD's decay= (refused by the new one)."""
from keras.models import Sequential
from keras.layers import Dense
from keras import optimizers

model = Sequential()
model.add(Dense(1, input_shape=(4,)))
model.compile(optimizer=optimizers.legacy.SGD(lr=0.1, momentum=0.9, decay=0.01, nesterov=True), loss='mse')
