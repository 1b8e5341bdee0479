"""A correct port, side A (PyTorch): a bag-of-embeddings text classifier (token ids -> Embedding ->
mean over time -> Linear), trained with Adam and CrossEntropyLoss from a DataLoader."""
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


class BagOfWords(nn.Module):
    def __init__(self, vocab=100, dim=8, classes=3):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim)
        self.drop = nn.Dropout(0.2)
        self.fc = nn.Linear(dim, classes)
        nn.init.uniform_(self.emb.weight, -0.05, 0.05)
        nn.init.xavier_uniform_(self.fc.weight)
        nn.init.zeros_(self.fc.bias)

    def forward(self, tokens):
        return self.fc(self.drop(self.emb(tokens).mean(dim=1)))


model = BagOfWords()
example_input = torch.randint(0, 100, (2, 12))
optimizer = torch.optim.Adam(model.parameters(), lr=2e-3, eps=1e-7)
loss_fn = nn.CrossEntropyLoss()
loader = DataLoader(TensorDataset(torch.randint(0, 100, (64, 12)), torch.randint(0, 3, (64,))), batch_size=32,
                    shuffle=True)
