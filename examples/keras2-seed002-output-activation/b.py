"""Seed 002 variant in Keras 2, side B: the 'age' head got the sigmoid copied from 'gender'."""
from keras.layers import Input, Dense
from keras.models import Model

posts = Input(shape=(12,), name='posts')
x = Dense(16, activation='relu')(posts)
age = Dense(1, activation='sigmoid', name='age')(x)
gender = Dense(1, activation='sigmoid', name='gender')(x)

model = Model(posts, [age, gender])
model.compile(optimizer='rmsprop', loss={'age': 'mse', 'gender': 'binary_crossentropy'},
              loss_weights={'age': 0.25, 'gender': 10.})
