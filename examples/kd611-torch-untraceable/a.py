"""KD611, side A (PyTorch): forward() branches on a tensor's value, which torch.fx cannot trace:
the modules are compared in order, and the report says what it could not see."""
import torch
from torch import nn


class Gated(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(8, 16)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(16, 1)
        for m in (self.fc1, self.fc2):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)

    def forward(self, x):
        h = self.act(self.fc1(x))
        if h.mean() > 0:  # data-dependent control flow
            h = h * 2
        return self.fc2(h)


model = Gated()
