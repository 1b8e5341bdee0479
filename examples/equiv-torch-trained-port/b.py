"""A correct port with its training setup, side B (Keras): PyTorch's initializers written out,
the coupled weight decay 1e-3 as L2(5e-4) on every weight (the same gradient), Adam's epsilon
1e-8, logits, fit(batch_size=16, shuffle=True). `--probe-train`: one step moves both alike."""
import math

import keras
from keras import layers

keras.utils.set_random_seed(0)


def dense(units, fan_in, **kw):
    b = 1 / math.sqrt(fan_in)
    return layers.Dense(
        units,
        kernel_initializer=keras.initializers.VarianceScaling(1 / 3, "fan_in", "uniform"),
        bias_initializer=keras.initializers.RandomUniform(-b, b),
        kernel_regularizer=keras.regularizers.L2(5e-4),
        bias_regularizer=keras.regularizers.L2(5e-4),
        **kw,
    )


model = keras.Sequential([
    keras.Input((6,)),
    dense(12, 6, activation="relu"),
    layers.Dropout(0.3),
    dense(4, 12),
])
model.compile(
    optimizer=keras.optimizers.Adam(1e-2, epsilon=1e-8),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
)
x = keras.random.normal((64, 6))
y = keras.random.randint((64,), 0, 4)
model.fit(x, y, batch_size=16, epochs=1, shuffle=True)
