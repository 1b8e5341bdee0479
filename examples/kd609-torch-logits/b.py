"""KD609, side B (Keras port): the loss string means from_logits=False: the logits are read as
probabilities."""
import keras
from keras import layers

model = keras.Sequential([keras.Input((10,)), layers.Dense(32, activation="relu"), layers.Dense(4)])
model.compile(optimizer=keras.optimizers.SGD(0.01), loss="sparse_categorical_crossentropy")
