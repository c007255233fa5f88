"""bfloat16 through the ops NumPy cannot run on ml_dtypes' type (products, einsum,
convolutions, pooling, normalisation, attention): computed in float32 and rounded back once
(``ops._util.bfloat16_in_float32``), against torch's bfloat16 kernels."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember

RNG = np.random.default_rng(0)
X, W = RNG.standard_normal((4, 8)), RNG.standard_normal((6, 8))
IMG, K = RNG.standard_normal((2, 3, 6, 6)), RNG.standard_normal((4, 3, 3, 3))

OPS = {
    "linear": lambda lib, t: lib.nn.functional.linear(t(X), t(W), t(W[:, 0])),
    "bilinear": lambda lib, t: lib.nn.functional.bilinear(
        t(X), t(X), t(W[:2, :8, None] * W[:2, None, :])
    ),
    "conv2d": lambda lib, t: lib.nn.functional.conv2d(t(IMG), t(K), padding=1),
    "conv1d": lambda lib, t: lib.nn.functional.conv1d(t(IMG[:, :, 0]), t(K[:, :, 0]), padding=1),
    "conv_transpose2d": lambda lib, t: lib.nn.functional.conv_transpose2d(
        t(IMG), t(K.transpose(1, 0, 2, 3).copy())
    ),
    "unfold": lambda lib, t: lib.nn.functional.unfold(t(IMG), 2),
    "batch_norm": lambda lib, t: lib.nn.functional.batch_norm(t(IMG), None, None, training=True),
    "instance_norm": lambda lib, t: lib.nn.functional.instance_norm(t(IMG)),
    "max_pool2d": lambda lib, t: lib.nn.functional.max_pool2d(t(IMG), 2),
    "max_pool2d indices": lambda lib, t: lib.nn.functional.max_pool2d(
        t(IMG), 2, return_indices=True
    )[1],
    "max_pool1d": lambda lib, t: lib.nn.functional.max_pool1d(t(IMG[:, :, 0]), 2),
    "adaptive_max_pool2d": lambda lib, t: lib.nn.functional.adaptive_max_pool2d(t(IMG), 2),
    "attention": lambda lib, t: lib.nn.functional.scaled_dot_product_attention(
        *[t(X.reshape(1, 4, 8))] * 3
    ),
    "einsum": lambda lib, t: lib.einsum("ij,kj->ik", t(X), t(W)),
    "einsum list": lambda lib, t: lib.einsum("ij,kj->ik", [t(X), t(W)]),
}


@pytest.mark.parametrize("name", sorted(OPS))
def test_bfloat16_ops_match_torch(name):
    e = OPS[name](ember, lambda a: ember.tensor(a, dtype=ember.bfloat16))
    t = OPS[name](torch, lambda a: torch.tensor(a, dtype=torch.bfloat16))
    assert str(e.dtype) == str(t.dtype)
    # torch rounds some intermediates to bfloat16 where ember keeps float32: a few ulp apart
    np.testing.assert_allclose(e.float().numpy(), t.float().numpy(), rtol=3e-2, atol=3e-2)


def test_bfloat16_linear_gradients_are_bfloat16():
    grads = []
    for lib in (ember, torch):
        x = lib.tensor(X, dtype=lib.bfloat16, requires_grad=True)
        w = lib.tensor(W, dtype=lib.bfloat16, requires_grad=True)
        lib.nn.functional.linear(x, w).sum().backward()
        assert str(x.grad.dtype) == str(w.grad.dtype) == "torch.bfloat16"
        grads.append((x.grad.float().numpy(), w.grad.float().numpy()))
    for e, t in zip(*grads):
        np.testing.assert_allclose(e, t, rtol=2e-2, atol=2e-2)
