"""KD172, side A: a two-head model with outputs [age, income]."""
import keras
from keras import layers

inputs = keras.Input(shape=(6,))
x = layers.Dense(8, activation="relu")(inputs)
age = layers.Dense(1, name="age")(x)
income = layers.Dense(3, activation="softmax", name="income")(x)
model = keras.Model(inputs, [age, income])
model.compile(optimizer="adam", loss=["mse", "categorical_crossentropy"])
