"""A correct port, side A (PyTorch): a GRU over embedded tokens, classifying from its last hidden
state (h[-1]); GRU's reset gate after the recurrent matmul is Keras's reset_after=True."""
import torch
from torch import nn


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(50, 8)
        self.gru = nn.GRU(8, 12, batch_first=True)
        self.fc = nn.Linear(12, 2)

    def forward(self, tokens):
        _, h = self.gru(self.emb(tokens))
        return self.fc(h[-1])


model = Tagger()
example_input = torch.randint(0, 50, (2, 7))
