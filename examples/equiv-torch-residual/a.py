"""A correct port, side A (PyTorch): residual MLP blocks (x + f(x)) and a concatenation of two
branches, written with functional calls in forward()."""
import torch
from torch import nn
import torch.nn.functional as F


class ResMLP(nn.Module):
    def __init__(self, width=16):
        super().__init__()
        self.inp = nn.Linear(8, width)
        self.block1 = nn.Linear(width, width)
        self.block2 = nn.Linear(width, width)
        self.left = nn.Linear(width, 4)
        self.right = nn.Linear(width, 4)
        self.head = nn.Linear(8, 1)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        h = F.relu(self.inp(x))
        h = h + F.relu(self.block1(h))
        h = h + F.relu(self.block2(h))
        both = torch.cat([torch.tanh(self.left(h)), torch.sigmoid(self.right(h))], dim=1)
        return self.head(both)


model = ResMLP()
example_input = torch.randn(2, 8)
