"""KD612, side A (PyTorch): optimizer, loss and DataLoader at module level; the loop itself runs
only as a script (kerasdiff reads the objects, not the loop)."""
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 4))
for m in model:
    if isinstance(m, nn.Linear):
        nn.init.xavier_uniform_(m.weight)
        nn.init.zeros_(m.bias)
example_input = torch.randn(2, 10)
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
loss_fn = nn.CrossEntropyLoss()
data = TensorDataset(torch.randn(64, 10), torch.randint(0, 4, (64,)))
loader = DataLoader(data, batch_size=16, shuffle=True)

if __name__ == "__main__":
    for epoch in range(5):
        for xb, yb in loader:
            optimizer.zero_grad()
            loss_fn(model(xb), yb).backward()
            optimizer.step()
