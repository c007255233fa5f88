"""Running one snippet in torch and in ember and comparing what comes back (used by the
autograd tests): ``fn(lib)`` gets the library module and returns tensors, tuples, numbers."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember

# parametrize a test over both libraries
LIBS = pytest.mark.parametrize("lib", [torch, ember], ids=["torch", "ember"])


def both(fn):
    """Run ``fn(lib)`` in both libraries and return the two results as numpy/plain values."""
    return plain(fn(torch)), plain(fn(ember))


def plain(x):
    if isinstance(x, (torch.Tensor, ember.Tensor)):
        return np.asarray(x.detach().numpy() if hasattr(x, "detach") else x)
    if isinstance(x, (tuple, list)):
        return type(x)(plain(v) for v in x)
    return x


def assert_same(fn, rtol=1e-6):
    t, e = both(fn)
    _compare(e, t, rtol)


def _compare(e, t, rtol):
    if isinstance(t, (tuple, list)):
        assert len(e) == len(t)
        for a, b in zip(e, t):
            _compare(a, b, rtol)
    elif t is None:
        assert e is None
    elif isinstance(t, np.ndarray):
        assert e.shape == t.shape
        assert e.dtype == t.dtype
        np.testing.assert_allclose(e, t, rtol=rtol, atol=1e-7)
    else:
        assert e == t


def leaf(lib, values, dtype="float64"):
    return lib.tensor(values, dtype=getattr(lib, dtype), requires_grad=True)


def raises_same(fn):
    """Both libraries raise; ember's exception is torch's type. Returns both exceptions."""
    excs = []
    for lib in (torch, ember):
        with pytest.raises(Exception) as info:
            fn(lib)
        excs.append(info.value)
    assert isinstance(excs[1], type(excs[0])), f"ember {excs[1]!r} vs torch {excs[0]!r}"
    return excs
