"""KD502, side A: a two-layer classifier trained with plain SGD on cross-entropy from logits."""
import keras
from keras import layers

inputs = keras.Input((6,))
hidden = layers.Dense(8, activation="relu")(inputs)
logits = layers.Dense(3)(hidden)
model = keras.Model(inputs, logits)
model.compile(
    optimizer=keras.optimizers.SGD(0.1),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
)
