"""KD605, side A (PyTorch): nn.LeakyReLU() with its default slope 0.01."""
import torch
from torch import nn

model = nn.Sequential(nn.Linear(8, 16), nn.LeakyReLU(), nn.Linear(16, 1))
for m in model:
    if isinstance(m, nn.Linear):
        nn.init.xavier_uniform_(m.weight)
        nn.init.zeros_(m.bias)
example_input = torch.randn(2, 8)
