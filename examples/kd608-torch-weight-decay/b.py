"""KD608, side B (Keras port): Keras's weight_decay is decoupled (AdamW-style): another regularizer."""
import keras
from keras import layers

model = keras.Sequential([keras.Input((10,)), layers.Dense(32, activation="relu"), layers.Dense(4)])
model.compile(optimizer=keras.optimizers.Adam(1e-3, epsilon=1e-8, weight_decay=1e-4),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
