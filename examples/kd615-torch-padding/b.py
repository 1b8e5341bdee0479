"""KD615, side B (Keras port): padding="same" with stride 2 pads 0 before and 1 after on even sizes,
not 1 on both sides: every output moves by a pixel (the stride-1 convolution after it is fine)."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input((32, 32, 3)),
    layers.Conv2D(8, 3, strides=2, padding="same", activation="relu"),
    layers.Conv2D(8, 3, padding="same"),
])
