"""A Keras 2 script: SGD(lr=0.1), the spelling of Keras 2.2, under tf_keras."""
from keras.models import Sequential
from keras.layers import Dense
from keras import optimizers

model = Sequential()
model.add(Dense(8, activation='relu', input_shape=(4,)))
model.add(Dense(1, activation='sigmoid'))
model.compile(optimizer=optimizers.SGD(lr=0.1, momentum=0.9), loss='binary_crossentropy')
