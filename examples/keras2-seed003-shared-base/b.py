"""Seed 003 in Keras 2, side B: the functional rewrite builds the base network once per input."""
from keras.models import Model
from keras.layers import Conv2D, MaxPooling2D, Flatten, Dense, Reshape, Input, LSTM, concatenate


def create_base_network(x):
    x = Conv2D(8, 3, activation='relu', padding='same')(x)
    x = Conv2D(16, 3, activation='relu', padding='same')(x)
    x = MaxPooling2D(2, 2)(x)
    x = Flatten()(x)
    x = Dense(32, activation='relu')(x)
    return Reshape((1, 32))(x)


input_dim = (8, 8, 1)
inputs = [Input(shape=input_dim) for _ in range(6)]
merged = concatenate([create_base_network(x) for x in inputs], axis=1)
features = LSTM(16, name='lstm')(merged)
outputs = Dense(3, activation='softmax', name='out')(features)
model = Model(inputs, outputs)
