"""Seed 002 variant, side B: the same model, but the 'age' head got a sigmoid copied from 'gender'."""
import keras
from keras import layers

posts = keras.Input(shape=(12,), name="posts")
x = layers.Dense(16, activation="relu")(posts)
age = layers.Dense(1, activation="sigmoid", name="age")(x)  # squashes ages into (0, 1)
gender = layers.Dense(1, activation="sigmoid", name="gender")(x)

model = keras.Model(posts, [age, gender])
model.compile(optimizer="rmsprop", loss={"age": "mse", "gender": "binary_crossentropy"},
              loss_weights={"age": 0.25, "gender": 10.0})
