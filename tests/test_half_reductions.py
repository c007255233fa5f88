"""Reductions of float16 and bfloat16 tensors accumulate in float32 and round once, as torch's
do (``ops._util.in_float32``): NumPy alone rounds every partial sum to the input's precision."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember

DATA = {
    "partial sums past float16's top": np.array([60000.0, 60000.0, -60000.0, -59000.0]),
    "many small values": np.full(20000, 0.1),
    "mixed": np.random.default_rng(0).standard_normal(5000) * 100,
}

OPS = {
    "sum": lambda lib, x: x.sum(),
    "sum along a dim": lambda lib, x: x.reshape(-1, 2).sum(0),
    "nansum": lambda lib, x: lib.nansum(x),
    "mean": lambda lib, x: x.mean(),
    "mean along a dim": lambda lib, x: x.reshape(-1, 2).mean(0),
    "nanmean": lambda lib, x: lib.nanmean(x),  # (torch's: the half nansum over the count)
    "nanmean, the sum past the top": lambda lib, x: lib.nanmean(x[:2] + 0 * x[:2] + 60000),
    "var": lambda lib, x: x.var(),
    "std": lambda lib, x: x.std(),
    "var_mean": lambda lib, x: lib.var_mean(x)[0],
    "norm": lambda lib, x: x.norm(),
    "vector_norm": lambda lib, x: lib.linalg.vector_norm(x),
    "prod": lambda lib, x: (x[:6] / 50).prod(),
    "cumsum": lambda lib, x: x.cumsum(0)[-1],
    "cumprod": lambda lib, x: (x[:6] / 50).cumprod(0)[-1],
    "logsumexp": lambda lib, x: lib.logsumexp(x / 1000, 0),
    "softmax": lambda lib, x: lib.softmax(x / 1000, 0)[:3],
    "log_softmax": lambda lib, x: lib.log_softmax(x / 1000, 0)[:3],
}


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("data", sorted(DATA))
@pytest.mark.parametrize("op", sorted(OPS))
def test_half_reductions_match_torch(dtype, data, op):
    e = OPS[op](ember, ember.tensor(DATA[data], dtype=getattr(ember, dtype)))
    t = OPS[op](torch, torch.tensor(DATA[data], dtype=getattr(torch, dtype)))
    assert str(e.dtype) == str(t.dtype)
    # one rounding of the float32 result apart at most (torch sums in its own order)
    eps = 2.0**-7 if dtype == "bfloat16" else 2.0**-10
    want = t.float().numpy()
    np.testing.assert_allclose(e.float().numpy(), want, rtol=2 * eps, atol=1e-6)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_half_mean_gradient_and_out_as_torch(dtype):
    x = np.random.default_rng(1).standard_normal((64, 3))
    grads = []
    for lib in (ember, torch):
        xt = lib.tensor(x, dtype=getattr(lib, dtype), requires_grad=True)
        xt.std(0).sum().backward()
        grads.append(xt.grad.float().numpy())
        assert str(xt.grad.dtype) == f"torch.{dtype}"
    np.testing.assert_allclose(grads[0], grads[1], rtol=2.0**-6, atol=1e-3)
    out = ember.empty(3, dtype=getattr(ember, dtype))
    got = ember.sum(ember.tensor(x, dtype=getattr(ember, dtype)), 0, out=out)
    assert got is out and str(out.dtype) == f"torch.{dtype}"
