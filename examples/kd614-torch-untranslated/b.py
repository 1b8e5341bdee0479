"""KD614, side B (Keras port): Bidirectional(LSTM(16, return_sequences=True))."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input((5, 8)),
    layers.Bidirectional(layers.LSTM(16, return_sequences=True)),
    layers.Dense(3),
])
