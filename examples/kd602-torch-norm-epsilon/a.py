"""KD602, side A (PyTorch): a transformer-style MLP block with nn.LayerNorm (eps=1e-5 by default)."""
import torch
from torch import nn


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 16)
        self.norm = nn.LayerNorm(16)
        nn.init.xavier_uniform_(self.fc.weight)
        nn.init.zeros_(self.fc.bias)

    def forward(self, x):
        return self.norm(x + torch.relu(self.fc(x)))


model = Block()
example_input = torch.randn(2, 16)
