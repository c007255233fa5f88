"""Dropout layers: identity in eval, statistics in training (ember's masks are its own)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember

nn = ember.nn
F = ember.nn.functional


@pytest.mark.parametrize("cls", ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout",
                                 "FeatureAlphaDropout"])  # fmt: skip
def test_eval_is_identity_and_repr(cls):
    shape = {"Dropout1d": (4, 3, 5), "Dropout3d": (2, 3, 2, 2, 2)}.get(cls, (2, 3, 4, 5))
    m = getattr(nn, cls)(0.3).eval()
    x = ember.randn(*shape)
    assert m(x) is x
    assert repr(m) == repr(getattr(torch.nn, cls)(0.3))


def test_dropout_statistics_and_gradient():
    x = ember.ones(400, 500, requires_grad=True)
    y = F.dropout(x, 0.3)
    kept = y.detach().numpy() != 0
    assert abs(kept.mean() - 0.7) < 0.01
    np.testing.assert_allclose(y.detach().numpy()[kept], 1 / 0.7, rtol=1e-6)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), y.detach().numpy(), rtol=1e-6)
    assert not F.dropout(x, 1.0).detach().numpy().any()
    assert F.dropout(x, 0.0) is x and F.dropout(x, 0.5, training=False) is x


def test_channel_dropout_zeroes_whole_channels():
    for fn, shape in ((F.dropout1d, (50, 40, 7)), (F.dropout2d, (50, 40, 3, 3)),
                      (F.dropout3d, (20, 40, 2, 2, 2))):  # fmt: skip
        y = fn(ember.ones(*shape), 0.4).numpy().reshape(shape[0], shape[1], -1)
        per_channel = y.min(-1) == y.max(-1)
        assert per_channel.all()
        assert abs((y[..., 0] != 0).mean() - 0.6) < 0.03


def test_alpha_dropout_keeps_mean_and_variance():
    x = ember.randn(500, 400)
    y = F.alpha_dropout(x, 0.2, training=True).numpy()
    assert abs(y.mean()) < 0.02 and abs(y.std() - 1) < 0.02
    z = F.feature_alpha_dropout(ember.randn(400, 300, 4), 0.2, training=True).numpy()
    assert abs(z.mean()) < 0.03 and abs(z.std() - 1) < 0.03


def test_inplace_dropout_and_bad_p():
    x = ember.ones(100, 100)
    y = nn.Dropout(0.5, inplace=True)(x)
    assert y is x and (x.numpy() == 0).any()
    for lib in (torch, ember):
        with pytest.raises(ValueError):
            lib.nn.Dropout(1.5)
        with pytest.raises(ValueError):
            lib.nn.functional.dropout(lib.ones(2), -0.1)


def test_rrelu_training_slopes_in_range():
    x = -ember.ones(10000)
    y = F.rrelu(x, 0.1, 0.3, training=True).numpy()
    assert y.min() >= -0.3 and y.max() <= -0.1 and abs(y.mean() + 0.2) < 0.01
    np.testing.assert_allclose(F.rrelu(x, 0.1, 0.3).numpy(), -0.2, rtol=1e-6)


def test_gumbel_softmax():
    logits = ember.tensor([[1.0, 2.0, 0.5], [0.0, 0.0, 3.0]], requires_grad=True)
    soft = F.gumbel_softmax(logits, tau=0.5)
    np.testing.assert_allclose(soft.detach().numpy().sum(1), 1.0, rtol=1e-6)
    hard = F.gumbel_softmax(logits, hard=True)
    h = hard.detach().numpy()
    assert set(np.unique(h)) <= {0.0, 1.0} and np.all(h.sum(1) == 1)
    (hard * ember.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert logits.grad is not None and np.isfinite(logits.grad.numpy()).all()
    draws = np.stack([F.gumbel_softmax(logits, hard=True).detach().numpy() for _ in range(3000)])
    expected = torch.softmax(torch.tensor([[1.0, 2.0, 0.5], [0.0, 0.0, 3.0]]), 1).numpy()
    np.testing.assert_allclose(draws.mean(0), expected, atol=0.03)
