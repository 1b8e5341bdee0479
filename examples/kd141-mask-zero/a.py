"""KD141 (mask_zero), side A: padded token sequences, padding masked out of the LSTM."""
import keras
from keras import layers

keras.utils.set_random_seed(0)
tokens = keras.Input(shape=(None,), dtype="int32")
x = layers.Embedding(100, 8, mask_zero=True)(tokens)
x = layers.Bidirectional(layers.LSTM(6))(x)
out = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(tokens, out)
