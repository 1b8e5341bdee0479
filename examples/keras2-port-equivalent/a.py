"""A Keras 2 script (tf.keras spellings: input_shape=, lr-free learning_rate=, tf ops on tensors)."""
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

inputs = keras.Input(shape=(8,))
h = layers.Dense(16, activation='relu', kernel_initializer='he_normal')(inputs)
h = layers.BatchNormalization()(h)
h = layers.LeakyReLU()(h)
h = h * 0.5
h = layers.Dropout(0.2)(h)
block = keras.Sequential([layers.Dense(4, input_shape=(16,)), layers.Activation('tanh')])
h = block(h)
outputs = layers.Dense(1, activation='sigmoid')(h[:, :3])
model = keras.Model(inputs, outputs)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss='binary_crossentropy',
              metrics=['accuracy'])
