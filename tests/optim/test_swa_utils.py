"""swa_utils: the averaging functions against torch; AveragedModel and update_bn need ember.nn.

(SWALR's schedule is compared in test_lr_scheduler.py.)
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
import torch
from torch.optim import swa_utils as torch_swa

import ember
from ember.optim import swa_utils as ember_swa

HAS_NN = importlib.util.find_spec("ember.nn") is not None
needs_nn = pytest.mark.skipif(
    not HAS_NN, reason="ember.nn is built on another branch; these run once it is merged"
)


def sequences(dtype="float64", n=6):
    rng = np.random.default_rng(0)
    return [[rng.standard_normal(s).astype(dtype) for s in [(3, 2), (4,)]] for _ in range(n)]


@pytest.mark.parametrize("kind", ["swa", "ema"])
def test_multi_avg_fns_match_torch(kind):
    seq = sequences()
    results = []
    for lib, swa in ((torch, torch_swa), (ember, ember_swa)):
        fn = swa.get_swa_multi_avg_fn() if kind == "swa" else swa.get_ema_multi_avg_fn(0.9)
        averaged = [lib.tensor(a) for a in seq[0]]
        for n, arrays in enumerate(seq[1:], start=1):
            fn(averaged, [lib.tensor(a) for a in arrays], lib.tensor(n))
        results.append([a.numpy() for a in averaged])
    for e, t in zip(results[1], results[0]):
        np.testing.assert_allclose(e, t, rtol=1e-12)


@pytest.mark.parametrize("kind", ["swa", "ema"])
def test_avg_fns_match_torch(kind):
    seq = sequences()
    results = []
    for lib, swa in ((torch, torch_swa), (ember, ember_swa)):
        fn = swa.get_swa_avg_fn() if kind == "swa" else swa.get_ema_avg_fn(0.8)
        averaged = lib.tensor(seq[0][0])
        for n, arrays in enumerate(seq[1:], start=1):
            averaged = fn(averaged, lib.tensor(arrays[0]), lib.tensor(n))
        results.append(averaged.numpy())
    np.testing.assert_allclose(results[1], results[0], rtol=1e-12)


def test_ema_decay_is_checked():
    with pytest.raises(ValueError, match="Invalid decay value"):
        ember_swa.get_ema_avg_fn(1.5)
    with pytest.raises(ValueError, match="Invalid decay value"):
        ember_swa.get_ema_multi_avg_fn(-0.1)


def test_swalr_invalid_arguments_raise_as_torch():
    for lib in (torch, ember):
        opt = lib.optim.SGD([lib.zeros(1, requires_grad=True)], lr=0.1)
        with pytest.raises(ValueError, match="anneal_strategy"):
            lib.optim.swa_utils.SWALR(opt, 0.01, anneal_strategy="exp")
        with pytest.raises(ValueError, match="anneal_epochs"):
            lib.optim.swa_utils.SWALR(opt, 0.01, anneal_epochs=-1)


def _model(lib, weights):
    model = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.BatchNorm1d(4), lib.nn.Linear(4, 2))
    with lib.no_grad():
        for p, w in zip(model.parameters(), weights):
            p.copy_(lib.tensor(w))
    return model


@needs_nn
@pytest.mark.parametrize("averaging", ["swa", "ema", "avg_fn", "use_buffers"])
def test_averaged_model_matches_torch(averaging):
    rng = np.random.default_rng(1)
    shapes = [(4, 3), (4,), (4,), (4,), (2, 4), (2,)]
    steps = [[rng.standard_normal(s) for s in shapes] for _ in range(5)]
    results = []
    for lib, swa in ((torch, torch_swa), (ember, ember_swa)):
        model = _model(lib, steps[0]).double()
        kwargs = {
            "swa": {},
            "ema": {"multi_avg_fn": swa.get_ema_multi_avg_fn(0.9)},
            "avg_fn": {"avg_fn": swa.get_ema_avg_fn(0.7)},
            "use_buffers": {"use_buffers": True},
        }[averaging]
        averaged = swa.AveragedModel(model, **kwargs)
        for weights in steps:
            with lib.no_grad():
                for p, w in zip(model.parameters(), weights):
                    p.copy_(lib.tensor(w))
            model(lib.tensor(rng.standard_normal((8, 3))))
            averaged.update_parameters(model)
        results.append([p.detach().numpy().copy() for p in averaged.parameters()])
        assert int(averaged.n_averaged) == len(steps)
    for e, t in zip(results[1], results[0]):
        np.testing.assert_allclose(e, t, rtol=1e-10)


@needs_nn
def test_update_bn_matches_torch():
    rng = np.random.default_rng(2)
    weights = [rng.standard_normal(s) for s in [(4, 3), (4,), (4,), (4,), (2, 4), (2,)]]
    batches = [rng.standard_normal((8, 3)) for _ in range(4)]
    stats = []
    for lib, swa in ((torch, torch_swa), (ember, ember_swa)):
        model = _model(lib, weights).double()
        model.eval()
        swa.update_bn([(lib.tensor(b), 0) for b in batches], model)
        bn = model[1]
        assert not model.training
        stats.append((bn.running_mean.numpy().copy(), bn.running_var.numpy().copy()))
    np.testing.assert_allclose(stats[1][0], stats[0][0], rtol=1e-10)
    np.testing.assert_allclose(stats[1][1], stats[0][1], rtol=1e-10)
