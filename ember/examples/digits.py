"""The main demo: the seed's training loop, on ember, on the bundled 8x8 Digits dataset.

``python -m ember.examples.digits`` trains a small CNN (Conv2d, BatchNorm, ReLU, MaxPool,
Dropout, Linear), evaluates it, saves and reloads the checkpoint, and plots the curves.
The code is ordinary PyTorch code: only the import line says ember.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import ember as torch
import ember.nn as nn
import ember.optim as optim
from ember.utils.data import DataLoader, random_split
from ember.vision import datasets, transforms

from ._plot import save_curves
from ._progress import progress


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        )  # fmt: skip
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(0.25), nn.Linear(32 * 2 * 2, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


def evaluate(model, loader, device) -> float:
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for inputs, labels in loader:
            inputs, labels = inputs.to(device), labels.to(device)
            correct += (model(inputs).argmax(dim=1) == labels).sum().item()
            total += labels.size(0)
    return 100.0 * correct / total


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--out", default="ember-digits")
    args = parser.parse_args(argv)
    start = time.perf_counter()

    torch.manual_seed(0)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    # Digits gives 1x8x8 float tensors in [0, 1] (no Pillow needed); center them on 0
    data = datasets.Digits(transform=transforms.Normalize((0.5,), (0.5,)))
    n_test = len(data) // 5
    train_set, test_set = random_split(
        data, [len(data) - n_test, n_test], generator=torch.Generator().manual_seed(42)
    )
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    test_loader = DataLoader(test_set, batch_size=256)
    print(f"Digits: {len(train_set)} training and {len(test_set)} test images, device {device}")

    model = Net().to(device)
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.Adam(model.parameters(), lr=args.lr)
    scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=5, gamma=0.5)

    losses, accuracies = [], []
    for epoch in range(args.epochs):
        model.train()
        running = 0.0
        for inputs, labels in progress(train_loader, f"epoch {epoch + 1}/{args.epochs}"):
            inputs, labels = inputs.to(device), labels.to(device)
            optimizer.zero_grad()
            outputs = model(inputs)
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()
            running += loss.item() * labels.size(0)
        scheduler.step()
        losses.append(running / len(train_set))
        accuracies.append(evaluate(model, test_loader, device))
        print(f"Epoch {epoch + 1}, Loss: {losses[-1]:.4f}, test accuracy: {accuracies[-1]:.1f}%")

    accuracy = evaluate(model, test_loader, device)
    print(f"test accuracy: {accuracy:.1f}%")

    os.makedirs(args.out, exist_ok=True)
    checkpoint = os.path.join(args.out, "digits_cnn.pt")
    torch.save(
        {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": args.epochs},
        checkpoint,
    )
    restored = Net().to(device)
    restored.load_state_dict(torch.load(checkpoint)["model"])
    again = evaluate(restored, test_loader, device)
    print(
        f"checkpoint {checkpoint} reloaded: test accuracy {again:.1f}% "
        f"({'same' if again == accuracy else 'DIFFERENT'})"
    )

    plot = save_curves(os.path.join(args.out, "curves.png"), losses, accuracies)
    print(f"loss and accuracy curves: {plot}")
    print(f"done in {time.perf_counter() - start:.1f} s")
    return 0 if again == accuracy else 1


if __name__ == "__main__":
    sys.exit(main())
