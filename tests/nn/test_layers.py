"""Layers against torch: same weights, same input; outputs and all gradients compared."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import compare_module

DTYPES = ("float32", "float64")


def rand(*shape, seed=0):
    return np.random.default_rng(seed).uniform(-2, 2, shape)


LAYERS = {
    "Identity": (lambda nn: nn.Identity(3, foo=1), [rand(2, 3)]),
    "Linear": (lambda nn: nn.Linear(5, 4), [rand(3, 5)]),
    "Linear-3d": (lambda nn: nn.Linear(5, 4), [rand(2, 3, 5)]),
    "Linear-1d": (lambda nn: nn.Linear(5, 4), [rand(5)]),
    "Linear-nobias": (lambda nn: nn.Linear(5, 4, bias=False), [rand(3, 5)]),
    "Bilinear": (lambda nn: nn.Bilinear(3, 4, 5), [rand(2, 3), rand(2, 4, seed=1)]),
    "Bilinear-nobias": (lambda nn: nn.Bilinear(3, 4, 5, bias=False), [rand(6, 3), rand(6, 4)]),
    "MLP": (
        lambda nn: nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 2), nn.Tanh()),
        [rand(4, 5)],
    ),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(LAYERS))
def test_layer(name, dtype):
    make, inputs = LAYERS[name]
    compare_module(lambda lib: make(lib.nn), inputs, dtype)
