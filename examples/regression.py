"""Fit a polynomial with nn.Linear (in the style of pytorch/examples/regression)."""

import argparse

import torch
import torch.nn.functional as F

POLY_DEGREE = 4


def make_features(x):
    """Builds features i.e. a matrix with columns [x, x^2, x^3, x^4]."""
    x = x.unsqueeze(1)
    return torch.cat([x**i for i in range(1, POLY_DEGREE + 1)], 1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=200)
    args = parser.parse_args()
    torch.manual_seed(0)
    w_target = torch.tensor([[0.5], [-1.0], [0.3], [0.2]])
    b_target = torch.tensor([0.7])
    fc = torch.nn.Linear(POLY_DEGREE, 1)
    for step in range(1, args.steps + 1):
        x = make_features(torch.randn(32))
        y = x.mm(w_target) + b_target.item()
        fc.zero_grad()
        loss = F.smooth_l1_loss(fc(x), y)
        loss.backward()
        with torch.no_grad():
            for param in fc.parameters():
                param.add_(-0.1 * param.grad)
        if step == 1:
            print(f"first loss {loss.item():.6f}")
    print(f"final loss {loss.item():.6f} after {step} batches")


if __name__ == "__main__":
    main()
