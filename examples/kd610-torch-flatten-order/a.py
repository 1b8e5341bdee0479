"""KD610, side A (PyTorch): a small CNN on channels-first images; x.flatten(1) orders the features
(C, H, W). A correct port: the flatten order matters only when trained weights are copied."""
import torch
from torch import nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8, momentum=0.01, eps=1e-3)
        self.fc = nn.Linear(8 * 8 * 8, 10)
        for m in (self.conv, self.fc):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn(self.conv(x))), 2)
        return self.fc(x.flatten(1))


model = Net()
example_input = torch.randn(2, 3, 16, 16)
