"""KD612, side B (Keras port): the same optimizer, loss, batch size and shuffling through fit()."""
import keras
import numpy as np
from keras import layers

model = keras.Sequential([keras.Input((10,)), layers.Dense(32, activation="relu"), layers.Dense(4)])
model.compile(optimizer=keras.optimizers.SGD(0.01, momentum=0.9),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(np.zeros((64, 10)), np.zeros(64), batch_size=16, shuffle=True, epochs=5)
