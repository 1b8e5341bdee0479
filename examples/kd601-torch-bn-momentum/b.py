"""KD601, side B (Keras port): momentum=0.1 copied from the PyTorch code; in Keras momentum is the
weight of the OLD statistics, so this averages 9x faster than PyTorch does (Keras 0.9 is right)."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input((8,)),
    layers.Dense(16),
    layers.BatchNormalization(momentum=0.1, epsilon=1e-5),
    layers.ReLU(),
    layers.Dense(1),
])
