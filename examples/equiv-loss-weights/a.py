"""Three outputs; losses and loss_weights given as lists in output order."""
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
              loss=["mse", "categorical_crossentropy", "binary_crossentropy"],
              loss_weights=[0.25, 1.0, 10.0])
