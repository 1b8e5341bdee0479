"""Its faithful Keras 3 rewrite: keras.Input in the block, the same math everywhere."""
import keras
from keras import layers

inputs = keras.Input(shape=(8,))
h = layers.Dense(16, activation="relu", kernel_initializer="he_normal")(inputs)
h = layers.BatchNormalization()(h)
h = layers.LeakyReLU()(h)
h = h * 0.5
h = layers.Dropout(0.2)(h)
block = keras.Sequential([keras.Input((16,)), layers.Dense(4), layers.Activation("tanh")])
h = block(h)
outputs = layers.Dense(1, activation="sigmoid")(h[:, :3])
model = keras.Model(inputs, outputs)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="binary_crossentropy",
              metrics=["accuracy"])
