"""KD607, side B (Keras port): epsilon=1e-8 and from_logits=True as PyTorch: equivalent."""
import keras
from keras import layers

model = keras.Sequential([keras.Input((10,)), layers.Dense(32, activation="relu"), layers.Dense(4)])
model.compile(optimizer=keras.optimizers.Adam(1e-3, epsilon=1e-8),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
