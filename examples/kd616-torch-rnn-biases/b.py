"""KD616, side B (Keras port): LSTM(16) (the last step), initialized like PyTorch (every weight and
bias from U(-1/4, 1/4), no forget-gate bias of 1): equal given the weights; the two biases remain."""
import keras
from keras import layers


def torch_uniform():
    return keras.initializers.RandomUniform(-0.25, 0.25)


model = keras.Sequential([
    keras.Input((6, 8)),
    layers.LSTM(16, kernel_initializer=torch_uniform(), recurrent_initializer=torch_uniform(),
                bias_initializer=torch_uniform(), unit_forget_bias=False),
    layers.Dense(3),
])
