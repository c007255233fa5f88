"""Property tests: broadcasting of binary ops and reductions over random dims, against torch.

hypothesis draws shapes (broadcastable or not), dtypes and dims; each example runs the same call
in both libraries from the same arrays and compares values, shape and dtype, the gradients of
the float inputs (which undo the broadcasting), or the exception type when torch raises.
"""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, mutually_broadcastable_shapes

import ember

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
DTYPES = ["float32", "float64", "int64", "int32", "bool"]
FLOATS = ["float32", "float64"]


def _array(seed: int, shape, dtype: str):
    rng = np.random.default_rng(seed)
    if dtype == "bool":
        values = rng.integers(0, 2, shape)
    elif dtype.startswith("int"):
        values = rng.integers(-4, 5, shape)
    else:
        values = rng.uniform(-3, 3, shape)
    return np.asarray(values).astype(dtype)


def _leaf(lib, array, grad: bool):
    t = lib.from_numpy(array.copy())
    if grad and array.dtype.kind == "f":
        t.requires_grad_(True)
    return t


def _compare(e, t, single: bool):
    """Shape, dtype and values; ``single``: float32 tolerance (an input was float32, and torch
    computes some mixed-precision gradients in float32)."""
    assert tuple(e.shape) == tuple(t.shape), (tuple(e.shape), tuple(t.shape))
    assert str(e.dtype) == str(t.dtype), (e.dtype, t.dtype)
    ev, tv = e.detach().numpy(), t.detach().numpy()
    if tv.dtype.kind == "f":
        tol = 1e-5 if single or tv.dtype == np.float32 else 1e-12
        np.testing.assert_allclose(ev, tv, rtol=tol, atol=tol, equal_nan=True)
    else:
        np.testing.assert_array_equal(ev, tv)


def _run(fn, arrays, grad: bool = True):
    """Call fn in both libraries; compare the results and the gradients of the float inputs."""
    t_in = [_leaf(torch, a, grad) for a in arrays]
    e_in = [_leaf(ember, a, grad) for a in arrays]
    try:
        t_out = fn(torch, *t_in)
    except Exception as exc:  # noqa: BLE001 - the exception type is what is compared
        try:
            fn(ember, *e_in)
        except Exception as e_exc:  # noqa: BLE001
            assert isinstance(e_exc, type(exc)), (type(e_exc), type(exc), exc)
            return
        raise AssertionError(f"torch raised {type(exc).__name__}: {exc}; ember did not") from None
    e_out = fn(ember, *e_in)
    single = any(a.dtype == np.float32 for a in arrays)
    t_outs = t_out if isinstance(t_out, tuple) else (t_out,)
    e_outs = e_out if isinstance(e_out, tuple) else (e_out,)
    for e, t in zip(e_outs, t_outs):
        _compare(e, t, single)
    t_leaves = [t for t in t_in if t.requires_grad]
    if not t_leaves or not t_outs[0].requires_grad or t_outs[0].numel() == 0:
        return
    up = np.random.default_rng(0).standard_normal(tuple(t_outs[0].shape))
    up = up.astype(t_outs[0].detach().numpy().dtype)
    t_grads = torch.autograd.grad(t_outs[0], t_leaves, torch.from_numpy(up))
    e_leaves = [e for e in e_in if e.requires_grad]
    e_grads = ember.autograd.grad(e_outs[0], e_leaves, ember.from_numpy(up.copy()))
    for eg, tg in zip(e_grads, t_grads):
        _compare(eg, tg, single)


BINARY = {
    "add": lambda lib, a, b: lib.add(a, b),
    "sub": lambda lib, a, b: lib.sub(a, b),
    "mul": lambda lib, a, b: a * b,
    "div": lambda lib, a, b: lib.div(a, b),
    "maximum": lambda lib, a, b: lib.maximum(a, b),
    "atan2": lambda lib, a, b: lib.atan2(a, b),
    "where": lambda lib, a, b: lib.where(a > b, a, b),
    "hypot": lambda lib, a, b: lib.hypot(a, b),
    "logaddexp": lambda lib, a, b: lib.logaddexp(a, b),
    "copysign": lambda lib, a, b: lib.copysign(a, b),
    "addcmul": lambda lib, a, b: lib.addcmul(a, a, b, value=0.5),
    "lerp": lambda lib, a, b: lib.lerp(a, a * 2, b),
}


@SETTINGS
@given(
    shapes=mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=4),
    op=st.sampled_from(sorted(BINARY)),
    dtypes=st.tuples(st.sampled_from(DTYPES), st.sampled_from(DTYPES)),
    seed=st.integers(0, 2**16),
)
def test_binary_broadcasting(shapes, op, dtypes, seed):
    assume(op != "lerp" or dtypes[1] != "bool")  # a bool weight: see the note on grad below
    a = _array(seed, shapes.input_shapes[0], dtypes[0])
    b = _array(seed + 1, shapes.input_shapes[1], dtypes[1])
    if op == "div" and b.dtype.kind != "f":
        b = np.where(b == 0, 1, b).astype(b.dtype)
    # with a bool operand, torch's own backward of several ops fails (it subtracts bools)
    _run(BINARY[op], [a, b], grad="bool" not in dtypes)


@SETTINGS
@given(
    a=array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4),
    b=array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4),
    op=st.sampled_from(sorted(BINARY)),
    seed=st.integers(0, 2**16),
)
def test_binary_shapes_that_may_not_broadcast(a, b, op, seed):
    """Any two shapes: the same result, or the same exception type."""
    _run(BINARY[op], [_array(seed, a, "float32"), _array(seed + 1, b, "float32")])


@SETTINGS
@given(
    shape=array_shapes(min_dims=0, max_dims=4, min_side=1, max_side=4),
    scalar=st.one_of(st.integers(-3, 3), st.floats(-3, 3), st.booleans()),
    dtype=st.sampled_from(DTYPES),
    op=st.sampled_from(["add", "mul", "maximum"]),
    seed=st.integers(0, 2**16),
)
def test_binary_with_python_scalar(shape, scalar, dtype, op, seed):
    """A Python number is weakly typed: it never widens a tensor's dtype within its kind."""
    if op == "maximum":
        _run(lambda lib, a: lib.maximum(a, lib.tensor(scalar)), [_array(seed, shape, dtype)])
    else:
        _run(lambda lib, a: BINARY[op](lib, a, scalar), [_array(seed, shape, dtype)])


REDUCTIONS = {
    "sum": lambda lib, x, dim, keep: lib.sum(x, dim, keepdim=keep),
    "mean": lambda lib, x, dim, keep: lib.mean(x, dim, keepdim=keep),
    "amax": lambda lib, x, dim, keep: lib.amax(x, dim, keepdim=keep),
    "amin": lambda lib, x, dim, keep: lib.amin(x, dim, keepdim=keep),
    "var": lambda lib, x, dim, keep: lib.var(x, dim, keepdim=keep),
    "std": lambda lib, x, dim, keep: lib.std(x, dim, keepdim=keep, correction=0),
    "logsumexp": lambda lib, x, dim, keep: lib.logsumexp(x, dim, keepdim=keep),
    "norm": lambda lib, x, dim, keep: lib.norm(x, 2, dim, keepdim=keep),
    "count_nonzero": lambda lib, x, dim, keep: lib.count_nonzero(x, dim),
    "any": lambda lib, x, dim, keep: lib.any(x, dim, keepdim=keep),
}
ONE_DIM = {
    "prod": lambda lib, x, dim, keep: lib.prod(x, dim, keepdim=keep),
    "max": lambda lib, x, dim, keep: tuple(lib.max(x, dim, keepdim=keep)),
    "argmin": lambda lib, x, dim, keep: lib.argmin(x, dim, keepdim=keep),
    "median": lambda lib, x, dim, keep: tuple(lib.median(x, dim, keepdim=keep)),
    "mode": lambda lib, x, dim, keep: tuple(lib.mode(x, dim, keepdim=keep)),
}


@st.composite
def _shape_and_dims(draw, tuple_dims: bool):
    shape = draw(array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4))
    n = max(len(shape), 1)
    if tuple_dims:
        size = draw(st.integers(1, n))
        dims = draw(st.lists(st.integers(-n, n - 1), min_size=size, max_size=size))
        dim = tuple(dims) if len({d % n for d in dims}) == len(dims) else dims[0]
    else:
        dim = draw(st.integers(-n, n - 1))
    return shape, dim


@SETTINGS
@given(
    case=_shape_and_dims(tuple_dims=True),
    op=st.sampled_from(sorted(REDUCTIONS)),
    keepdim=st.booleans(),
    dtype=st.sampled_from(FLOATS),
    seed=st.integers(0, 2**16),
)
def test_reduction_over_random_dims(case, op, keepdim, dtype, seed):
    shape, dim = case
    x = _array(seed, shape, dtype)
    _run(lambda lib, t: REDUCTIONS[op](lib, t, dim, keepdim), [x])


@SETTINGS
@given(
    case=_shape_and_dims(tuple_dims=False),
    op=st.sampled_from(sorted(ONE_DIM)),
    keepdim=st.booleans(),
    dtype=st.sampled_from(FLOATS + ["int64"]),
    seed=st.integers(0, 2**16),
)
def test_single_dim_reduction(case, op, keepdim, dtype, seed):
    shape, dim = case
    x = _array(seed, shape, dtype)
    if op != "prod" and dtype != "int64":
        x = np.asarray(np.round(x))  # ties, which the index choice must agree on
    _run(lambda lib, t: ONE_DIM[op](lib, t, dim, keepdim), [x])


@SETTINGS
@given(
    shape=array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4),
    dtype=st.sampled_from(DTYPES),
    op=st.sampled_from(["sum", "prod", "amax", "argmax", "all", "count_nonzero"]),
    seed=st.integers(0, 2**16),
)
def test_full_reduction_dtypes(shape, dtype, op, seed):
    """Reductions of every element, in every dtype: result dtype and empty-input behaviour."""
    _run(lambda lib, t: getattr(lib, op)(t), [_array(seed, shape, dtype)])
