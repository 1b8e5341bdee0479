"""A correct port, side A (PyTorch): a 1-D CNN over channels-first sequences (batch, channels,
length) with a global max pool (AdaptiveMaxPool1d(1) + flatten)."""
import torch
from torch import nn

model = nn.Sequential(
    nn.Conv1d(4, 8, kernel_size=5, padding=2),
    nn.ReLU(),
    nn.Conv1d(8, 8, kernel_size=3),
    nn.ReLU(),
    nn.AdaptiveMaxPool1d(1),
    nn.Flatten(),
    nn.Linear(8, 2),
)
for m in model:
    if isinstance(m, (nn.Conv1d, nn.Linear)):
        nn.init.xavier_uniform_(m.weight)
        nn.init.zeros_(m.bias)
example_input = torch.randn(2, 4, 20)
