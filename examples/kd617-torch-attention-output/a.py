"""Side A (PyTorch): self-attention over a (batch, time, 16) sequence, mean-pooled, classified.
nn.MultiheadAttention draws its packed query/key/value projection with xavier_uniform and its
output projection as an nn.Linear."""
import torch
from torch import nn


class Attend(nn.Module):
    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(16, 4, batch_first=True)
        self.head = nn.Linear(16, 3)

    def forward(self, x):
        a, _ = self.attn(x, x, x)
        return self.head(a.mean(dim=1))


model = Attend()
example_input = torch.randn(2, 6, 16)
