"""KD604, side A (PyTorch): GELU with the tanh approximation (as GPT-2 style code writes it)."""
import torch
from torch import nn

model = nn.Sequential(nn.Linear(16, 32), nn.GELU(approximate="tanh"), nn.Linear(32, 16))
for m in model:
    if isinstance(m, nn.Linear):
        nn.init.xavier_uniform_(m.weight)
        nn.init.zeros_(m.bias)
example_input = torch.randn(2, 16)
