"""ember.amp / ember.cuda.amp against torch's CPU build: autocast casts, GradScaler numbers,
and the disabled 'cuda' forms that warn on a machine without CUDA."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest
import torch

import ember

needs_bf16 = pytest.mark.skipif(ember.bfloat16.np is None, reason="needs ml_dtypes")
no_cuda = pytest.mark.skipif(ember.cuda.is_available(), reason="behaviour without CUDA")


def _pair(*shape, seed=0):
    a = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    return torch.tensor(a), ember.tensor(a)


# ---- autocast ------------------------------------------------------------------------------


@needs_bf16
@pytest.mark.parametrize(
    "fn",
    [
        lambda lib, a, b, c: lib.matmul(a, b),
        lambda lib, a, b, c: a @ b,
        lambda lib, a, b, c: lib.mm(a, b),
        lambda lib, a, b, c: lib.bmm(a[None], b[None]),
        lambda lib, a, b, c: lib.addmm(c, a, b),
        lambda lib, a, b, c: lib.baddbmm(c[None], a[None], b[None]),
        lambda lib, a, b, c: lib.mv(a, b[:, 0]),
        lambda lib, a, b, c: lib.matmul(a.double(), b.double()),
        lambda lib, a, b, c: a + a,
        lambda lib, a, b, c: (a @ b).sum(),
    ],
)
def test_cpu_autocast_dtypes_and_values(fn):
    (ta, ea), (tb, eb), (tc, ec) = _pair(3, 4), _pair(4, 5, seed=1), _pair(3, 5, seed=2)
    with torch.autocast("cpu"):
        expected = fn(torch, ta, tb, tc)
    with ember.autocast("cpu"):
        got = fn(ember, ea, eb, ec)
    assert str(got.dtype) == str(expected.dtype)
    np.testing.assert_allclose(got.float().numpy(), expected.float().numpy(), rtol=2e-2, atol=2e-2)


@needs_bf16
def test_autocast_state_nesting_and_decorator():
    assert not ember.is_autocast_enabled("cpu")
    assert ember.get_autocast_dtype("cpu") == ember.bfloat16
    assert ember.get_autocast_dtype("cuda") == ember.float16
    a = ember.ones(2, 2)
    with ember.autocast("cpu"):
        assert ember.is_autocast_enabled("cpu") and not ember.is_autocast_enabled()
        with ember.autocast("cpu", enabled=False):
            assert not ember.is_autocast_enabled("cpu")
            assert (a @ a).dtype == ember.float32
        assert (a @ a).dtype == ember.bfloat16
    assert (a @ a).dtype == ember.float32

    @ember.autocast("cpu")
    def f(x):
        return x @ x

    assert f(a).dtype == ember.bfloat16
    with ember.amp.autocast("cpu", dtype=ember.float16):
        assert (a @ a).dtype == ember.float16
    assert not ember.is_autocast_enabled("cpu")


@needs_bf16
def test_autocast_gradients_reach_float32_leaves():
    tx, ex = _pair(3, 4)
    tw, ew = _pair(4, 2, seed=1)
    for x, w in ((tx, tw), (ex, ew)):
        x.requires_grad_(True)
        w.requires_grad_(True)
    with torch.autocast("cpu"):
        ty = tx @ tw
    with ember.autocast("cpu"):
        ey = ex @ ew
    assert ey.requires_grad and str(ey.dtype) == str(ty.dtype)
    ty.float().sum().backward()
    ey.float().sum().backward()
    for t, e in ((tx, ex), (tw, ew)):
        assert str(e.grad.dtype) == str(t.grad.dtype) == "torch.float32"
        np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=2e-2, atol=2e-2)


def test_autocast_bad_dtype_and_device_type():
    for lib in (torch, ember):
        with pytest.warns(UserWarning, match="target dtype is not supported"):
            ctx = lib.autocast("cpu", dtype=lib.float64)
        with ctx:
            assert not lib.is_autocast_enabled("cpu")
        with pytest.raises(RuntimeError):
            lib.autocast("xyz")


@no_cuda
def test_cuda_autocast_without_cuda_warns_and_disables():
    for lib in (torch, ember):
        with pytest.warns(UserWarning, match="CUDA is not available"):
            ctx = lib.autocast("cuda")
        with ctx:
            assert not lib.is_autocast_enabled("cuda")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with lib.cuda.amp.autocast():
                pass
        kinds = [(w.category, str(w.message)[:40]) for w in caught]
        assert kinds[0][0] is FutureWarning and "torch.cuda.amp.autocast" in kinds[0][1]
        assert kinds[1][0] is UserWarning


# ---- GradScaler ----------------------------------------------------------------------------


def _scaler_run(lib, scaler_kwargs, steps=6, inf_at=(2,)):
    rng = np.random.default_rng(3)
    w = lib.tensor(rng.standard_normal((3, 2)).astype(np.float32), requires_grad=True)
    b = lib.tensor(rng.standard_normal(2).astype(np.float32), requires_grad=True)
    x = lib.tensor(rng.standard_normal((4, 3)).astype(np.float32))
    opt = lib.optim.SGD([w, b], lr=0.1, momentum=0.9)
    scaler = lib.amp.GradScaler("cpu", **scaler_kwargs)
    trace = []
    for i in range(steps):
        opt.zero_grad()
        loss = (x @ w + b).sum()
        if i in inf_at:
            loss = loss * float("inf")
        scaled = scaler.scale(loss)
        trace.append(scaled.item())
        scaled.backward()
        if i == 3:
            scaler.unscale_(opt)
            trace.extend(b.grad.tolist())
        scaler.step(opt)
        scaler.update()
        trace.append(scaler.get_scale())
        trace.append(scaler.state_dict())
    return trace, w.detach().numpy(), b.detach().numpy()


@pytest.mark.parametrize(
    "kwargs",
    [dict(init_scale=4.0, growth_interval=2), dict(), dict(growth_factor=3.0, backoff_factor=0.25)],
)
def test_grad_scaler_matches_torch(kwargs):
    t_trace, tw, tb = _scaler_run(torch, kwargs)
    e_trace, ew, eb = _scaler_run(ember, kwargs)
    assert len(t_trace) == len(e_trace)
    for t, e in zip(t_trace, e_trace):
        if isinstance(t, float) and np.isinf(t):
            assert np.isinf(e)
        else:
            assert e == pytest.approx(t, rel=1e-6) if isinstance(t, float) else e == t
    np.testing.assert_allclose(ew, tw, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(eb, tb, rtol=1e-5, atol=1e-6)


def test_grad_scaler_errors_match_torch():
    def errors(lib):
        out = []
        loss = lib.tensor(2.0)
        p = lib.zeros(2, requires_grad=True)
        opt = lib.optim.SGD([p], lr=1.0)
        s = lib.amp.GradScaler("cpu")
        calls = [
            lambda: s.update(),
            lambda: s.scale(3.0),
            lambda: s.scale(loss) and s.step(opt),
            lambda: setattr(p, "grad", lib.ones(2)) or s.step(opt),
            lambda: s.step(opt),
            lambda: s.unscale_(opt),
            lambda: s.step(opt, closure=lambda: 0),
            lambda: s.update(lib.tensor([1.0, 2.0])),
            lambda: pickle.dumps(s),
            lambda: s.update() or pickle.loads(pickle.dumps(s)).get_scale(),
            lambda: lib.amp.GradScaler("cpu").load_state_dict({}),
            lambda: s.scale([loss, (loss,)]),
        ]
        for call in calls:
            try:
                result = call()
                out.append(("ok", repr(result)[:20] if not isinstance(result, float) else result))
            except Exception as e:  # noqa: BLE001 - comparing the exception types
                out.append((type(e).__name__, str(e)))
        return out

    assert errors(ember) == errors(torch)


@no_cuda
def test_grad_scaler_disabled_without_cuda():
    for lib in (torch, ember):
        with pytest.warns(UserWarning, match="CUDA is not available.  Disabling"):
            s = lib.amp.GradScaler()
        assert not s.is_enabled() and s.get_scale() == 1.0 and s.state_dict() == {}
        t = lib.ones(2)
        assert s.scale(t) is t
        p = lib.ones(2, requires_grad=True)
        p.grad = lib.ones(2)
        opt = lib.optim.SGD([p], lr=0.5)
        assert s.step(opt) is None
        s.update()
        s.unscale_(opt)
        s.load_state_dict({"scale": 2.0})
        assert p.detach().tolist() == [0.5, 0.5]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lib.cuda.amp.GradScaler()
        assert [w.category for w in caught] == [FutureWarning, UserWarning]


def test_grad_scaler_disabled_explicitly_and_state_roundtrip():
    for lib in (torch, ember):
        s = lib.amp.GradScaler("cpu", enabled=False)
        assert s.state_dict() == {} and s.get_scale() == 1.0
        a = lib.amp.GradScaler("cpu", init_scale=8.0)
        b = lib.amp.GradScaler("cpu")
        b.load_state_dict(a.state_dict())
        assert b.get_scale() == 8.0 and b.state_dict() == a.state_dict()
