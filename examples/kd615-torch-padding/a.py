"""KD615, side A (PyTorch): a stride-2 3x3 convolution with padding=1, as ResNet stems write it."""
import torch
from torch import nn

model = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.ReLU(), nn.Conv2d(8, 8, 3, padding=1))
for m in model:
    if isinstance(m, nn.Conv2d):
        nn.init.xavier_uniform_(m.weight)
        nn.init.zeros_(m.bias)
example_input = torch.randn(2, 3, 32, 32)
