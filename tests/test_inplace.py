"""In-place semantics against torch: version counters, saved-tensor checks, leaf rules, and
gradients through in-place ops on non-leaves and through views (CopySlices)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember


def _relu_(lib, x):
    return x.relu_() if hasattr(x, "relu_") else x.clamp_(min=0)


def setitem_adv(lib, w, y):
    x = w * 2
    x[1, [0, 2]] = y
    return (x * x).sum()


def setitem_step(lib, w, y):
    x = w * 2
    x[:, 0::2] = lib.stack([y, y, y])
    return (x * x).sum()


def positional_encoding(lib, w, y):
    pe = lib.zeros(3, 4)
    pe[:, 0::2] = lib.stack([y, y, y]).sin()
    pe[:, 1::2] = lib.stack([y, y, y]).cos()
    return (pe * w).sum()


def sibling_view(lib, w, y):
    x = w * 1
    v = x[0:2]
    x.mul_(2)
    return v.sum()


def nested_views(lib, w, y):
    x = w * 1
    x[1].mul_(3)
    x.t()[0].add_(x[2].detach()[:3])
    return (x**2).sum()


def mul_by_other(lib, w, y):
    x = w * 1
    x.mul_(w * 2)
    return x.sum()


def masked_assign(lib, w, y):
    x = w * 1
    x[x > 0] = 0.0
    x[x < -0.5] = y[0]
    return (x * w).sum()


def zero_then_write(lib, w, y):
    x = w * 1
    x.zero_()
    x[0, 1] = 5.0
    return (x * w).sum()


def copy_into_plain(lib, w, y):
    a = lib.zeros(3, 4)
    a.copy_(w)
    a[0] = y[0]
    return (a * a).sum()


def augmented(lib, w, y):
    x = w * 1
    x += w
    x *= y[0]
    x /= 2
    x -= 1
    return (x * x).sum()


def relu_inplace(lib, w, y):
    x = w * 1
    _relu_(lib, x)
    return (x * y[0]).sum()


def residual(lib, w, y):
    out = w * y[0]
    out += w
    _relu_(lib, out)
    return out.pow(2).sum()


def scalar_and_int_values(lib, w, y):
    x = w * 1
    x[0] = 1
    x[1, 1:] = lib.tensor(2)
    x[2, [0]] = lib.tensor(3.0)
    x[x > 2.5] = lib.tensor([4.0], dtype=lib.float64)
    return (x * w).sum()


GRAD_CASES = [
    setitem_adv, setitem_step, positional_encoding, sibling_view, nested_views, mul_by_other,
    masked_assign, zero_then_write, copy_into_plain, augmented, relu_inplace, residual,
    scalar_and_int_values,
]  # fmt: skip


def _inputs(lib):
    rng = np.random.default_rng(0)
    w = lib.tensor(rng.standard_normal((3, 4)).astype(np.float32), requires_grad=True)
    y = lib.tensor(rng.standard_normal(2).astype(np.float32), requires_grad=True)
    return w, y


@pytest.mark.parametrize("case", GRAD_CASES, ids=[c.__name__ for c in GRAD_CASES])
def test_gradients_match_torch(case):
    out = []
    for lib in (torch, ember):
        w, y = _inputs(lib)
        loss = case(lib, w, y)
        gw, gy = lib.autograd.grad(loss, [w, y], allow_unused=True)
        out.append((loss, gw, gy))
    for e, t in zip(out[1], out[0]):
        if t is None:
            assert e is None or not np.any(e.numpy())
            continue
        np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-5, atol=1e-6)


def modified_saved_input(lib, w, y):
    x = w * 1
    z = x * x
    x.add_(1)
    z.sum().backward()


def modified_saved_output(lib, w, y):
    x = w * 1
    s = x.sigmoid_()
    x.mul_(2)
    s.sum().backward()


def modified_through_view(lib, w, y):
    x = w * 1
    z = x.exp() * x
    x[0].zero_()
    z.sum().backward()


def leaf_inplace(lib, w, y):
    w.add_(1)


def leaf_view_inplace(lib, w, y):
    w[0].mul_(2)


def leaf_setitem(lib, w, y):
    w[0, 0] = 1.0


def view_made_in_no_grad(lib, w, y):
    with lib.no_grad():
        v = w[0:2]
    v.add_(1)


def unbind_output(lib, w, y):
    (w * 1).unbind(0)[0].add_(1)


def expanded_write(lib, w, y):
    lib.zeros(3, 1).expand(3, 4).add_(1)


def int_into_float_index_put(lib, w, y):
    x = lib.zeros(3)
    x[[0, 1]] = lib.tensor([1, 2])


def other_dtype_0dim_index_put(lib, w, y):
    lib.zeros(3)[[0]] = lib.tensor(1.0, dtype=lib.float64)


def wrong_cast(lib, w, y):
    lib.zeros(3, dtype=lib.int64).add_(1.5)


ERROR_CASES = [
    modified_saved_input, modified_saved_output, modified_through_view, leaf_inplace,
    leaf_view_inplace, leaf_setitem, view_made_in_no_grad, unbind_output, expanded_write,
    int_into_float_index_put, other_dtype_0dim_index_put, wrong_cast,
]  # fmt: skip


@pytest.mark.parametrize("case", ERROR_CASES, ids=[c.__name__ for c in ERROR_CASES])
def test_errors_match_torch(case):
    with pytest.raises(RuntimeError) as t_exc:
        case(torch, *_inputs(torch))
    with pytest.raises(type(t_exc.value)):
        case(ember, *_inputs(ember))


def test_versions_and_grad_fn_names():
    for lib in (torch, ember):
        w, _ = _inputs(lib)
        x = w * 1
        v = x[0]
        assert (x._version, v._version) == (0, 0)
        x.add_(1)
        assert (x._version, v._version) == (1, 1)
        assert type(v.grad_fn).__name__ == "AsStridedBackward0"
        v.mul_(2)
        assert (x._version, v._version) == (2, 2)
        assert type(x.grad_fn).__name__ == "CopySlices"
        assert type(v.grad_fn).__name__ == "AsStridedBackward0"


def test_no_grad_writes_allowed():
    w, _ = _inputs(ember)
    with ember.no_grad():
        w.add_(1)
        w[0].mul_(2)
        w[:, 1] = 0.0
    assert w.is_leaf and w.requires_grad and w.grad_fn is None
    assert w._version == 3


def test_in_place_sampling_uses_the_default_generator():
    """ember draws its own random streams (docs/differences.md): pin ranges, dtypes and that
    the default generator's seed reproduces them."""
    results = []
    for _ in range(2):
        ember.manual_seed(7)
        x = ember.empty(1000)
        draws = [
            x.clone().uniform_(-2, 3),
            x.clone().normal_(1.0, 0.5),
            x.clone().bernoulli_(0.25),
            x.clone().bernoulli_(ember.full((1000,), 0.75)),
            x.clone().random_(3, 9),
            x.clone().random_(5),
            x.clone().exponential_(2.0),
            x.clone().log_normal_(0.0, 0.25),
            x.clone().geometric_(0.5),
            x.clone().cauchy_(),
        ]
        results.append([d.numpy().copy() for d in draws])
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)
    u, n, b1, b2, r1, r2, e, ln, g, _ = results[0]
    assert u.dtype == np.float32 and -2 <= u.min() and u.max() < 3
    assert abs(n.mean() - 1.0) < 0.1 and abs(n.std() - 0.5) < 0.1
    assert set(np.unique(b1)) <= {0.0, 1.0} and 0.15 < b1.mean() < 0.35 and b2.mean() > 0.6
    assert set(np.unique(r1)) <= set(range(3, 9)) and set(np.unique(r2)) <= set(range(5))
    assert e.min() >= 0 and abs(e.mean() - 0.5) < 0.1 and ln.min() > 0
    assert g.min() >= 1 and np.all(g == np.round(g))
    ints = ember.zeros(100, dtype=ember.int64).random_(0, 4)
    assert ints.dtype == ember.int64 and set(ints.tolist()) <= {0, 1, 2, 3}


def test_in_place_sampling_respects_autograd_rules():
    for lib in (torch, ember):
        w = lib.zeros(3, requires_grad=True)
        with pytest.raises(RuntimeError):
            w.uniform_()
        with lib.no_grad():
            w.normal_()  # how nn.init works
        assert w.is_leaf and w.requires_grad
