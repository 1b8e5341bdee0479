"""KD202, side B: the same model with the input declared as the default float32."""
import keras
from keras import layers

tokens = keras.Input(shape=(5,))
x = layers.Embedding(20, 4)(tokens)
x = layers.GlobalAveragePooling1D()(x)
outputs = layers.Dense(1)(x)
model = keras.Model(tokens, outputs)
