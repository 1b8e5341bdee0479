"""KD618, side B (Keras port): mask_zero=True "for the padding": Keras's average then leaves the
padded steps out (the mask), where PyTorch averages its zero vectors in. Same weights, other
outputs on any padded batch."""
import keras
from keras import layers

tokens = keras.Input((10,), dtype="int64")
x = layers.Embedding(40, 8, mask_zero=True)(tokens)
x = layers.GlobalAveragePooling1D()(x)
model = keras.Model(tokens, layers.Dense(2)(x))
