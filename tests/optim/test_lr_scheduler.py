"""Every scheduler's learning rates (and momentums) over 100 steps, against torch.

Half-way through, each library's optimizer and scheduler state dicts are loaded into fresh
objects of the *other* library, which must continue the same sequence.
"""

from __future__ import annotations

import copy
import math
import warnings

import numpy as np
import pytest
import torch

import ember


def lr_lambda(epoch):
    return 0.95**epoch


def multiplicative(epoch):
    return 0.97 if epoch % 3 else 1.01


def make_optimizer(lib, name):
    p = lib.zeros(2, requires_grad=True)
    q = lib.zeros(3, requires_grad=True)
    groups = [{"params": [p]}, {"params": [q], "lr": 0.05}]
    if name == "Adam":
        return lib.optim.Adam(groups, lr=0.1)
    return lib.optim.SGD(groups, lr=0.1, momentum=0.9)


def sched(lib, cls):
    return getattr(lib.optim.lr_scheduler, cls)


CASES = {
    "LambdaLR": lambda lib, o: sched(lib, "LambdaLR")(o, lr_lambda),
    "LambdaLR-list": lambda lib, o: sched(lib, "LambdaLR")(o, [lr_lambda, lambda e: 1 / (1 + e)]),
    "MultiplicativeLR": lambda lib, o: sched(lib, "MultiplicativeLR")(o, multiplicative),
    "StepLR": lambda lib, o: sched(lib, "StepLR")(o, step_size=7, gamma=0.5),
    "MultiStepLR": lambda lib, o: sched(lib, "MultiStepLR")(o, [10, 30, 30, 60], gamma=0.3),
    "ConstantLR": lambda lib, o: sched(lib, "ConstantLR")(o, factor=0.25, total_iters=12),
    "LinearLR": lambda lib, o: sched(lib, "LinearLR")(o, 0.1, 0.9, total_iters=40),
    "ExponentialLR": lambda lib, o: sched(lib, "ExponentialLR")(o, gamma=0.96),
    "PolynomialLR": lambda lib, o: sched(lib, "PolynomialLR")(o, total_iters=70, power=2.0),
    "CosineAnnealingLR": lambda lib, o: sched(lib, "CosineAnnealingLR")(o, 30, eta_min=1e-3),
    "CosineAnnealingWarmRestarts": lambda lib, o: sched(lib, "CosineAnnealingWarmRestarts")(
        o, T_0=7, T_mult=2, eta_min=1e-4
    ),
    "CosineAnnealingWarmRestarts-1": lambda lib, o: sched(lib, "CosineAnnealingWarmRestarts")(
        o, T_0=9
    ),
    "CyclicLR-triangular": lambda lib, o: sched(lib, "CyclicLR")(
        o, 0.01, [0.1, 0.2], step_size_up=9, step_size_down=5
    ),
    "CyclicLR-triangular2": lambda lib, o: sched(lib, "CyclicLR")(
        o, 0.01, 0.1, step_size_up=6, mode="triangular2", base_momentum=0.7
    ),
    "CyclicLR-exp_range": lambda lib, o: sched(lib, "CyclicLR")(
        o, [0.01, 0.02], 0.1, step_size_up=8, mode="exp_range", gamma=0.98
    ),
    "CyclicLR-no-momentum": lambda lib, o: sched(lib, "CyclicLR")(
        o, 0.01, 0.1, step_size_up=4, cycle_momentum=False
    ),
    "CyclicLR-scale_fn": lambda lib, o: sched(lib, "CyclicLR")(
        o, 0.01, 0.1, step_size_up=5, scale_fn=lambda x: 1 / (1 + x), scale_mode="iterations"
    ),
    "OneCycleLR-cos": lambda lib, o: sched(lib, "OneCycleLR")(o, [0.5, 0.3], total_steps=101),
    "OneCycleLR-linear": lambda lib, o: sched(lib, "OneCycleLR")(
        o, 0.5, epochs=10, steps_per_epoch=11, anneal_strategy="linear", pct_start=0.2
    ),
    "OneCycleLR-three_phase": lambda lib, o: sched(lib, "OneCycleLR")(
        o, 0.4, total_steps=120, three_phase=True, div_factor=10.0, final_div_factor=100.0
    ),
    "SequentialLR": lambda lib, o: sched(lib, "SequentialLR")(
        o,
        [
            sched(lib, "LinearLR")(o, 0.1, 1.0, total_iters=10),
            sched(lib, "ExponentialLR")(o, gamma=0.9),
            sched(lib, "CosineAnnealingLR")(o, 20),
        ],
        milestones=[10, 40],
    ),
    "ChainedScheduler": lambda lib, o: sched(lib, "ChainedScheduler")(
        [
            sched(lib, "ConstantLR")(o, factor=0.5, total_iters=8),
            sched(lib, "ExponentialLR")(o, gamma=0.97),
            sched(lib, "StepLR")(o, step_size=20, gamma=0.5),
        ]
    ),
    "SWALR-cos": lambda lib, o: lib.optim.swa_utils.SWALR(o, swa_lr=0.02, anneal_epochs=15),
    "SWALR-linear": lambda lib, o: lib.optim.swa_utils.SWALR(
        o, swa_lr=[0.02, 0.01], anneal_epochs=5, anneal_strategy="linear"
    ),
    "SWALR-0": lambda lib, o: lib.optim.swa_utils.SWALR(o, swa_lr=0.3, anneal_epochs=0),
}
ADAM_CASES = {"CyclicLR-exp_range", "OneCycleLR-cos", "OneCycleLR-three_phase"}


def snapshot(opt, scheduler):
    groups = opt.param_groups
    return (
        [float(lr) for lr in scheduler.get_last_lr()],
        [float(g["lr"]) for g in groups],
        [g.get("momentum") for g in groups],
        [g["betas"][0] if "betas" in g else None for g in groups],
    )


def run(lib, make, opt_name, steps, reload_from=None, reload_at=None, metrics=None):
    """The sequence of snapshots; at ``reload_at``, continue from the given state dicts."""
    opt = make_optimizer(lib, opt_name)
    scheduler = make(lib, opt)
    history = [snapshot(opt, scheduler)]
    saved = None
    for i in range(steps):
        if i == reload_at:
            saved = (copy.deepcopy(opt.state_dict()), copy.deepcopy(scheduler.state_dict()))
            if reload_from is not None:
                opt = make_optimizer(lib, opt_name)
                scheduler = make(lib, opt)
                opt.load_state_dict(reload_from[0])
                scheduler.load_state_dict(reload_from[1])
        opt.step()
        if metrics is None:
            scheduler.step()
        else:
            scheduler.step(metrics[i])
        history.append(snapshot(opt, scheduler))
    return history, saved


def assert_same_history(e_hist, t_hist):
    assert len(e_hist) == len(t_hist)
    for step, (e, t) in enumerate(zip(e_hist, t_hist)):
        for e_values, t_values in zip(e, t):
            if t_values[0] is None:
                assert e_values == t_values, f"step {step}"
            else:
                np.testing.assert_allclose(e_values, t_values, rtol=1e-13, err_msg=f"step {step}")


@pytest.mark.parametrize("case", list(CASES))
def test_schedule_matches_torch_with_state_dicts_swapped_mid_way(case):
    make = CASES[case]
    opt_name = "Adam" if case in ADAM_CASES else "SGD"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t_plain, t_saved = run(torch, make, opt_name, 100, reload_at=50)
        e_plain, e_saved = run(ember, make, opt_name, 100, reload_at=50)
        assert_same_history(e_plain, t_plain)
        # continue each library from the other's state at step 50
        e_swapped, _ = run(ember, make, opt_name, 100, reload_from=t_saved, reload_at=50)
        t_swapped, _ = run(torch, make, opt_name, 100, reload_from=e_saved, reload_at=50)
    assert_same_history(e_swapped, t_plain)
    assert_same_history(t_swapped, t_plain)


def plateau_metrics(n=100):
    rng = np.random.default_rng(3)
    return [float(1.0 / (1 + i // 9) + 0.01 * rng.standard_normal()) for i in range(n)]


PLATEAU_CASES = {
    "min-rel": {},
    "min-abs-cooldown": {"threshold_mode": "abs", "threshold": 0.05, "cooldown": 3},
    "max-rel": {"mode": "max", "patience": 2, "factor": 0.5},
    "max-abs": {"mode": "max", "threshold_mode": "abs", "patience": 1, "min_lr": [0.01, 0.02]},
    "min_lr": {"patience": 2, "factor": 0.3, "min_lr": 0.004, "eps": 1e-3},
}


@pytest.mark.parametrize("case", list(PLATEAU_CASES))
def test_reduce_lr_on_plateau_matches_torch(case):
    kwargs = PLATEAU_CASES[case]
    metrics = plateau_metrics()
    if kwargs.get("mode") == "max":
        metrics = [-m for m in metrics]

    def make(lib, o):
        return lib.optim.lr_scheduler.ReduceLROnPlateau(o, **kwargs)

    t_plain, t_saved = run(torch, make, "SGD", 100, reload_at=50, metrics=metrics)
    e_plain, e_saved = run(ember, make, "SGD", 100, reload_at=50, metrics=metrics)
    assert_same_history(e_plain, t_plain)
    e_swapped, _ = run(ember, make, "SGD", 100, reload_from=t_saved, reload_at=50, metrics=metrics)
    t_swapped, _ = run(torch, make, "SGD", 100, reload_from=e_saved, reload_at=50, metrics=metrics)
    assert_same_history(e_swapped, t_plain)
    assert_same_history(t_swapped, t_plain)


@pytest.mark.parametrize("cls", ["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR"])
def test_step_with_epoch_uses_the_closed_form(cls):
    args = {
        "StepLR": {"step_size": 3},
        "MultiStepLR": {"milestones": [2, 5, 5]},
        "ExponentialLR": {"gamma": 0.9},
        "CosineAnnealingLR": {"T_max": 10},
    }[cls]
    results = []
    for lib in (torch, ember):
        opt = make_optimizer(lib, "SGD")
        scheduler = sched(lib, cls)(opt, **args)
        lrs = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for epoch in [3, 7, 1, 12, 5]:
                opt.step()
                scheduler.step(epoch)
                lrs.append(scheduler.get_last_lr())
        results.append(lrs)
    np.testing.assert_allclose(results[1], results[0], rtol=1e-13)


def test_warm_restarts_with_fractional_epochs():
    results = []
    for lib in (torch, ember):
        opt = make_optimizer(lib, "SGD")
        scheduler = sched(lib, "CosineAnnealingWarmRestarts")(opt, T_0=4, T_mult=2)
        lrs = []
        for i in range(40):
            opt.step()
            scheduler.step(i / 3)
            lrs.append(scheduler.get_last_lr())
        results.append(lrs)
    np.testing.assert_allclose(results[1], results[0], rtol=1e-13)


def test_scheduler_step_before_optimizer_step_warns_as_torch():
    for lib in (torch, ember):
        opt = make_optimizer(lib, "SGD")
        scheduler = sched(lib, "StepLR")(opt, step_size=2)
        with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
            scheduler.step()
        opt = make_optimizer(lib, "SGD")
        scheduler = sched(lib, "StepLR")(opt, step_size=2)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            opt.step()
            scheduler.step()


def test_get_lr_outside_step_warns():
    opt = make_optimizer(ember, "SGD")
    scheduler = ember.optim.lr_scheduler.StepLR(opt, step_size=2)
    with pytest.warns(UserWarning, match="get_last_lr"):
        scheduler.get_lr()


SCHEDULER_ERRORS = [
    ("ConstantLR", {"factor": 1.5}),
    ("LinearLR", {"start_factor": 0.0}),
    ("LinearLR", {"end_factor": 1.5}),
    ("CosineAnnealingWarmRestarts", {"T_0": 0}),
    ("CosineAnnealingWarmRestarts", {"T_0": 5, "T_mult": 0}),
    ("CyclicLR", {"base_lr": 0.1, "max_lr": 1.0, "mode": "bogus"}),
    ("OneCycleLR", {"max_lr": 0.1}),
    ("OneCycleLR", {"max_lr": 0.1, "total_steps": 10, "pct_start": 1.5}),
    ("OneCycleLR", {"max_lr": 0.1, "total_steps": 10, "anneal_strategy": "x"}),
    ("ReduceLROnPlateau", {"factor": 1.0}),
    ("ReduceLROnPlateau", {"mode": "median"}),
    ("ReduceLROnPlateau", {"threshold_mode": "x"}),
    ("ReduceLROnPlateau", {"min_lr": [0.1]}),
    ("LambdaLR", {"lr_lambda": [lr_lambda]}),
]


@pytest.mark.parametrize("cls,kwargs", SCHEDULER_ERRORS, ids=[c for c, _ in SCHEDULER_ERRORS])
def test_invalid_scheduler_arguments_raise_as_torch(cls, kwargs):
    errors = []
    for lib in (torch, ember):
        opt = make_optimizer(lib, "SGD")
        with pytest.raises(Exception) as info:
            sched(lib, cls)(opt, **kwargs)
        errors.append(info.value)
    assert type(errors[1]) is type(errors[0])
    assert str(errors[1]) == str(errors[0])


def test_cyclic_momentum_needs_an_optimizer_with_momentum():
    for lib in (torch, ember):
        opt = lib.optim.Adagrad([lib.zeros(1, requires_grad=True)])
        with pytest.raises(ValueError, match="must support momentum"):
            sched(lib, "CyclicLR")(opt, 0.01, 0.1)


def test_one_cycle_raises_past_total_steps():
    opt = make_optimizer(ember, "SGD")
    scheduler = ember.optim.lr_scheduler.OneCycleLR(opt, 0.1, total_steps=3)
    for _ in range(3):
        opt.step()
        scheduler.step()
    with pytest.raises(ValueError, match="Tried to step 4 times"):
        opt.step()
        scheduler.step()


def test_cosine_annealing_reaches_eta_min():
    opt = make_optimizer(ember, "SGD")
    scheduler = ember.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10, eta_min=0.01)
    for _ in range(10):
        opt.step()
        scheduler.step()
    assert math.isclose(scheduler.get_last_lr()[0], 0.01, rel_tol=1e-12)


def test_resuming_with_last_epoch_needs_initial_lr_as_torch():
    for lib in (torch, ember):
        opt = make_optimizer(lib, "SGD")
        with pytest.raises(KeyError, match="initial_lr"):
            sched(lib, "StepLR")(opt, step_size=3, last_epoch=5)


def test_resuming_with_last_epoch_continues_as_torch():
    results = []
    for lib in (torch, ember):
        opt = make_optimizer(lib, "SGD")
        for group in opt.param_groups:
            group["initial_lr"] = group["lr"]
        scheduler = sched(lib, "CosineAnnealingLR")(opt, T_max=20, last_epoch=7)
        lrs = [scheduler.get_last_lr()]
        for _ in range(10):
            opt.step()
            scheduler.step()
            lrs.append(scheduler.get_last_lr())
        results.append(lrs)
    np.testing.assert_allclose(results[1], results[0], rtol=1e-13)


def test_reduce_on_plateau_accepts_tensor_metrics():
    opt = make_optimizer(ember, "SGD")
    scheduler = ember.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0)
    scheduler.step(ember.tensor(1.0))
    scheduler.step(ember.tensor(2.0))
    assert scheduler.get_last_lr() == pytest.approx([0.01, 0.005])
