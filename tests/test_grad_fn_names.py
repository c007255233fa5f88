"""The backward nodes of reductions and two-input math ops carry torch's names (they show in
``repr(tensor)`` as ``grad_fn=<MaxBackward0>``)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember

CALLS = [
    lambda lib, x: lib.max(x, 1)[0],
    lambda lib, x: lib.max(x),
    lambda lib, x: lib.min(x, 0).values,
    lambda lib, x: lib.min(x),
    lambda lib, x: lib.amax(x, 1),
    lambda lib, x: lib.amin(x),
    lambda lib, x: lib.aminmax(x).max,
    lambda lib, x: lib.median(x),
    lambda lib, x: lib.median(x, 1)[0],
    lambda lib, x: lib.nanmedian(x, 0).values,
    lambda lib, x: lib.mode(x, 1)[0],
    lambda lib, x: lib.prod(x),
    lambda lib, x: lib.prod(x, 1),
    lambda lib, x: lib.sum(x),
    lambda lib, x: lib.logsumexp(x, 1),
    lambda lib, x: lib.norm(x),
    lambda lib, x: lib.atan2(x, x),
    lambda lib, x: lib.hypot(x, x),
    lambda lib, x: lib.logaddexp(x, x),
    lambda lib, x: lib.logaddexp2(x, x),
    lambda lib, x: lib.xlogy(x, x),
    lambda lib, x: lib.copysign(x, x),
    lambda lib, x: lib.lerp(x, x, 0.5),
    lambda lib, x: lib.sinc(x),
]


@pytest.mark.parametrize("call", CALLS, ids=range(len(CALLS)))
def test_node_name_matches_torch(call):
    data = np.random.default_rng(0).standard_normal((3, 4))
    t = call(torch, torch.tensor(data, requires_grad=True))
    e = call(ember, ember.tensor(data, requires_grad=True))
    assert type(e.grad_fn).__name__ == type(t.grad_fn).__name__
