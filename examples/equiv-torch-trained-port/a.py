"""A correct port with its training setup, side A (PyTorch): an MLP with dropout, Adam with
(coupled) weight decay, cross-entropy on logits, a shuffled DataLoader of batch 16."""
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(6, 12), nn.ReLU(), nn.Dropout(0.3), nn.Linear(12, 4))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2, weight_decay=1e-3)
loss_fn = nn.CrossEntropyLoss()
data = TensorDataset(torch.randn(64, 6), torch.randint(0, 4, (64,)))
loader = DataLoader(data, batch_size=16, shuffle=True)
example_input = torch.randn(2, 6)
