"""ember's own second derivatives where an op has no derivative (docs/differences.md): 0, where
torch's double backward gives NaN. The first derivatives there agree with torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember

OPS = {
    "atan2": lambda lib, x: lib.atan2(x, x),
    "copysign": lambda lib, x: lib.copysign(x, lib.ones_like(x)),
    "sinc": lambda lib, x: lib.sinc(x),
}


@pytest.mark.parametrize("name", sorted(OPS))
def test_first_derivative_matches_torch_and_second_is_zero(name):
    fn = OPS[name]
    x = ember.zeros(3, dtype=ember.float64, requires_grad=True)
    (g,) = ember.autograd.grad(fn(ember, x).sum(), x, create_graph=True)
    xt = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    (gt,) = torch.autograd.grad(fn(torch, xt).sum(), xt, create_graph=True)
    np.testing.assert_array_equal(g.detach().numpy(), gt.detach().numpy())
    (gg,) = ember.autograd.grad(g.sum(), x)
    assert np.array_equal(gg.numpy(), np.zeros(3))
