"""KD601, side A (PyTorch): BatchNorm1d with PyTorch's default momentum=0.1 (weight of the NEW
batch), Keras-like initialization so only the normalization differs."""
import torch
from torch import nn


def keras_like_init(m):
    if isinstance(m, nn.Linear):
        nn.init.xavier_uniform_(m.weight)
        nn.init.zeros_(m.bias)


model = nn.Sequential(nn.Linear(8, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 1))
model.apply(keras_like_init)
example_input = torch.randn(2, 8)
