"""Every oracle-table entry gives the same results on non-contiguous inputs (every other
element of a wider array, and matrices stored transposed) as on contiguous ones: the fast
paths that take C-ordered arrays must not change answers. The as_strided family reads memory
layout by definition, so there the results are compared with torch's instead."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from dtype_sweep import run
from optable import ENTRIES

import ember

LAYOUT_DEPENDENT = {"as_strided", "as_strided_", "Tensor.as_strided_", "as_strided_copy"}


def _contiguous(lib, v):
    return lib.tensor(v)


def _every_other(lib, v):
    if v.ndim == 0 or v.size == 0:
        return lib.tensor(v)
    wide = np.zeros(v.shape + (2,), v.dtype)
    wide[..., 0] = v
    return lib.tensor(wide)[..., 0]


def _transposed(lib, v):
    if v.ndim < 2:
        return _every_other(lib, v)
    return lib.tensor(np.ascontiguousarray(np.swapaxes(v, -1, -2))).transpose(-1, -2)


CASES = [
    (e, d, layout)
    for d in ("float32", "int64")
    for e in ENTRIES
    if d in e.dtypes
    for layout in ("every other", "transposed")
]


@pytest.mark.parametrize("entry,dtype,layout", CASES,
                         ids=[f"{e.id}-{d}-{lay}" for e, d, lay in CASES])  # fmt: skip
def test_non_contiguous_inputs_give_the_contiguous_results(entry, dtype, layout):
    convert = _every_other if layout == "every other" else _transposed
    want, want_err = (
        run(entry, torch, dtype, convert)
        if entry.id in LAYOUT_DEPENDENT
        else run(entry, ember, dtype, _contiguous)
    )
    if want_err is not None:
        return
    got, err = run(entry, ember, dtype, convert)
    if err is not None:  # (a view of a tensor laid out so that none exists: torch refuses too)
        assert err is run(entry, torch, dtype, convert)[1]
        return
    for w, g in zip(want, got):
        if isinstance(g, ember.Tensor):
            w = w.detach().numpy()
            g = g.detach().numpy()
            assert w.shape == g.shape
            np.testing.assert_allclose(g.astype(complex), w.astype(complex), rtol=1e-5,
                                       atol=1e-6, equal_nan=True)  # fmt: skip
