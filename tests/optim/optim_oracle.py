"""Run the same optimizer in torch and ember from the same parameters and gradients, compare.

Gradients are computed in numpy from torch's current parameters and given to both libraries,
so the two runs see identical inputs at every step and any difference is the update's own.
"""

from __future__ import annotations

import numpy as np
import torch

import ember

TOL = {"float32": (1e-5, 1e-6), "float64": (1e-10, 1e-12)}
SHAPES = [(3, 4), (5,), ()]


def make_params(lib, arrays):
    if lib is torch:
        return [torch.tensor(a, requires_grad=True) for a in arrays]
    return [ember.tensor(a, requires_grad=True) for a in arrays]


def initial_arrays(dtype: str, seed: int = 0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s).astype(dtype) for s in SHAPES]


def gradients(params_np, step: int, dtype: str):
    """A deterministic gradient sequence that depends on the parameters (a noisy quadratic)."""
    rng = np.random.default_rng(1000 + step)
    out = []
    for p in params_np:
        g = 0.5 * p + np.sin(3 * p) + 0.3 * rng.standard_normal(p.shape)
        out.append(g.astype(dtype))
    return out


def set_grads(t_params, e_params, grads):
    for tp, ep, g in zip(t_params, e_params, grads):
        tp.grad = torch.tensor(g)
        ep.grad = ember.tensor(g)


def to_numpy(value):
    """A state dict's tensors (of either library) as numpy arrays, recursively."""
    if isinstance(value, torch.Tensor):
        return value.detach().numpy().copy()
    if isinstance(value, ember.Tensor):
        return value.detach().numpy().copy()
    if isinstance(value, dict):
        return {k: to_numpy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_numpy(v) for v in value]
    if isinstance(value, tuple):
        return tuple(to_numpy(v) for v in value)
    return value


def from_numpy(lib, value):
    if isinstance(value, np.ndarray):
        return torch.from_numpy(value.copy()) if lib is torch else ember.tensor(value)
    if isinstance(value, dict):
        return {k: from_numpy(lib, v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_numpy(lib, v) for v in value]
    if isinstance(value, tuple):
        return tuple(from_numpy(lib, v) for v in value)
    return value


def assert_close(actual, expected, dtype: str, what: str):
    rtol, atol = TOL[dtype]
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol, err_msg=what)


def compare(t_opt, e_opt, t_params, e_params, dtype: str, where: str):
    for i, (tp, ep) in enumerate(zip(t_params, e_params)):
        assert ep.dtype == getattr(ember, str(tp.dtype).split(".")[1]), where
        assert_close(ep.detach().numpy(), tp.detach().numpy(), dtype, f"{where}: param {i}")
    t_state = to_numpy(t_opt.state_dict()["state"])
    e_state = to_numpy(e_opt.state_dict()["state"])
    assert t_state.keys() == e_state.keys(), where
    for index, t_entry in t_state.items():
        e_entry = e_state[index]
        assert list(e_entry) == list(t_entry), f"{where}: state keys of param {index}"
        for key, t_value in t_entry.items():
            e_value = e_entry[key]
            if isinstance(t_value, np.ndarray):
                assert isinstance(e_value, np.ndarray), f"{where}: {key} is not a tensor"
                assert e_value.dtype == t_value.dtype, f"{where}: dtype of {key}"
                assert e_value.shape == t_value.shape, f"{where}: shape of {key}"
            assert_close(e_value, t_value, dtype, f"{where}: state {key} of param {index}")


def run_pair(name: str, kwargs: dict, dtype: str, steps: int = 25, reload_at: int | None = None):
    """Step both optimizers ``steps`` times, comparing after each step.

    reload_at: at this step, move each library's state into a fresh optimizer of the other
    library (through plain dicts of numpy arrays) and continue from there.
    """
    arrays = initial_arrays(dtype)
    t_params = make_params(torch, arrays)
    e_params = make_params(ember, arrays)
    t_opt = getattr(torch.optim, name)(t_params, **_kwargs(torch, kwargs))
    e_opt = getattr(ember.optim, name)(e_params, **_kwargs(ember, kwargs))
    for step in range(steps):
        if step == reload_at:
            t_saved = to_numpy(t_opt.state_dict())
            e_saved = to_numpy(e_opt.state_dict())
            t_params = make_params(torch, [p.detach().numpy() for p in t_params])
            e_params = make_params(ember, [p.detach().numpy() for p in e_params])
            t_opt = getattr(torch.optim, name)(t_params, **_kwargs(torch, kwargs))
            e_opt = getattr(ember.optim, name)(e_params, **_kwargs(ember, kwargs))
            t_opt.load_state_dict(from_numpy(torch, e_saved))
            e_opt.load_state_dict(from_numpy(ember, t_saved))
        grads = gradients([p.detach().numpy() for p in t_params], step, dtype)
        set_grads(t_params, e_params, grads)
        t_opt.step()
        e_opt.step()
        compare(t_opt, e_opt, t_params, e_params, dtype, f"{name}{kwargs} step {step}")
    return t_opt, e_opt


def _kwargs(lib, kwargs):
    """Hyperparameters for ``lib``; a ``lr_tensor`` entry becomes a 0-dim tensor lr."""
    out = dict(kwargs)
    if "lr_tensor" in out:
        out["lr"] = lib.tensor(out.pop("lr_tensor"))
    return out
