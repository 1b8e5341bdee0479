"""One script under Keras 2 and Keras 3: a ConvLSTM2D and the Lion optimizer at their defaults."""
import keras
from keras import layers

inputs = keras.Input((3, 6, 6, 1))
h = layers.ConvLSTM2D(2, 3)(inputs)
outputs = layers.Dense(1)(layers.Flatten()(h))
model = keras.Model(inputs, outputs)
model.compile(optimizer=keras.optimizers.Lion(), loss="mse")
