"""A correct port, side B (Keras): Embedding + GlobalAveragePooling1D + Dense, the same Adam (with
PyTorch's eps chosen on both sides) and from_logits=True."""
import keras
import numpy as np
from keras import layers

model = keras.Sequential([
    keras.Input((12,), dtype="int64"),
    layers.Embedding(100, 8),
    layers.GlobalAveragePooling1D(),
    layers.Dropout(0.2),
    layers.Dense(3),
])
model.compile(optimizer=keras.optimizers.Adam(2e-3, epsilon=1e-7),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(np.zeros((64, 12), "int64"), np.zeros(64), batch_size=32, shuffle=True)
