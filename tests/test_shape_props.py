"""Random small shapes (empty and 0-dim included) and random arguments through the view,
shape and manipulation ops in torch and ember: values, shapes and exception types agree."""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ember

SETTINGS = settings(
    max_examples=600, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)  # fmt: skip

OPS = {
    "flip": lambda lib, x, a, b, c: lib.flip(x, (a,)),
    "roll": lambda lib, x, a, b, c: lib.roll(x, b, a),
    "rot90": lambda lib, x, a, b, c: lib.rot90(x, b, (a, c)),
    "repeat": lambda lib, x, a, b, c: x.repeat(*([abs(b) % 3] * (x.dim() + 1))),
    "tile": lambda lib, x, a, b, c: lib.tile(x, (abs(a) % 3, abs(b) % 3)),
    "tril": lambda lib, x, a, b, c: lib.tril(x, b),
    "triu": lambda lib, x, a, b, c: lib.triu(x, b),
    "cumsum": lambda lib, x, a, b, c: lib.cumsum(x, a),
    "cumprod": lambda lib, x, a, b, c: lib.cumprod(x, a),
    "cummax": lambda lib, x, a, b, c: tuple(lib.cummax(x, a)),
    "logcumsumexp": lambda lib, x, a, b, c: lib.logcumsumexp(x, a),
    "diff": lambda lib, x, a, b, c: lib.diff(x, abs(b) % 3, a),
    "movedim": lambda lib, x, a, b, c: lib.movedim(x, a, c),
    "squeeze": lambda lib, x, a, b, c: lib.squeeze(x, a),
    "unsqueeze": lambda lib, x, a, b, c: lib.unsqueeze(x, a),
    "narrow": lambda lib, x, a, b, c: lib.narrow(x, a, b, abs(c)),
    "select": lambda lib, x, a, b, c: lib.select(x, a, b),
    "unfold": lambda lib, x, a, b, c: x.unfold(a, abs(b), abs(c)),
    "diagonal": lambda lib, x, a, b, c: lib.diagonal(x, b, a, c),
    "split": lambda lib, x, a, b, c: lib.split(x, abs(b), a),
    "chunk": lambda lib, x, a, b, c: lib.chunk(x, b, a),
    "tensor_split": lambda lib, x, a, b, c: lib.tensor_split(x, [b, c], a),
    "unbind": lambda lib, x, a, b, c: lib.unbind(x, a),
    "flatten": lambda lib, x, a, b, c: lib.flatten(x, a, c),
    "transpose": lambda lib, x, a, b, c: lib.transpose(x, a, c),
    "t": lambda lib, x, a, b, c: lib.t(x),
    "view": lambda lib, x, a, b, c: x.view(b, -1),
    "reshape": lambda lib, x, a, b, c: x.reshape(-1, b),
    "expand": lambda lib, x, a, b, c: x.expand(abs(b), *x.shape),
    "sort": lambda lib, x, a, b, c: tuple(lib.sort(x, dim=a, descending=b > 0, stable=True)),
    "topk": lambda lib, x, a, b, c: lib.topk(x, abs(b), a).values,
    "kthvalue": lambda lib, x, a, b, c: lib.kthvalue(x, abs(b), a).values,
    "diag_embed": lambda lib, x, a, b, c: lib.diag_embed(x, b),
    "repeat_interleave": lambda lib, x, a, b, c: lib.repeat_interleave(x, abs(b), a),
    "atleast_3d": lambda lib, x, a, b, c: lib.atleast_3d(x),
    "hstack": lambda lib, x, a, b, c: lib.hstack([x, x]),
    "vstack": lambda lib, x, a, b, c: lib.vstack([x, x]),
    "dstack": lambda lib, x, a, b, c: lib.dstack([x, x]),
    "column_stack": lambda lib, x, a, b, c: lib.column_stack([x, x]),
    "ravel": lambda lib, x, a, b, c: lib.ravel(x.mT if x.dim() >= 2 else x),
}


@st.composite
def case(draw):
    shape = tuple(draw(st.lists(st.integers(0, 3), min_size=0, max_size=3)))
    a, b, c = (draw(st.integers(-3, 3)) for _ in range(3))
    return shape, a, b, c, draw(st.sampled_from(sorted(OPS)))


def _run(lib, shape, a, b, c, op):
    x = (lib.arange(float(np.prod(shape))) * 0.37 - 1).reshape(shape)
    try:
        out = OPS[op](lib, x, a, b, c)
    except Exception as e:  # noqa: BLE001 - the exception type is what is compared
        return None, e
    return (out if isinstance(out, (tuple, list)) else (out,)), None


@SETTINGS
@given(case())
def test_shape_ops_match_torch(c):
    shape, a, b, cc, op = c
    t_out, t_exc = _run(torch, shape, a, b, cc, op)
    e_out, e_exc = _run(ember, shape, a, b, cc, op)
    what = f"{op} x{shape} args=({a}, {b}, {cc})"
    if t_exc is not None or e_exc is not None:
        assert t_exc is not None, f"{what}: ember raised {e_exc!r}"
        assert e_exc is not None, f"{what}: torch raised {t_exc!r}"
        assert isinstance(e_exc, type(t_exc)), f"{what}: {e_exc!r} vs torch {t_exc!r}"
        return
    assert len(e_out) == len(t_out), what
    for e, t in zip(e_out, t_out):
        assert tuple(e.shape) == tuple(t.shape), f"{what}: {tuple(e.shape)} vs {tuple(t.shape)}"
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-6, err_msg=what)
