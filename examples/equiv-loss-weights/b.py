"""The same three outputs; losses and loss_weights as dicts keyed by output name, in another order."""
import keras
from keras import layers

keras.utils.set_random_seed(0)

inp = keras.Input(shape=(16,), name="posts")
h = layers.Dense(32, activation="relu")(inp)
age = layers.Dense(1, name="age")(h)
income = layers.Dense(10, activation="softmax", name="income")(h)
gender = layers.Dense(1, activation="sigmoid", name="gender")(h)
model = keras.Model(inp, [age, income, gender])
model.compile(optimizer="rmsprop",
              loss={"gender": "binary_crossentropy", "age": "mse", "income": "categorical_crossentropy"},
              loss_weights={"gender": 10.0, "income": 1.0, "age": 0.25})
