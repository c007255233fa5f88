"""Small end-to-end programs in both libraries: same weights, same data, a few steps of
hand-written SGD; losses and weights must stay together."""

from __future__ import annotations

import numpy as np
from helpers import copy_weights


def build(lib):
    nn = lib.nn
    F = lib.nn.functional

    class TinyLM(nn.Module):
        def __init__(self, vocab=11, dim=8):
            super().__init__()
            self.embed = nn.Embedding(vocab, dim, padding_idx=0)
            self.norm = nn.LayerNorm(dim)
            self.mlp = nn.Sequential(
                nn.Linear(dim, 16), nn.GELU(), nn.Dropout(0.0), nn.Linear(16, dim)
            )
            self.bn = nn.BatchNorm1d(dim)
            self.head = nn.Linear(dim, vocab, bias=False)
            self.head.weight = self.embed.weight  # weight tying

        def forward(self, tokens):
            h = self.embed(tokens)
            h = h + self.mlp(self.norm(h))
            h = self.bn(h.transpose(1, 2)).transpose(1, 2)
            return F.log_softmax(self.head(F.leaky_relu(h, 0.1)), dim=-1)

    return TinyLM()


def test_tiny_language_model_trains_like_torch():
    import torch

    import ember

    rng = np.random.default_rng(0)
    tokens = rng.integers(0, 11, (4, 6))
    targets = rng.integers(0, 11, (4, 6))
    targets[0, :2] = -100
    torch.manual_seed(0)
    models = {torch: build(torch).double(), ember: build(ember).double()}
    copy_weights(models[torch], models[ember])
    losses = {torch: [], ember: []}
    for lib, model in models.items():
        x = lib.from_numpy(tokens)
        y = lib.from_numpy(targets)
        for _ in range(8):
            model.zero_grad()
            out = model(x)
            loss = lib.nn.functional.nll_loss(out.reshape(-1, 11), y.reshape(-1))
            loss.backward()
            lib.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            with lib.no_grad():
                for p in model.parameters():
                    p -= 0.5 * p.grad
            losses[lib].append(float(loss))
    np.testing.assert_allclose(losses[ember], losses[torch], rtol=1e-9)
    t_state = models[torch].state_dict()
    for key, value in models[ember].state_dict().items():
        np.testing.assert_allclose(value.numpy(), t_state[key].numpy(), rtol=1e-8, atol=1e-10)
    models[ember].eval()
    models[torch].eval()
    np.testing.assert_allclose(
        models[ember](ember.from_numpy(tokens)).detach().numpy(),
        models[torch](torch.from_numpy(tokens)).detach().numpy(),
        rtol=1e-9,
    )
