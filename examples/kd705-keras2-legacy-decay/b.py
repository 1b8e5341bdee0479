"""Its Keras 3 rewrite dropped decay= (Keras 3 has none): a constant rate."""
import keras
from keras import layers

model = keras.Sequential([keras.Input((4,)), layers.Dense(1)])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True), loss="mse")
