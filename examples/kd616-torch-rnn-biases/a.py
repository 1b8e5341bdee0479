"""KD616, side A (PyTorch): an LSTM sequence classifier that reads the last step (out[:, -1]);
PyTorch's LSTM trains two bias vectors, Keras's one."""
import torch
from torch import nn


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 16, batch_first=True)
        self.fc = nn.Linear(16, 3)
        nn.init.xavier_uniform_(self.fc.weight)
        nn.init.zeros_(self.fc.bias)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1])


model = Classifier()
example_input = torch.randn(2, 6, 8)
