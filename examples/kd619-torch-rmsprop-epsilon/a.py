"""KD619, side A (PyTorch): a small regressor trained with RMSprop (eps=1e-8 is added after the
square root), Keras-like initialization so only the optimizer differs."""
import torch
from torch import nn


def keras_like_init(m):
    if isinstance(m, nn.Linear):
        nn.init.xavier_uniform_(m.weight)
        nn.init.zeros_(m.bias)


model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1))
model.apply(keras_like_init)
optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9)
loss_fn = nn.MSELoss()
example_input = torch.randn(2, 4)
