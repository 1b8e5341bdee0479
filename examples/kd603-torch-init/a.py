"""KD603, side A (PyTorch): nn.Linear layers with PyTorch's default initialization
(kernel and bias from U(-1/sqrt(fan_in), 1/sqrt(fan_in)))."""
import torch
from torch import nn

model = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 3))
example_input = torch.randn(2, 20)
