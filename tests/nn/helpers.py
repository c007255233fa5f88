"""Build a layer in torch and in ember, copy torch's weights into ember through
load_state_dict, run both on the same input and compare outputs and every gradient."""

from __future__ import annotations

import numpy as np
import torch

import ember

TOL = {"float32": (1e-5, 1e-5), "float64": (1e-10, 1e-10)}


def to_ember(t: torch.Tensor) -> ember.Tensor:
    return ember.from_numpy(t.detach().numpy().copy())


def to_torch(t: ember.Tensor) -> torch.Tensor:
    return torch.from_numpy(np.array(t.detach().numpy(), copy=True))


def copy_weights(t_mod: torch.nn.Module, e_mod) -> None:
    e_mod.load_state_dict({k: to_ember(v) for k, v in t_mod.state_dict().items()})


def close(e, t, rtol, atol, what=""):
    assert tuple(e.shape) == tuple(t.shape), f"{what}: shape {tuple(e.shape)} vs {tuple(t.shape)}"
    assert str(e.dtype) == str(t.dtype), f"{what}: dtype {e.dtype} vs {t.dtype}"
    np.testing.assert_allclose(
        np.asarray(e.detach().numpy(), dtype=np.float64),
        t.detach().numpy().astype(np.float64),
        rtol=rtol,
        atol=atol,
        err_msg=what,
    )


def compare_module(
    make,
    inputs,
    dtype: str = "float32",
    train: bool = True,
    rtol=None,
    atol=None,
    grad_inputs: bool = True,
    seed: int = 0,
    const: tuple = (),
):
    """``make(lib)`` builds the layer; ``inputs`` are numpy arrays (float ones get gradients).
    Compares forward output, the input gradients and every parameter gradient."""
    r, a = TOL[dtype]
    rtol = r if rtol is None else rtol
    atol = a if atol is None else atol
    torch.manual_seed(seed)
    t_mod = make(torch).to(getattr(torch, dtype))
    e_mod = make(ember).to(getattr(ember, dtype))
    copy_weights(t_mod, e_mod)
    t_mod.train(train)
    e_mod.train(train)
    t_in, e_in = [], []
    for i, x in enumerate(inputs):
        if isinstance(x, np.ndarray) and x.dtype.kind == "f":
            x = x.astype(dtype)
            needs_grad = grad_inputs and i not in const
            t_in.append(torch.from_numpy(x.copy()).requires_grad_(needs_grad))
            e_in.append(ember.from_numpy(x.copy()).requires_grad_(needs_grad))
        elif isinstance(x, np.ndarray):
            t_in.append(torch.from_numpy(x.copy()))
            e_in.append(ember.from_numpy(x.copy()))
        else:
            t_in.append(x)
            e_in.append(x)
    t_out = t_mod(*t_in)
    e_out = e_mod(*e_in)
    t_outs = t_out if isinstance(t_out, tuple) else (t_out,)
    e_outs = e_out if isinstance(e_out, tuple) else (e_out,)
    for i, (eo, to) in enumerate(zip(e_outs, t_outs)):
        close(eo, to, rtol, atol, f"output {i}")
    rng = np.random.default_rng(seed + 1)
    t_first, e_first = t_outs[0], e_outs[0]
    if t_first.requires_grad:
        up = rng.standard_normal(tuple(t_first.shape)).astype(dtype)
        t_first.backward(torch.from_numpy(up.copy()))
        e_first.backward(ember.from_numpy(up.copy()))
        for i, (ei, ti) in enumerate(zip(e_in, t_in)):
            if isinstance(ti, torch.Tensor) and ti.requires_grad:
                if ei.grad is None and (ti.grad is None or not ti.grad.any()):
                    continue  # torch may materialise a zero gradient where ember leaves None
                close(ei.grad, ti.grad, rtol * 10, atol * 10, f"input grad {i}")
        t_params = dict(t_mod.named_parameters())
        for name, ep in e_mod.named_parameters():
            tp = t_params[name]
            if tp.grad is None:
                assert ep.grad is None or not np.any(ep.grad.numpy()), name
                continue
            close(ep.grad, tp.grad, rtol * 10, atol * 10, f"grad of {name}")
    t_state = t_mod.state_dict()
    for name, buf in e_mod.state_dict().items():
        close(buf, t_state[name], rtol, atol, f"state {name}")
    return t_mod, e_mod
