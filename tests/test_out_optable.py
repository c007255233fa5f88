"""``out=`` across the oracle table: for every top-level function an entry names whose torch
form takes ``out=`` with a one-tensor result, ember takes it too, writes torch's result into
an empty ``out`` (resized, as torch does) and returns that same tensor."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from optable import ENTRIES
from oracle import TOL, assert_close

import ember


def _first_entries():
    seen = {}
    for e in ENTRIES:
        if "." not in e.name and e.fn is None and e.name not in seen:
            if hasattr(torch, e.name) and hasattr(ember, e.name):
                seen[e.name] = e
    return sorted(seen.values(), key=lambda e: e.name)


def _call(lib, entry, with_out):
    dtype = "float32" if "float32" in entry.dtypes else (entry.dtypes or ("float32",))[0]
    raw = entry.inputs(np.random.default_rng(0), dtype)
    args = [lib.tensor(v) if isinstance(v, np.ndarray) else v for v in raw]
    fn = getattr(lib, entry.name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = fn(*args)
        if not with_out or not isinstance(ref, lib.Tensor):
            return ref, None, None
        out = lib.empty(0, dtype=ref.dtype)
        return ref, out, fn(*args, out=out)


def _takes_out(entry) -> bool:
    try:
        ref, out, got = _call(torch, entry, True)
    except Exception:  # torch has no out= here (or this entry's inputs are for errors)
        return False
    return out is not None and got is out


ENTRIES_WITH_OUT = [e for e in _first_entries() if _takes_out(e)]


@pytest.mark.parametrize("entry", ENTRIES_WITH_OUT, ids=[e.name for e in ENTRIES_WITH_OUT])
def test_out_is_written_and_returned_as_torch(entry):
    _, out, got = _call(ember, entry, True)
    _, t_out, _ = _call(torch, entry, True)
    assert got is out
    dtype = "float32" if "float32" in entry.dtypes else (entry.dtypes or ("float32",))[0]
    rtol, atol = TOL.get(dtype, (0, 0))
    rtol = entry.rtol if entry.rtol is not None else rtol
    atol = entry.atol if entry.atol is not None else atol
    assert_close(out, t_out, rtol, atol, f"{entry.name} out=")
