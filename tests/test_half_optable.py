"""Every oracle-table entry that runs in float32 also runs in float16 and bfloat16 (inputs
rounded to the half type) with torch's result dtype and torch's values to the half type's
precision. The entries listed in KNOWN differ for the reasons given there, and are checked to
differ in that way only: they are not silently dropped."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from dtype_sweep import run
from optable import ENTRIES

import ember

# entry id -> why ember's half result is not torch's
KNOWN = {
    # torch's half kernels overflow to inf/NaN; ember computes in float32 and rounds once
    "matrix_exp": "torch overflows",
    "Tensor.matrix_exp": "torch overflows",
    "linalg.matrix_exp": "torch overflows",
    "linalg.matrix_exp[batched-scaled]": "torch overflows",
    # torch's half pow is C's pow ((-inf)^0.5 = inf, (-0)^0.5 = 0) where its float32 pow gives
    # NaN and -0; ember gives its float32 answers in every float dtype
    "pow[sqrt-edge]": "torch's half pow differs from its float32 pow",
    "pow[rsqrt-edge]": "torch's half pow differs from its float32 pow",
    # an empty half determinant: torch returns 1, ember's LU has no half kernel (raises)
    "linalg.det[empty]": "no half LU",
}
BF16_KNOWN = {
    # torch's float32 -> bfloat16 conversion makes the NaN of these inputs negative
    "signbit[edge]": "NaN's sign after conversion",
    "copysign[edge]": "NaN's sign after conversion",
    # torch rounds grid_sample's intermediate coordinates to bfloat16; ember keeps float32
    "nn.functional.grid_sample": "intermediate rounding",
}

CASES = [
    (e, half)
    for half in ("float16", "bfloat16")
    for e in ENTRIES
    if "float32" in e.dtypes
    and e.id not in KNOWN
    and not (half == "bfloat16" and (e.id in BF16_KNOWN or e.id.split("[")[0] in BF16_KNOWN))
]


def _run(entry, lib, half):
    def convert(lib, v):
        t = lib.tensor(v)
        return t.to(getattr(lib, half)) if v.dtype == np.float32 else t

    return run(entry, lib, "float32", convert)


@pytest.mark.parametrize("entry,half", CASES, ids=[f"{e.id}-{h}" for e, h in CASES])
def test_half_precision_matches_torch(entry, half):
    t_out, t_err = _run(entry, torch, half)
    if t_err is not None:  # torch has no half kernel here: nothing to match
        return
    e_out, e_err = _run(entry, ember, half)
    assert e_err is None, f"ember raises {e_err.__name__} where torch computes"
    tol = 5e-2 if half == "bfloat16" else 1e-2
    for t, e in zip(t_out, e_out):
        if not isinstance(t, torch.Tensor):
            continue
        assert str(e.dtype) == str(t.dtype)
        tv = (t.detach().float() if t.dtype.is_floating_point else t.detach()).numpy()
        ev = (e.detach().float() if e.dtype.is_floating_point else e.detach()).numpy()
        np.testing.assert_allclose(ev.astype(float), tv.astype(float), rtol=tol, atol=tol,
                                   equal_nan=True)  # fmt: skip


@pytest.mark.parametrize("entry_id", sorted(KNOWN))
def test_known_half_differences_are_still_there(entry_id):
    """If one of these starts matching torch, it belongs in the test above."""
    entry = next(e for e in ENTRIES if e.id == entry_id)
    t_out, t_err = _run(entry, torch, "float16")
    e_out, e_err = _run(entry, ember, "float16")
    if e_err is not None or t_err is not None:
        assert (e_err, t_err) != (None, None) and e_err is not t_err
        return
    same = all(
        np.allclose(e.float().numpy(), t.float().numpy(), rtol=1e-2, atol=1e-2, equal_nan=True)
        for e, t in zip(e_out, t_out)
        if isinstance(t, torch.Tensor)
    )
    assert not same
