"""The oracle: run the same computation in ember and in PyTorch from the same arrays, compare.

An `OpEntry` describes one op: how to call it (the same lambda serves both libraries, given
the library module as ``lib``), how to make its inputs, and which checks apply. `check_entry`
runs forward, backward with a random upstream gradient and double backward, and compares
values, shapes and dtypes.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

import numpy as np
import torch

import ember

TOL = {
    "float16": (1e-2, 1e-2),
    "float32": (1e-5, 1e-5),
    "float64": (1e-10, 1e-10),
}


@dataclasses.dataclass
class OpEntry:
    """One op checked against torch.

    name: the public name covered (``"exp"``, ``"Tensor.view"``, ``"linalg.inv"``,
        ``"nn.functional.relu"``); the coverage test reads these.
    fn: ``fn(lib, *inputs)``; ``lib`` is ``torch`` or ``ember``. Default: ``lib.<name>``.
    inputs: ``inputs(rng, dtype)`` returns a list of numpy arrays or plain values; arrays
        of a float dtype become tensors that require grad.
    dtypes: dtype names the entry runs for.
    grad / gradgrad: whether backward / double backward are compared.
    errors: input makers for which both libraries must raise the same exception type.
    rtol / atol: override the dtype's tolerance.
    variant: a label to tell several entries of one name apart.
    """

    name: str
    inputs: Callable[[np.random.Generator, str], list]
    fn: Callable[..., Any] | None = None
    dtypes: tuple = ("float32", "float64")
    grad: bool = True
    gradgrad: bool = True
    errors: tuple = ()
    rtol: float | None = None
    atol: float | None = None
    variant: str = ""

    @property
    def id(self) -> str:
        return f"{self.name}[{self.variant}]" if self.variant else self.name

    def call(self, lib, *args):
        if self.fn is not None:
            return self.fn(lib, *args)
        return resolve(lib, self.name)(*args)


def resolve(lib, dotted: str):
    obj = lib
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def _to_lib(lib, value, requires_grad: bool):
    if isinstance(value, np.ndarray):
        t = lib.from_numpy(value.copy(order="K"))
        if requires_grad and value.dtype.kind == "f":
            t.requires_grad_(True)
        return t
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], np.ndarray):
        return type(value)(_to_lib(lib, v, requires_grad) for v in value)
    return value


def _flatten(out) -> list:
    if isinstance(out, (tuple, list)):
        items = []
        for o in out:
            items.extend(_flatten(o))
        return items
    return [out]


def _leaves(args) -> list:
    found = []
    for a in args:
        if isinstance(a, (list, tuple)):
            found.extend(_leaves(a))
        elif hasattr(a, "requires_grad") and a.requires_grad:
            found.append(a)
    return found


def assert_close(e, t, rtol, atol, what=""):
    """Compare an ember value with a torch value: type, shape, dtype and numbers."""
    if isinstance(t, torch.Tensor):
        assert isinstance(e, ember.Tensor), f"{what}: expected a Tensor, got {type(e)}"
        assert tuple(e.shape) == tuple(t.shape), (
            f"{what}: shape {tuple(e.shape)} vs {tuple(t.shape)}"
        )
        assert str(e.dtype) == str(t.dtype), f"{what}: dtype {e.dtype} vs {t.dtype}"
        ev = np.asarray(e.detach().numpy(), dtype=np.float64 if e.is_floating_point() else None)
        tv = t.detach().numpy(force=True)
        if tv.dtype.kind == "f":
            tv = tv.astype(np.float64)
        if ev.dtype.kind in "fc":
            if rtol == 0 and atol == 0:  # an integer entry with a float result
                rtol, atol = TOL.get(str(t.dtype).replace("torch.", ""), (1e-6, 1e-6))
            np.testing.assert_allclose(ev, tv, rtol=rtol, atol=atol, equal_nan=True, err_msg=what)
        else:
            np.testing.assert_array_equal(ev, tv, err_msg=what)
    elif isinstance(t, (tuple, list)):
        assert len(e) == len(t), f"{what}: {len(e)} outputs vs {len(t)}"
        for i, (a, b) in enumerate(zip(e, t)):
            assert_close(a, b, rtol, atol, f"{what}[{i}]")
    elif isinstance(t, float):
        np.testing.assert_allclose(e, t, rtol=rtol, atol=atol, equal_nan=True, err_msg=what)
    else:
        assert e == t, f"{what}: {e!r} vs {t!r}"


def check_entry(entry: OpEntry, dtype: str, seed: int = 0):
    rtol, atol = TOL.get(dtype, (0, 0))
    rtol = entry.rtol if entry.rtol is not None else rtol
    atol = entry.atol if entry.atol is not None else atol
    raw = entry.inputs(np.random.default_rng(seed), dtype)
    use_grad = entry.grad and dtype.startswith("float")
    t_args = [_to_lib(torch, v, use_grad) for v in raw]
    e_args = [_to_lib(ember, v, use_grad) for v in raw]
    t_out = entry.call(torch, *t_args)
    e_out = entry.call(ember, *e_args)
    assert_close(e_out, t_out, rtol, atol, f"{entry.id} forward")
    if not use_grad:
        return
    t_leaves, e_leaves = _leaves(t_args), _leaves(e_args)
    t_outs = [o for o in _flatten(t_out) if isinstance(o, torch.Tensor) and o.requires_grad]
    e_outs = [o for o in _flatten(e_out) if isinstance(o, ember.Tensor) and o.requires_grad]
    assert len(t_outs) == len(e_outs), f"{entry.id}: differentiable outputs differ"
    if not t_outs or not t_leaves:
        return
    rng = np.random.default_rng(seed + 1)
    ups = [rng.standard_normal(tuple(o.shape)).astype(o.detach().numpy().dtype) for o in t_outs]
    t_grads = torch.autograd.grad(
        t_outs,
        t_leaves,
        [torch.from_numpy(u) for u in ups],
        create_graph=entry.gradgrad,
        allow_unused=True,
    )
    e_grads = ember.autograd.grad(
        e_outs,
        e_leaves,
        [ember.from_numpy(u.copy()) for u in ups],
        create_graph=entry.gradgrad,
        allow_unused=True,
    )
    for i, (eg, tg) in enumerate(zip(e_grads, t_grads)):
        if tg is None:
            assert eg is None or not np.any(eg.detach().numpy()), f"{entry.id} grad {i}"
            continue
        assert eg is not None, f"{entry.id}: grad {i} is None in ember"
        assert_close(eg, tg, rtol * 10, atol * 10, f"{entry.id} backward[{i}]")
    if not entry.gradgrad:
        return
    pairs = [(eg, tg) for eg, tg in zip(e_grads, t_grads) if tg is not None and tg.requires_grad]
    if not pairs:
        return
    ws = [rng.standard_normal(tuple(tg.shape)).astype(tg.detach().numpy().dtype) for _, tg in pairs]
    t_total = sum((tg * torch.from_numpy(w)).sum() for (_, tg), w in zip(pairs, ws))
    e_total = sum((eg * ember.from_numpy(w.copy())).sum() for (eg, _), w in zip(pairs, ws))
    t_gg = torch.autograd.grad(t_total, t_leaves, allow_unused=True)
    assert e_total.requires_grad, f"{entry.id}: ember's gradient has no graph for double backward"
    e_gg = ember.autograd.grad(e_total, e_leaves, allow_unused=True)
    for i, (eg, tg) in enumerate(zip(e_gg, t_gg)):
        if tg is None:
            assert eg is None or not np.any(eg.detach().numpy()), f"{entry.id} gradgrad {i}"
            continue
        if eg is None:
            assert not np.any(tg.numpy()), f"{entry.id}: gradgrad {i} is None in ember"
            continue
        assert_close(eg, tg, rtol * 100, atol * 100, f"{entry.id} double backward[{i}]")


def check_error(entry: OpEntry, maker, dtype: str = "float32"):
    raw = maker(np.random.default_rng(0), dtype)
    t_args = [_to_lib(torch, v, False) for v in raw]
    e_args = [_to_lib(ember, v, False) for v in raw]
    t_exc = e_exc = None
    try:
        entry.call(torch, *t_args)
    except Exception as exc:  # noqa: BLE001 - any exception type is what we compare
        t_exc = exc
    try:
        entry.call(ember, *e_args)
    except Exception as exc:  # noqa: BLE001
        e_exc = exc
    assert t_exc is not None, f"{entry.id}: torch did not raise for this input"
    assert e_exc is not None, f"{entry.id}: ember did not raise ({type(t_exc).__name__}: {t_exc})"
    assert isinstance(e_exc, type(t_exc)) or type(t_exc) in type(e_exc).__mro__, (
        f"{entry.id}: ember raised {type(e_exc).__name__}: {e_exc}, torch raised "
        f"{type(t_exc).__name__}: {t_exc}"
    )
