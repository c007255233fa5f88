"""Every oracle-table entry gives torch's results on non-contiguous inputs (every other element
of a wider array, and matrices stored transposed), with the entry's own tolerances: the fast
paths that take C-ordered arrays must not change answers. KNOWN lists the ops whose result
depends on the memory layout in torch (they read the storage) where ember's does not."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from dtype_sweep import run
from optable import ENTRIES
from oracle import TOL, assert_close

import ember

# torch reads these through the input's storage: resize_ keeps a transposed tensor's storage
# order, and as_strided_scatter clones its input keeping the transposed strides; ember's
# resize_ keeps the logical order and its clone is C-ordered (docs/differences.md)
KNOWN = {"resize_", "Tensor.resize_", "resize_as_", "Tensor.resize_as_", "as_strided_scatter",
         "Tensor.as_strided_scatter"}  # fmt: skip


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


# torch refuses a transposed input here because its own kernel calls view() on it; ember
# computes these, and is held to torch's answer on contiguous inputs
TORCH_VIEWS_INSIDE = {"kron", "take_along_dim"}

CASES = [
    (e, d, layout)
    for d in ("float32", "int64")
    for e in ENTRIES
    if d in e.dtypes and e.id not in KNOWN
    for layout in ("every other", "transposed")
]


@pytest.mark.parametrize("entry,dtype,layout", CASES,
                         ids=[f"{e.id}-{d}-{lay}" for e, d, lay in CASES])  # fmt: skip
def test_non_contiguous_inputs_give_the_contiguous_results(entry, dtype, layout):
    convert = _every_other if layout == "every other" else _transposed
    want, want_err = run(entry, torch, dtype, convert)
    got, err = run(entry, ember, dtype, convert)
    if want_err is not None and err is None and entry.name.split(".")[-1] in TORCH_VIEWS_INSIDE:
        want, want_err = run(entry, torch, dtype, lambda lib, v: lib.tensor(v))
    if want_err is not None or err is not None:  # (a view no layout allows: both refuse)
        assert err is want_err
        return
    rtol, atol = TOL.get(dtype, (0, 0))
    rtol = entry.rtol if entry.rtol is not None else rtol
    atol = entry.atol if entry.atol is not None else atol
    assert_close(got, want, rtol, atol, f"{entry.id} on {layout} inputs")
