"""KD172, side B: the same heads returned as [income, age]: list losses now hit the wrong head."""
import keras
from keras import layers

inputs = keras.Input(shape=(6,))
x = layers.Dense(8, activation="relu")(inputs)
age = layers.Dense(1, name="age")(x)
income = layers.Dense(3, activation="softmax", name="income")(x)
model = keras.Model(inputs, [income, age])
model.compile(optimizer="adam", loss=["mse", "categorical_crossentropy"])
