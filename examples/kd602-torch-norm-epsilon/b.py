"""KD602, side B (Keras port): LayerNormalization() keeps Keras's epsilon=1e-3, 100x PyTorch's."""
import keras
from keras import layers

inp = keras.Input((16,))
x = layers.Dense(16, activation="relu")(inp)
out = layers.LayerNormalization()(layers.Add()([inp, x]))
model = keras.Model(inp, out)
