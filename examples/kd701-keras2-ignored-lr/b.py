"""Its Keras 3 rewrite: learning_rate=0.1, as the Keras 2 script asked."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input((4,)),
    layers.Dense(8, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.9), loss="binary_crossentropy")
