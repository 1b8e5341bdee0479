"""Seed 004 as its user wrote it in Keras 2 (v2.2.4 spellings): the 'same' network as sk.py.
decay= needs the legacy optimizer under tf_keras (TensorFlow 2.11+ refuses it in the new one)."""
import numpy as np
from keras.models import Sequential
from keras.layers import Dense
from keras import optimizers
from keras import backend as K

rng = np.random.default_rng(0)
X = rng.normal(size=(1000, 4))
y = X @ np.array([1.5, -2.0, 0.5, 0.0])


def skl_norm(weights):
    alpha = 1.0
    return alpha * 0.5 * K.sum(K.square(weights))


mlp = Sequential()
mlp.add(Dense(units=10, activation='sigmoid', input_dim=X.shape[1], kernel_regularizer=skl_norm))
mlp.add(Dense(units=1, activation='linear', kernel_regularizer=skl_norm))
opt = optimizers.legacy.SGD(lr=0.001, momentum=0.9, decay=0.0, nesterov=True)
mlp.compile(optimizer=opt, loss='mean_squared_error')
mlp.fit(X, y, batch_size=200, epochs=200, verbose=0)
