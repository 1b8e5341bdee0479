"""KD606, side B (Keras port): keras.optimizers.Adam() defaults to epsilon=1e-7, 10x PyTorch's."""
import keras
from keras import layers

model = keras.Sequential([keras.Input((10,)), layers.Dense(32, activation="relu"), layers.Dense(4)])
model.compile(optimizer=keras.optimizers.Adam(1e-3),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
