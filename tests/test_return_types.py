"""Named results (``torch.return_types.max`` and the rest) print as torch prints them and
unpack and index as its tuples."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember

X = np.array([[4.0, 1.0, 3.0], [2.0, 5.0, 0.0], [1.0, 1.0, 7.0]])

CASES = {
    "max": lambda lib, x: lib.max(x, 1),
    "min": lambda lib, x: x.min(0, keepdim=True),
    "sort": lambda lib, x: x.sort(1, descending=True),
    "topk": lambda lib, x: x.topk(2),
    "kthvalue": lambda lib, x: (x + lib.arange(3.0) / 10).kthvalue(2, 1),  # (ties: see below)
    "median": lambda lib, x: x.median(1),
    "mode": lambda lib, x: x.mode(1),
    "cummax": lambda lib, x: x.cummax(0),
    "aminmax": lambda lib, x: lib.aminmax(x),
    "frexp": lambda lib, x: lib.frexp(x),
    "histogram": lambda lib, x: lib.histogram(x.flatten(), bins=3),
    "slogdet": lambda lib, x: lib.linalg.slogdet(x),
    "qr": lambda lib, x: lib.linalg.qr(x),
    "eigh": lambda lib, x: lib.linalg.eigh(x + x.T),
    "inv_ex": lambda lib, x: lib.linalg.inv_ex(x),
    "lu_factor": lambda lib, x: lib.linalg.lu_factor(x),
}


# kthvalue's index among equal values is whatever torch's selection algorithm lands on (1, 0,
# then 3 for k = 1, 2, 3 over [1, 1, 7, 1]); ember's is the k-th in stable order, so its case
# has no ties


@pytest.mark.parametrize("name", sorted(CASES))
def test_named_results_print_and_unpack_as_torch(name):
    got = CASES[name](ember, ember.tensor(X))
    want = CASES[name](torch, torch.tensor(X))
    # the type's name and its fields, in torch's order (values differ in the last digits for
    # the decompositions, so the tensors are compared numerically, not as text)
    assert type(got).__name__ == type(want).__name__
    assert repr(got).split("(")[0] == repr(want).split("(")[0]
    assert [line.split("=")[0] for line in repr(got).splitlines()[1:] if "=" in line] == [
        line.split("=")[0] for line in repr(want).splitlines()[1:] if "=" in line
    ]
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-6, atol=1e-9)
    first, *_ = got
    assert first is got[0]
