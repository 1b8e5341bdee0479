"""KD614, side A (PyTorch): a bidirectional nn.LSTM, which kerasdiff does not translate yet: it
says so instead of calling the pair equal."""
import torch
from torch import nn


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 16, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(32, 3)
        nn.init.xavier_uniform_(self.fc.weight)
        nn.init.zeros_(self.fc.bias)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out)


model = Tagger()
example_input = torch.randn(2, 5, 8)
