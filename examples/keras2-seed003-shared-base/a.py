"""Seed 003 as written in Keras 2, side A: one Sequential base network shared by 6 inputs."""
from keras.models import Sequential, Model
from keras.layers import Conv2D, MaxPooling2D, Flatten, Dense, Reshape, Input, LSTM, concatenate


def create_base_network(input_dim):
    seq = Sequential()
    seq.add(Conv2D(8, 3, activation='relu', padding='same', name='conv1', input_shape=input_dim))
    seq.add(Conv2D(16, 3, activation='relu', padding='same', name='conv2'))
    seq.add(MaxPooling2D(2, 2, name='pool1'))
    seq.add(Flatten(name='fla1'))
    seq.add(Dense(32, activation='relu', name='dense1'))
    seq.add(Reshape((1, 32), name='reshape'))
    return seq


input_dim = (8, 8, 1)
base_network = create_base_network(input_dim)
inputs = [Input(shape=input_dim) for _ in range(6)]
merged = concatenate([base_network(x) for x in inputs], axis=1)
features = LSTM(16, name='lstm')(merged)
outputs = Dense(3, activation='softmax', name='out')(features)
model = Model(inputs, outputs)
