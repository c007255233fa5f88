"""Every optimizer and every option that changes its math, step for step against torch."""

from __future__ import annotations

import pytest
from optim_oracle import run_pair

CASES = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.3}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"lr": 0.1, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.5, "weight_decay": 0.1, "maximize": True}),
    ("SGD", {"lr_tensor": 0.05, "momentum": 0.9}),
    ("Adam", {"lr": 0.05}),
    ("Adam", {"lr": 0.05, "betas": (0.8, 0.9), "eps": 1e-6}),
    ("Adam", {"lr": 0.05, "amsgrad": True}),
    ("Adam", {"lr": 0.05, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("Adam", {"lr": 0.05, "maximize": True, "amsgrad": True, "weight_decay": 0.05}),
    ("Adam", {"lr_tensor": 0.05}),
    ("AdamW", {"lr": 0.05}),
    ("AdamW", {"lr": 0.05, "weight_decay": 0.1, "amsgrad": True}),
    ("AdamW", {"lr": 0.05, "maximize": True}),
    ("Adamax", {"lr": 0.05}),
    ("Adamax", {"lr": 0.05, "weight_decay": 0.1, "betas": (0.8, 0.9)}),
    ("Adamax", {"lr": 0.05, "maximize": True}),
    ("NAdam", {"lr": 0.05}),
    ("NAdam", {"lr": 0.05, "momentum_decay": 0.05}),
    ("NAdam", {"lr": 0.05, "weight_decay": 0.1}),
    ("NAdam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("NAdam", {"lr": 0.05, "maximize": True}),
    ("RAdam", {"lr": 0.05}),
    ("RAdam", {"lr": 0.05, "betas": (0.9, 0.9)}),
    ("RAdam", {"lr": 0.05, "weight_decay": 0.1}),
    ("RAdam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("RAdam", {"lr": 0.05, "maximize": True}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "eps": 1e-6}),
    ("RMSprop", {"lr": 0.01, "centered": True}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9, "centered": True, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.01, "maximize": True}),
    ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.05}),
    ("Adagrad", {"lr": 0.1, "initial_accumulator_value": 0.5, "eps": 1e-6}),
    ("Adagrad", {"lr": 0.1, "weight_decay": 0.1, "maximize": True}),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.5, "eps": 1e-4}),
    ("Adadelta", {"weight_decay": 0.1, "maximize": True}),
    ("ASGD", {"lr": 0.05}),
    ("ASGD", {"lr": 0.05, "t0": 10, "lambd": 0.01, "alpha": 0.5}),
    ("ASGD", {"lr": 0.05, "t0": 5, "weight_decay": 0.1, "maximize": True}),
    ("Rprop", {"lr": 0.01}),
    ("Rprop", {"lr": 0.01, "etas": (0.3, 1.5), "step_sizes": (1e-3, 0.05)}),
    ("Rprop", {"lr": 0.01, "maximize": True}),
    ("Adafactor", {}),
    ("Adafactor", {"lr": 0.05, "beta2_decay": -0.5, "eps": (1e-3, 1e-2), "d": 1.5}),
    ("Adafactor", {"lr": 0.05, "weight_decay": 0.1, "maximize": True}),
    ("Adafactor", {"lr_tensor": 0.05}),
    # a 0-dim tensor lr: torch computes with it in its own dtype (float32)
    ("AdamW", {"lr_tensor": 0.05, "amsgrad": True}),
    ("Adamax", {"lr_tensor": 0.05, "eps": 1e-3}),
    ("NAdam", {"lr_tensor": 0.05, "betas": (0.8, 0.99), "weight_decay": 0.1}),
    ("NAdam", {"lr_tensor": 0.05, "decoupled_weight_decay": True, "weight_decay": 0.1}),
    ("RAdam", {"lr_tensor": 0.05, "eps": 1e-3, "weight_decay": 0.1}),
    ("RAdam", {"lr_tensor": 0.05, "decoupled_weight_decay": True, "weight_decay": 0.1}),
    ("RMSprop", {"lr_tensor": 0.01, "momentum": 0.5, "centered": True}),
    ("Adagrad", {"lr_tensor": 0.1, "lr_decay": 0.05}),
    ("Adadelta", {"lr_tensor": 0.5}),
    ("ASGD", {"lr_tensor": 0.05, "t0": 3}),
    ("Rprop", {"lr_tensor": 0.01}),
]


def _id(case):
    name, kwargs = case
    return name + "-" + "-".join(f"{k}={v}" for k, v in kwargs.items())


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_matches_torch(case, dtype):
    name, kwargs = case
    run_pair(name, kwargs, dtype)


RELOAD_CASES = [
    ("Adafactor", {"lr": 0.05}),
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("Adam", {"lr": 0.05, "amsgrad": True}),
    ("AdamW", {"lr": 0.05}),
    ("Adamax", {"lr": 0.05}),
    ("NAdam", {"lr": 0.05}),
    ("RAdam", {"lr": 0.05}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9, "centered": True}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.05}),
    ("Adadelta", {}),
    ("ASGD", {"lr": 0.05, "t0": 5}),
    ("Rprop", {"lr": 0.01}),
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", RELOAD_CASES, ids=[_id(c) for c in RELOAD_CASES])
def test_state_dict_moves_between_libraries_mid_run(case, dtype):
    """At step 12 torch's state goes into ember's optimizer and ember's into torch's."""
    name, kwargs = case
    run_pair(name, kwargs, dtype, reload_at=12)


COMPLEX_CASES = [
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    ("Adam", {"lr": 0.05, "amsgrad": True, "weight_decay": 0.1}),
    ("AdamW", {"lr": 0.05}),
    ("Adamax", {"lr": 0.05}),
    ("NAdam", {"lr": 0.05}),
    ("RAdam", {"lr": 0.05}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9, "centered": True}),
    ("Adagrad", {"lr": 0.1, "initial_accumulator_value": 0.3}),
    ("Adadelta", {}),
    ("ASGD", {"lr": 0.05, "t0": 5}),
    ("Rprop", {"lr": 0.01}),
]


@pytest.mark.parametrize("case", COMPLEX_CASES, ids=[_id(c) for c in COMPLEX_CASES])
def test_complex_parameters_update_as_torch(case):
    """A complex parameter is updated as its real and imaginary parts, as torch does."""
    import numpy as np
    import torch

    import ember

    name, kwargs = case
    rng = np.random.default_rng(0)
    start = rng.standard_normal((3, 2)) + 1j * rng.standard_normal((3, 2))
    tp = torch.tensor(start, requires_grad=True)
    ep = ember.tensor(start, requires_grad=True)
    topt = getattr(torch.optim, name)([tp], **kwargs)
    eopt = getattr(ember.optim, name)([ep], **kwargs)
    for step in range(10):
        g = rng.standard_normal((3, 2)) + 1j * rng.standard_normal((3, 2))
        tp.grad = torch.tensor(g)
        ep.grad = ember.tensor(g)
        topt.step()
        eopt.step()
        np.testing.assert_allclose(
            ep.detach().numpy(), tp.detach().numpy(), rtol=1e-10, err_msg=f"step {step}"
        )
    for key, value in topt.state[tp].items():
        if value.dim():
            assert eopt.state[ep][key].dtype == ember.complex128, key
            np.testing.assert_allclose(eopt.state[ep][key].numpy(), value.numpy(), rtol=1e-10)


MODEL_CASES = [
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 1e-3}),
    ("Adam", {"lr": 0.01, "amsgrad": True}),
    ("AdamW", {"lr": 0.01}),
    ("Adamax", {"lr": 0.01}),
    ("NAdam", {"lr": 0.01}),
    ("RAdam", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.5}),
    ("Adagrad", {"lr": 0.05}),
    ("Adadelta", {"lr": 1.0}),
    ("ASGD", {"lr": 0.05, "t0": 5}),
    ("Rprop", {"lr": 0.01}),
    ("Adafactor", {"lr": 0.01}),
]


def _has_nn():
    import importlib.util

    return importlib.util.find_spec("ember.nn") is not None


@pytest.mark.skipif(not _has_nn(), reason="ember.nn is built on another branch; runs once merged")
@pytest.mark.parametrize("case", MODEL_CASES, ids=[_id(c) for c in MODEL_CASES])
def test_small_model_training_matches_torch(case):
    """The seed's loop on a small MLP from the same weights: zero_grad, backward, step."""
    import numpy as np
    import torch

    import ember

    name, kwargs = case
    rng = np.random.default_rng(0)
    x_np, y_np = rng.standard_normal((32, 4)), rng.integers(0, 3, 32)
    weights = None
    results = []
    for lib in (torch, ember):
        nn = lib.nn
        model = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 3)).double()
        if weights is None:
            weights = [rng.standard_normal(tuple(p.shape)) * 0.3 for p in model.parameters()]
        with lib.no_grad():
            for p, w in zip(model.parameters(), weights):
                p.copy_(lib.tensor(w))
        opt = getattr(lib.optim, name)(model.parameters(), **kwargs)
        x, y = lib.tensor(x_np), lib.tensor(y_np)
        history = []
        for _ in range(25):
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            history.append([p.detach().numpy().copy() for p in model.parameters()])
        results.append(history)
    for step, (t_params, e_params) in enumerate(zip(*results)):
        for t, e in zip(t_params, e_params):
            np.testing.assert_allclose(e, t, rtol=1e-10, atol=1e-12, err_msg=f"step {step}")
