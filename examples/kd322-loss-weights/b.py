"""Same model; the dict of loss weights was typed in list order, so age and gender are swapped."""
import keras
from keras import layers

inp = keras.Input(shape=(16,), name="posts")
h = layers.Dense(32, activation="relu")(inp)
age = layers.Dense(1, name="age")(h)
income = layers.Dense(10, activation="softmax", name="income")(h)
gender = layers.Dense(1, activation="sigmoid", name="gender")(h)
model = keras.Model(inp, [age, income, gender])
model.compile(optimizer="rmsprop",
              loss={"age": "mse", "income": "categorical_crossentropy", "gender": "binary_crossentropy"},
              loss_weights={"gender": 0.25, "income": 1.0, "age": 10.0})
