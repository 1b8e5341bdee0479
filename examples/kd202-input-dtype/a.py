"""KD202, side A: token ids fed as int32 into an Embedding."""
import keras
from keras import layers

tokens = keras.Input(shape=(5,), dtype="int32")
x = layers.Embedding(20, 4)(tokens)
x = layers.GlobalAveragePooling1D()(x)
outputs = layers.Dense(1)(x)
model = keras.Model(tokens, outputs)
