"""LBFGS with a closure on a Rosenbrock function, against torch.

The comparison uses the valley coefficient 5 rather than 100: with 100 the iteration is so
ill-conditioned that last-bit differences in dot products (numpy's and torch's summation
orders) grow to 1e-8 within a few steps, in any two implementations.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from optim_oracle import assert_close, from_numpy, to_numpy

import ember


def rosenbrock(lib, x, b=5.0):
    return b * ((x[1:] - x[:-1] ** 2) ** 2).sum() + ((1 - x[:-1]) ** 2).sum()


def start(dtype):
    return np.array([-1.2, 1.0, -0.5, 0.8, 1.3, -0.7], dtype=dtype)


def make(lib, dtype, b=5.0, **kwargs):
    x = lib.tensor(start(dtype), requires_grad=True)
    opt = lib.optim.LBFGS([x], **kwargs)

    def closure():
        opt.zero_grad()
        loss = rosenbrock(lib, x, b)
        loss.backward()
        return loss

    return x, opt, closure


CASES = [
    {"lr": 0.5, "max_iter": 4},
    {"lr": 0.3, "history_size": 3, "max_iter": 4},
    {"line_search_fn": "strong_wolfe", "max_iter": 4},
    {"line_search_fn": "strong_wolfe", "history_size": 2, "max_iter": 3, "max_eval": 5},
    {"line_search_fn": "strong_wolfe", "tolerance_change": 1e-3},
]


@pytest.mark.parametrize("kwargs", CASES, ids=[str(c) for c in CASES])
def test_lbfgs_matches_torch_float64(kwargs):
    tx, topt, tclosure = make(torch, "float64", **kwargs)
    ex, eopt, eclosure = make(ember, "float64", **kwargs)
    for step in range(25):
        tloss = topt.step(tclosure)
        eloss = eopt.step(eclosure)
        where = f"LBFGS{kwargs} step {step}"
        assert_close(float(eloss), tloss.item(), "float64", where + ": loss")
        assert_close(ex.detach().numpy(), tx.detach().numpy(), "float64", where)
        tstate = topt.state[tx]
        estate = eopt.state[ex]
        assert estate["func_evals"] == tstate["func_evals"], where
        assert estate["n_iter"] == tstate["n_iter"], where
        assert len(estate["old_dirs"]) == len(tstate["old_dirs"]), where


def test_lbfgs_float32_close_to_torch():
    tx, topt, tclosure = make(torch, "float32", line_search_fn="strong_wolfe", max_iter=5)
    ex, eopt, eclosure = make(ember, "float32", line_search_fn="strong_wolfe", max_iter=5)
    for _ in range(3):
        topt.step(tclosure)
        eopt.step(eclosure)
    np.testing.assert_allclose(ex.detach().numpy(), tx.detach().numpy(), rtol=1e-3, atol=1e-4)


def test_lbfgs_converges_to_rosenbrock_minimum():
    x, opt, closure = make(ember, "float64", b=100.0, line_search_fn="strong_wolfe", max_iter=100)
    for _ in range(5):
        opt.step(closure)
    np.testing.assert_allclose(x.detach().numpy(), np.ones(6), atol=1e-4)


def test_lbfgs_state_dict_from_torch_continues_identically():
    kwargs = {"line_search_fn": "strong_wolfe", "history_size": 5, "max_iter": 2}
    tx, topt, tclosure = make(torch, "float64", **kwargs)
    for _ in range(3):
        topt.step(tclosure)
    saved = to_numpy(topt.state_dict())
    ex, eopt, eclosure = make(ember, "float64", **kwargs)
    ex.data = ember.tensor(tx.detach().numpy())
    eopt.load_state_dict(from_numpy(ember, saved))
    for step in range(5):
        topt.step(tclosure)
        eopt.step(eclosure)
        assert_close(ex.detach().numpy(), tx.detach().numpy(), "float64", f"step {step}")


def test_lbfgs_state_dict_from_ember_continues_identically_in_torch():
    kwargs = {"line_search_fn": "strong_wolfe", "history_size": 5, "max_iter": 2}
    ex, eopt, eclosure = make(ember, "float64", **kwargs)
    for _ in range(3):
        eopt.step(eclosure)
    saved = to_numpy(eopt.state_dict())
    tx, topt, tclosure = make(torch, "float64", **kwargs)
    with torch.no_grad():
        tx.copy_(torch.tensor(ex.detach().numpy()))
    topt.load_state_dict(from_numpy(torch, saved))
    for step in range(5):
        topt.step(tclosure)
        eopt.step(eclosure)
        assert_close(ex.detach().numpy(), tx.detach().numpy(), "float64", f"step {step}")


def test_lbfgs_rejects_param_groups_and_unknown_line_search():
    a = ember.zeros(2, requires_grad=True)
    b = ember.zeros(2, requires_grad=True)
    with pytest.raises(ValueError):
        ember.optim.LBFGS([{"params": [a]}, {"params": [b]}])
    with pytest.raises(ValueError):
        torch.optim.LBFGS([{"params": [torch.zeros(1)]}, {"params": [torch.ones(1)]}])
    opt = ember.optim.LBFGS([a], line_search_fn="armijo")

    def closure():
        opt.zero_grad()
        loss = ((a - 1) ** 2).sum()
        loss.backward()
        return loss

    with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
        opt.step(closure)
