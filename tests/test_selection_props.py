"""Random shapes (empty and 0-dim included) and random index tensors through the gather/scatter,
index_* and mask families in torch and ember: values and exception types must agree."""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ember

SETTINGS = settings(
    max_examples=400, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)  # fmt: skip

OPS = {
    "gather": lambda lib, x, i, d, m: lib.gather(x, d, i),
    "scatter": lambda lib, x, i, d, m: lib.scatter(x, d, i, 2.5),
    "scatter_add": lambda lib, x, i, d, m: lib.scatter_add(x, d, i, lib.ones(i.shape).to(x.dtype)),
    "scatter_reduce": lambda lib, x, i, d, m: lib.scatter_reduce(
        x, d, i, lib.ones(i.shape).to(x.dtype) * 2, "amax", include_self=False
    ),
    "index_select": lambda lib, x, i, d, m: lib.index_select(x, d, i.reshape(-1)),
    "index_fill": lambda lib, x, i, d, m: lib.index_fill(x, d, i.reshape(-1), -1.0),
    "index_add": lambda lib, x, i, d, m: lib.index_add(
        x, d, i.reshape(-1), lib.ones(_slices(x.shape, d, i.numel())).to(x.dtype)
    ),
    "take": lambda lib, x, i, d, m: lib.take(x, i),
    "take_along_dim": lambda lib, x, i, d, m: lib.take_along_dim(x, i, d),
    "masked_fill": lambda lib, x, i, d, m: lib.masked_fill(x, m, 7.0),
    "masked_select": lambda lib, x, i, d, m: lib.masked_select(x, m),
    "masked_scatter": lambda lib, x, i, d, m: lib.masked_scatter(x, m, lib.arange(x.numel() + 1.0)),
    "nonzero": lambda lib, x, i, d, m: lib.nonzero(m),
    "index": lambda lib, x, i, d, m: x[i],
    "index-put": lambda lib, x, i, d, m: x.index_put((i,), lib.tensor(1.0).to(x.dtype)),
}


def _slices(shape, d, n):
    out = list(shape) or [1]
    out[d] = n
    return tuple(out)


@st.composite
def case(draw):
    shape = tuple(draw(st.lists(st.integers(0, 3), min_size=0, max_size=3)))
    nd = len(shape)
    dim = draw(st.integers(-max(nd, 1), max(nd, 1) - 1))
    ishape = tuple(draw(st.integers(0, 3)) for _ in range(nd)) if draw(st.booleans()) else shape
    hi = max(max(shape, default=1), 1)
    values = draw(st.lists(st.integers(-1, hi), min_size=int(np.prod(ishape)),
                           max_size=int(np.prod(ishape))))  # fmt: skip
    mask = draw(st.lists(st.booleans(), min_size=int(np.prod(shape)),
                         max_size=int(np.prod(shape))))  # fmt: skip
    op = draw(st.sampled_from(sorted(OPS)))
    return shape, dim, np.array(values, np.int64).reshape(ishape), np.array(mask).reshape(shape), op


def _run(lib, shape, dim, index, mask, op):
    x = lib.arange(float(np.prod(shape))).reshape(shape)
    try:
        out = OPS[op](lib, x, lib.tensor(index), dim, lib.tensor(mask))
    except Exception as e:  # noqa: BLE001 - the exception type is what is compared
        return None, e
    return out, None


@SETTINGS
@given(case())
def test_selection_ops_match_torch(c):
    shape, dim, index, mask, op = c
    t_out, t_exc = _run(torch, shape, dim, index, mask, op)
    e_out, e_exc = _run(ember, shape, dim, index, mask, op)
    what = f"{op} x{shape} dim={dim} index={index.tolist()}"
    if t_exc is not None or e_exc is not None:
        assert t_exc is not None, f"{what}: ember raised {e_exc!r}"
        assert e_exc is not None, f"{what}: torch raised {t_exc!r}"
        if op in ("index_select", "index_add"):  # torch's kernels differ in which they raise
            assert isinstance(e_exc, (IndexError, RuntimeError)), f"{what}: {e_exc!r}"
            return
        assert isinstance(e_exc, type(t_exc)), f"{what}: {e_exc!r} vs torch {t_exc!r}"
        return
    assert tuple(e_out.shape) == tuple(t_out.shape), f"{what}: {e_out.shape} vs {t_out.shape}"
    np.testing.assert_array_equal(e_out.numpy(), t_out.numpy(), err_msg=what)
