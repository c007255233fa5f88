"""Every oracle-table entry that runs in int64 also runs in int8, int16, int32 and uint8
(inputs cast; uint8 takes their absolute values) with torch's result dtype, values and
exception types."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from dtype_sweep import run
from optable import ENTRIES

import ember

CASES = [
    (e, d) for d in ("int8", "int16", "int32", "uint8") for e in ENTRIES if "int64" in e.dtypes
]


def _convert(dtype):
    def convert(lib, v):
        if v.dtype == np.int64:
            v = np.abs(v).astype(dtype) if dtype == "uint8" else v.astype(dtype)
        return lib.tensor(v)

    return convert


@pytest.mark.parametrize("entry,dtype", CASES, ids=[f"{e.id}-{d}" for e, d in CASES])
def test_small_integer_dtypes_match_torch(entry, dtype):
    t_out, t_err = run(entry, torch, "int64", _convert(dtype))
    e_out, e_err = run(entry, ember, "int64", _convert(dtype))
    assert e_err is t_err
    if t_err is not None:
        return
    for t, e in zip(t_out, e_out):
        if not isinstance(t, torch.Tensor):
            assert e == t or (isinstance(t, float) and np.isnan(t) and np.isnan(e))
            continue
        assert str(e.dtype) == str(t.dtype)
        np.testing.assert_allclose(e.detach().numpy().astype(float),
                                   t.detach().numpy().astype(float), rtol=1e-5, atol=1e-5,
                                   equal_nan=True)  # fmt: skip
