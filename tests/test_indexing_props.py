"""Random index expressions, for reading and for assignment, run through torch and ember:
results, gradients and raised exception types must agree."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ember

SETTINGS = settings(
    max_examples=1200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def index_item(draw, size):
    """One key item; ``size`` is the size of the dim it is likely to land on (or None)."""
    n = size if size is not None else 3
    kind = draw(
        st.sampled_from(
            [
                "int",
                "int",
                "slice",
                "slice",
                "none",
                "ellipsis",
                "bool",
                "list",
                "tensor",
                "mask",
                "int0",
                "bool0",
            ]
        )  # fmt: skip
    )
    if kind == "int":
        return ("int", draw(st.integers(-n - 1, n)))
    if kind == "slice":
        start = draw(st.none() | st.integers(-n - 1, n + 1))
        stop = draw(st.none() | st.integers(-n - 1, n + 1))
        step = draw(st.none() | st.integers(1, 3))
        return ("slice", slice(start, stop, step))
    if kind == "none":
        return ("none", None)
    if kind == "ellipsis":
        return ("ellipsis", Ellipsis)
    if kind == "bool":
        return ("bool", draw(st.booleans()))
    if kind == "int0":
        return ("int0", draw(st.integers(-n, max(n - 1, -n))))
    if kind == "bool0":
        return ("bool0", draw(st.booleans()))
    if kind == "mask":
        length = draw(st.sampled_from([n, n, n, n + 1]))
        return ("mask", draw(st.lists(st.booleans(), min_size=length, max_size=length)))
    values = st.integers(-n, max(n - 1, -n)) if n else st.just(0)
    if kind == "list":
        return ("list", draw(st.lists(values, min_size=0, max_size=3)))
    shape = draw(st.sampled_from([(2,), (1,), (3,), (2, 1), (1, 2)]))
    count = int(np.prod(shape))
    vals = draw(st.lists(values, min_size=count, max_size=count))
    return ("tensor", np.array(vals, dtype=np.int64).reshape(shape))


@st.composite
def case(draw):
    shape = tuple(draw(st.lists(st.integers(0, 4), min_size=0, max_size=4)))
    count = draw(st.integers(1, 4))
    items, dim = [], 0
    for _ in range(count):
        item = draw(index_item(shape[dim] if dim < len(shape) else None))
        if item[0] == "ellipsis" and any(i[0] == "ellipsis" for i in items):
            continue
        if item[0] in ("int", "slice", "list", "tensor", "mask", "int0"):
            dim += 1
        items.append(item)
    as_tuple = len(items) > 1 or draw(st.booleans())
    return shape, items, as_tuple


def build(lib, items, as_tuple):
    key = []
    for kind, v in items:
        if kind == "tensor":
            key.append(lib.tensor(v))
        elif kind == "mask":
            key.append(lib.tensor(v, dtype=lib.bool))
        elif kind in ("int0", "bool0"):
            key.append(lib.tensor(v))
        else:
            key.append(v)
    return tuple(key) if as_tuple or len(key) != 1 else key[0]


def outcome(fn):
    try:
        return fn(), None
    except Exception as e:  # noqa: BLE001 - the exception type is what is compared
        return None, e


def check_exceptions(t_exc, e_exc, what):
    if t_exc is None and e_exc is None:
        return False
    assert t_exc is not None, f"{what}: ember raised {type(e_exc).__name__}: {e_exc}"
    assert e_exc is not None, f"{what}: torch raised {type(t_exc).__name__}: {t_exc}"
    assert isinstance(e_exc, type(t_exc)), f"{what}: {e_exc!r} vs torch {t_exc!r}"
    return True


@SETTINGS
@given(case(), st.integers(0, 2**31 - 1))
def test_getitem_matches_torch(c, seed):
    shape, items, as_tuple = c
    rng = np.random.default_rng(seed)
    data = rng.standard_normal(shape)
    t_x = torch.tensor(data, requires_grad=True)
    e_x = ember.tensor(data, requires_grad=True)
    t_out, t_exc = outcome(lambda: t_x[build(torch, items, as_tuple)])
    e_out, e_exc = outcome(lambda: e_x[build(ember, items, as_tuple)])
    if check_exceptions(t_exc, e_exc, f"x{shape}[{items}]"):
        return
    assert tuple(e_out.shape) == tuple(t_out.shape), f"{items}: {e_out.shape} vs {t_out.shape}"
    np.testing.assert_array_equal(e_out.detach().numpy(), t_out.detach().numpy())
    assert (e_out._base is not None) == (t_out._base is not None), f"{items}: view-ness differs"
    up = rng.standard_normal(tuple(t_out.shape))
    (t_g,) = torch.autograd.grad(t_out, t_x, torch.tensor(up))
    (e_g,) = ember.autograd.grad(e_out, e_x, ember.tensor(up))
    np.testing.assert_allclose(e_g.numpy(), t_g.numpy(), rtol=1e-12, atol=1e-12)


@SETTINGS
@given(
    case(),
    st.integers(0, 2**31 - 1),
    st.sampled_from(["scalar", "full", "row", "0-dim", "int-full", "int-0-dim"]),
)
def test_setitem_matches_torch(c, seed, value_kind):
    shape, items, as_tuple = c
    rng = np.random.default_rng(seed)
    data = rng.standard_normal(shape)
    t_key = build(torch, items, as_tuple)
    positions, exc = outcome(lambda: torch.arange(int(np.prod(shape))).reshape(shape)[t_key])
    target_shape = tuple(positions.shape) if exc is None else (2,)
    duplicates = exc is None and positions.unique().numel() != positions.numel()
    if value_kind == "full":
        value = rng.standard_normal(target_shape)
    elif value_kind == "int-full":
        value = rng.integers(-3, 3, target_shape)
    elif value_kind == "int-0-dim":
        value = rng.integers(-3, 3, ())
    elif value_kind == "row":
        value = rng.standard_normal(target_shape[-1:])
    elif value_kind == "0-dim":
        value = rng.standard_normal(())
    else:
        value = float(rng.standard_normal())
    if duplicates and value_kind != "scalar":
        value = float(rng.standard_normal())
    results = []
    for lib in (torch, ember):
        leaf = lib.tensor(data, requires_grad=True)
        v = value
        if isinstance(value, np.ndarray):
            v = lib.tensor(value, requires_grad=value.dtype.kind == "f")
        x = leaf * 1

        def assign(x=x, v=v, lib=lib):
            x[build(lib, items, as_tuple)] = v

        results.append((leaf, v, x, outcome(assign)[1]))
    (t_leaf, t_v, t_x, t_exc), (e_leaf, e_v, e_x, e_exc) = results
    if check_exceptions(t_exc, e_exc, f"x{shape}[{items}] = {value_kind}"):
        return
    np.testing.assert_array_equal(e_x.detach().numpy(), t_x.detach().numpy())
    w = rng.standard_normal(shape)
    t_inputs = [t_leaf] + ([t_v] if isinstance(t_v, torch.Tensor) and t_v.requires_grad else [])
    e_inputs = [e_leaf] + ([e_v] if isinstance(e_v, ember.Tensor) and e_v.requires_grad else [])
    t_g = torch.autograd.grad((t_x * torch.tensor(w)).sum(), t_inputs, allow_unused=True)
    e_g = ember.autograd.grad((e_x * ember.tensor(w)).sum(), e_inputs, allow_unused=True)
    for a, b in zip(e_g, t_g):
        if b is None:
            assert a is None or not np.any(a.numpy())
            continue
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12, atol=1e-12)


VIEW_STEPS = ["slice", "select", "transpose", "unsqueeze", "diagonal", "narrow", "flatten"]


def apply_view(x, step, pick):
    """One view op chosen by ``step``, with its arguments taken from ``pick`` (ints)."""
    nd = x.dim()
    if step == "unsqueeze" or nd == 0:
        return x.unsqueeze(pick[0] % (nd + 1))
    d = pick[0] % nd
    n = x.shape[d]
    if step == "slice":
        key = (slice(None),) * d + (slice(pick[1] % (n + 1), None, 1 + pick[2] % 3),)
        return x[key]
    if step == "select" and n:
        return x.select(d, pick[1] % n)
    if step == "transpose":
        return x.transpose(d, pick[1] % nd)
    if step == "diagonal" and nd >= 2:
        other = (d + 1 + pick[1] % (nd - 1)) % nd
        return x.diagonal(pick[2] % 3 - 1, d, other)
    if step == "narrow":
        start = pick[1] % (n + 1)
        return x.narrow(d, start, pick[2] % (n - start + 1))
    if step == "flatten" and x.is_contiguous():
        return x.flatten()
    return x[..., None]


@settings(max_examples=400, deadline=None, derandomize=True)
@given(
    st.lists(st.integers(1, 4), min_size=1, max_size=3),
    st.lists(
        st.tuples(
            st.sampled_from(VIEW_STEPS), st.lists(st.integers(0, 50), min_size=3, max_size=3)
        ),
        min_size=1,
        max_size=3,
    ),
    st.sampled_from(["mul_", "add_", "zero_", "copy_", "setitem", "fill_"]),
    st.integers(0, 2**31 - 1),
)
def test_inplace_through_view_chains(shape, steps, op, seed):
    rng = np.random.default_rng(seed)
    data = rng.standard_normal(shape)
    w = rng.standard_normal(shape)
    out = []
    for lib in (torch, ember):
        leaf = lib.tensor(data, requires_grad=True)
        y = lib.tensor(1.5, dtype=lib.float64, requires_grad=True)
        x = leaf * 2
        v = x
        for step, pick in steps:
            v = apply_view(v, step, pick)
        if op == "mul_":
            v.mul_(y)
        elif op == "add_":
            v.add_(y * y)
        elif op == "zero_":
            v.zero_()
        elif op == "copy_":
            v.copy_(y.expand(v.shape) * 3)
        elif op == "fill_":
            v.fill_(y)
        elif v.dim():
            v[..., :1] = y
        loss = (x * lib.tensor(w)).sum() + (v * v).sum()
        grads = lib.autograd.grad(loss, [leaf, y], allow_unused=True)
        out.append((x, v, grads, x._version))
    (tx, tv, tg, tver), (ex, ev, eg, ever) = out
    np.testing.assert_allclose(ex.detach().numpy(), tx.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(ev.detach().numpy(), tv.detach().numpy(), rtol=1e-12)
    assert ever == tver
    for e, t in zip(eg, tg):
        if t is None:
            assert e is None or not np.any(e.numpy())
            continue
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-10, atol=1e-12)


def unusual_keys(lib):
    tensor = getattr(lib, "tensor", np.array)
    return {
        "list-of-lists": [[0, 1], [1, 2]],
        "ragged-list": [0, [1, 2]],
        "list-with-slice": [0, slice(None)],
        "list-with-none": [0, None],
        "list-of-0d-tensors": [tensor(0), tensor(1)],
        "float-list": [1.5, 2],
        "tensor-slice-bounds": (slice(tensor(1), tensor(3)),),
        "numpy-int": (np.int64(1),),
        "numpy-array": np.array([0, 2]),
        "numpy-bool-array": np.array([True, False, True]),
        "float": 1.0,
        "float-tensor": tensor([0.0]),
        "string": "a",
        "int32-tensor": tensor([0, 2], dtype=getattr(lib, "int32", None)),
        "uint8-mask": tensor([1, 0, 1], dtype=getattr(lib, "uint8", None)),
        "bool-lists": [[True, False, True, False]] * 3,
        "two-ellipses": (Ellipsis, 0, Ellipsis),
        "empty-tuple": (),
        "huge-slice": (slice(-100, 100),),
        "separated-2d": (tensor([[1]]), slice(None), tensor([0, 1])),
        "0-dim-false": tensor(False),
    }


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("name", list(unusual_keys(np)))
def test_unusual_keys_match_torch(name):
    out = []
    for lib in (torch, ember):
        x = lib.arange(60.0).reshape(3, 4, 5)
        out.append(outcome(lambda lib=lib, x=x: x[unusual_keys(lib)[name]]))
    (t_out, t_exc), (e_out, e_exc) = out
    if check_exceptions(t_exc, e_exc, name):
        return
    np.testing.assert_array_equal(e_out.numpy(), t_out.numpy())
