"""Side B (Keras): the same layers, every initializer written as PyTorch draws it; but
MultiHeadAttention's one kernel_initializer also draws the output projection, which PyTorch draws
with nn.Linear's narrower default: training from scratch starts elsewhere (KD617)."""
import math

import keras
from keras import layers

b_qkv = math.sqrt(6 / (16 + 3 * 16))  # xavier_uniform of the packed (48, 16) in-projection
x = keras.Input((6, 16))
a = layers.MultiHeadAttention(
    4, 4, kernel_initializer=keras.initializers.RandomUniform(-b_qkv, b_qkv)
)(x, x)
pooled = layers.GlobalAveragePooling1D()(a)
out = layers.Dense(
    3,
    kernel_initializer=keras.initializers.VarianceScaling(1 / 3, "fan_in", "uniform"),
    bias_initializer=keras.initializers.RandomUniform(-0.25, 0.25),
)(pooled)
model = keras.Model(x, out)
