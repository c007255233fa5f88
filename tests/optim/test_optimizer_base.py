"""The Optimizer base: param groups, argument checks, zero_grad, hooks, state dict layout."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from torch.optim.optimizer import required as torch_required

import ember

NAMES = [
    "SGD",
    "Adafactor",
    "Adam",
    "AdamW",
    "Adamax",
    "NAdam",
    "RAdam",
    "RMSprop",
    "Adagrad",
    "Adadelta",
    "ASGD",
    "Rprop",
    "LBFGS",
]


def pair(shape=(2, 3)):
    a = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    return torch.tensor(a, requires_grad=True), ember.tensor(a, requires_grad=True)


def without_params(group):
    return {k: v for k, v in group.items() if k != "params"}


@pytest.mark.parametrize("name", NAMES)
def test_defaults_and_param_groups_match_torch(name):
    tp, ep = pair()
    topt = getattr(torch.optim, name)([tp])
    eopt = getattr(ember.optim, name)([ep])
    assert eopt.defaults == topt.defaults
    assert list(eopt.defaults) == list(topt.defaults)
    assert without_params(eopt.param_groups[0]) == without_params(topt.param_groups[0])
    assert eopt.param_groups[0]["params"][0] is ep


def test_add_param_group_fills_defaults_and_keeps_overrides():
    (ta, ea), (tb, eb) = pair(), pair((4,))
    topt = torch.optim.SGD([ta], lr=0.1, momentum=0.9)
    eopt = ember.optim.SGD([ea], lr=0.1, momentum=0.9)
    topt.add_param_group({"params": tb, "lr": 0.5})
    eopt.add_param_group({"params": eb, "lr": 0.5})
    assert [without_params(g) for g in eopt.param_groups] == [
        without_params(g) for g in topt.param_groups
    ]
    assert eopt.param_groups[1]["params"] == [eb]


def test_named_parameters_are_kept_in_groups_and_state_dict():
    (ta, ea), (tb, eb) = pair(), pair((4,))
    topt = torch.optim.Adam([("w", ta), ("b", tb)])
    eopt = ember.optim.Adam([("w", ea), ("b", eb)])
    assert eopt.param_groups[0]["param_names"] == ["w", "b"]
    assert eopt.state_dict()["param_groups"] == topt.state_dict()["param_groups"]


def raises_same(fn_torch, fn_ember, exc=None, match=True):
    """Both calls raise the same exception type (and message, if match)."""
    with pytest.raises(Exception) as t_info:
        fn_torch()
    with pytest.raises(Exception) as e_info:
        fn_ember()
    assert type(e_info.value) is type(t_info.value), (e_info.value, t_info.value)
    if exc is not None:
        assert isinstance(e_info.value, exc)
    if match:
        assert str(e_info.value) == str(t_info.value)


INVALID = [
    ("SGD", {"lr": -1.0}),
    ("SGD", {"momentum": -0.5}),
    ("SGD", {"weight_decay": -1.0}),
    ("SGD", {"nesterov": True}),
    ("SGD", {"nesterov": True, "momentum": 0.9, "dampening": 0.1}),
    ("Adam", {"lr": -1e-3}),
    ("Adam", {"eps": -1.0}),
    ("Adam", {"betas": (1.0, 0.9)}),
    ("Adam", {"betas": (0.9, -0.1)}),
    ("Adam", {"weight_decay": -0.1}),
    ("AdamW", {"betas": (0.9, 1.5)}),
    ("Adamax", {"betas": (-0.1, 0.9)}),
    ("Adamax", {"eps": -1.0}),
    ("NAdam", {"momentum_decay": -1.0}),
    ("NAdam", {"betas": (0.9, 1.0)}),
    ("RAdam", {"weight_decay": -1.0}),
    ("RMSprop", {"alpha": -0.1}),
    ("RMSprop", {"momentum": -0.1}),
    ("RMSprop", {"eps": -0.1}),
    ("Adagrad", {"lr_decay": -0.1}),
    ("Adagrad", {"initial_accumulator_value": -0.1}),
    ("Adagrad", {"eps": -0.1}),
    ("Adadelta", {"rho": 1.5}),
    ("Adadelta", {"eps": -1.0}),
    ("ASGD", {"weight_decay": -1.0}),
    ("Rprop", {"etas": (1.5, 2.0)}),
    ("Rprop", {"lr": -1.0}),
    ("LBFGS", {"lr": -1.0}),
    ("Adafactor", {"lr": -1.0}),
    ("Adafactor", {"beta2_decay": 0.5}),
    ("Adafactor", {"eps": (-1.0, 1e-3)}),
    ("Adafactor", {"eps": (None, -1.0)}),
    ("Adafactor", {"d": 0.5}),
    ("Adafactor", {"weight_decay": -0.1}),
]


@pytest.mark.parametrize("name,kwargs", INVALID, ids=[f"{n}-{k}" for n, k in INVALID])
def test_invalid_arguments_raise_torchs_value_error(name, kwargs):
    tp, ep = pair()
    raises_same(
        lambda: getattr(torch.optim, name)([tp], **kwargs),
        lambda: getattr(ember.optim, name)([ep], **kwargs),
        ValueError,
    )


def test_invalid_params_raise_as_torch():
    tp, ep = pair()
    raises_same(lambda: torch.optim.SGD([], lr=0.1), lambda: ember.optim.SGD([], lr=0.1))
    raises_same(
        lambda: torch.optim.SGD(tp, lr=0.1),
        lambda: ember.optim.SGD(ep, lr=0.1),
        TypeError,
        match=False,
    )
    raises_same(
        lambda: torch.optim.SGD([{"params": {tp}}], lr=0.1),
        lambda: ember.optim.SGD([{"params": {ep}}], lr=0.1),
        TypeError,
    )
    raises_same(
        lambda: torch.optim.SGD([tp * 2], lr=0.1),
        lambda: ember.optim.SGD([ep * 2], lr=0.1),
        ValueError,
    )
    raises_same(
        lambda: torch.optim.SGD([1.0], lr=0.1),
        lambda: ember.optim.SGD([1.0], lr=0.1),
        TypeError,
        match=False,
    )
    raises_same(
        lambda: torch.optim.Optimizer([tp], {"lr": torch_required}),
        lambda: ember.optim.Optimizer([ep], {"lr": ember.optim.optimizer.required}),
        ValueError,
    )


def test_a_parameter_in_two_groups_raises_and_twice_in_one_group_warns():
    tp, ep = pair()
    raises_same(
        lambda: torch.optim.SGD([{"params": [tp]}, {"params": [tp]}], lr=0.1),
        lambda: ember.optim.SGD([{"params": [ep]}, {"params": [ep]}], lr=0.1),
        ValueError,
    )
    for lib, p in ((torch, tp), (ember, ep)):
        with pytest.warns(UserWarning, match="duplicate parameters"):
            lib.optim.SGD([p, p], lr=0.1)


@pytest.mark.parametrize("set_to_none", [True, False])
def test_zero_grad(set_to_none):
    tp, ep = pair()
    topt, eopt = torch.optim.SGD([tp], lr=0.1), ember.optim.SGD([ep], lr=0.1)
    (tp * tp).sum().backward()
    (ep * ep).sum().backward()
    topt.zero_grad(set_to_none=set_to_none)
    eopt.zero_grad(set_to_none=set_to_none)
    if set_to_none:
        assert ep.grad is None and tp.grad is None
    else:
        np.testing.assert_array_equal(ep.grad.numpy(), tp.grad.numpy())
        assert not ep.grad.requires_grad


def test_step_keeps_parameter_identity_runs_closure_with_grad_and_bumps_version():
    _, p = pair()
    data = p._data
    opt = ember.optim.Adam([p], lr=0.1)
    seen = []

    def closure():
        seen.append(ember.is_grad_enabled())
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    version = p._version
    with ember.no_grad():
        loss = opt.step(closure)
    assert seen == [True]
    assert float(loss) == float((np.arange(6.0) ** 2).sum())
    assert opt.param_groups[0]["params"][0] is p and p._data is data
    assert p._version > version
    assert p.requires_grad


def test_step_skips_parameters_without_grad():
    (_, a), (_, b) = pair(), pair()
    opt = ember.optim.Adam([a, b], lr=0.1)
    before = b.detach().numpy().copy()
    (a * a).sum().backward()
    opt.step()
    np.testing.assert_array_equal(b.detach().numpy(), before)
    assert list(opt.state_dict()["state"]) == [0]


def test_step_hooks_run_in_order_change_args_and_can_be_removed():
    _, p = pair()
    opt = ember.optim.SGD([p], lr=0.1)
    calls = []

    def pre(o, args, kwargs):
        calls.append(("pre", args, dict(kwargs)))

    def post(o, args, kwargs):
        calls.append(("post", args, dict(kwargs)))

    def global_pre(o, args, kwargs):
        calls.append(("global_pre",))

    h1 = opt.register_step_pre_hook(pre)
    h2 = opt.register_step_post_hook(post)
    h3 = ember.optim.optimizer.register_optimizer_step_pre_hook(global_pre)
    p.grad = ember.ones_like(p)
    opt.step()
    assert [c[0] for c in calls] == ["global_pre", "pre", "post"]
    h1.remove()
    h2.remove()
    h3.remove()
    calls.clear()
    opt.step()
    assert calls == []

    def replace_closure(o, args, kwargs):
        return (), {"closure": lambda: 42.0}

    opt.register_step_pre_hook(replace_closure)
    assert opt.step() == 42.0


def test_state_dict_layout_matches_torch_with_two_groups():
    (ta, ea), (tb, eb), (tc, ec) = pair(), pair((4,)), pair(())
    topt = torch.optim.Adam([{"params": [ta, tb]}, {"params": [tc], "lr": 0.5}], amsgrad=True)
    eopt = ember.optim.Adam([{"params": [ea, eb]}, {"params": [ec], "lr": 0.5}], amsgrad=True)
    for t, e in ((ta, ea), (tc, ec)):
        t.grad = torch.ones_like(t)
        e.grad = ember.ones_like(e)
    topt.step()
    eopt.step()
    tsd, esd = topt.state_dict(), eopt.state_dict()
    assert esd["param_groups"] == tsd["param_groups"]
    assert list(esd["state"]) == list(tsd["state"]) == [0, 2]
    for index in (0, 2):
        assert list(esd["state"][index]) == list(tsd["state"][index])
        step = esd["state"][index]["step"]
        assert step.dtype == ember.float32 and step.shape == () and float(step) == 1.0


def test_load_state_dict_checks_group_sizes_as_torch():
    (ta, ea), (tb, eb) = pair(), pair((4,))
    one_t, one_e = torch.optim.SGD([ta], lr=0.1), ember.optim.SGD([ea], lr=0.1)
    two_t, two_e = torch.optim.SGD([ta, tb], lr=0.1), ember.optim.SGD([ea, eb], lr=0.1)
    raises_same(
        lambda: one_t.load_state_dict(two_t.state_dict()),
        lambda: one_e.load_state_dict(two_e.state_dict()),
        ValueError,
    )
    groups_t = torch.optim.SGD([{"params": [ta]}, {"params": [tb]}], lr=0.1)
    groups_e = ember.optim.SGD([{"params": [ea]}, {"params": [eb]}], lr=0.1)
    raises_same(
        lambda: one_t.load_state_dict(groups_t.state_dict()),
        lambda: one_e.load_state_dict(groups_e.state_dict()),
        ValueError,
    )


def test_load_state_dict_casts_state_to_the_parameter_dtype_but_not_step():
    _, p = pair()
    opt = ember.optim.Adam([p])
    p.grad = ember.ones_like(p)
    opt.step()
    sd = opt.state_dict()
    p64 = ember.tensor(np.zeros((2, 3)), requires_grad=True)
    opt64 = ember.optim.Adam([p64])
    opt64.load_state_dict(sd)
    state = opt64.state[p64]
    assert state["exp_avg"].dtype == ember.float64
    assert state["step"].dtype == ember.float32
    assert state["exp_avg"]._data is not sd["state"][0]["exp_avg"]._data


def test_state_dict_hooks():
    _, p = pair()
    opt = ember.optim.SGD([p], lr=0.1, momentum=0.9)
    log = []
    opt.register_state_dict_pre_hook(lambda o: log.append("pre"))
    opt.register_state_dict_post_hook(lambda o, sd: {**sd, "extra": 1})
    opt.register_load_state_dict_pre_hook(lambda o, sd: log.append("load_pre"))
    opt.register_load_state_dict_post_hook(lambda o: log.append("load_post"))
    sd = opt.state_dict()
    assert sd["extra"] == 1
    opt.load_state_dict(sd)
    assert log == ["pre", "load_pre", "load_post"]


def test_tensor_lr_is_accepted_and_scheduled_in_place():
    _, p = pair()
    lr = ember.tensor(0.1)
    opt = ember.optim.SGD([p], lr=lr)
    sched = ember.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    p.grad = ember.ones_like(p)
    opt.step()
    sched.step()
    assert opt.param_groups[0]["lr"] is lr
    assert abs(float(lr) - 0.05) < 1e-8
    with pytest.raises(ValueError, match="Tensor lr must be 1-element"):
        ember.optim.SGD([p], lr=ember.tensor([0.1, 0.2]))


def test_training_loop_with_autograd_matches_torch():
    """The seed's loop: zero_grad, backward, step, on a small MLP in float64."""
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s) * 0.5 for s in [(4, 8), (8,), (8, 1), (1,)]]
    x_np, y_np = rng.standard_normal((16, 4)), rng.standard_normal((16, 1))
    results = {}
    for lib in (torch, ember):
        params = [lib.tensor(a, requires_grad=True) for a in arrays]
        x, y = lib.tensor(x_np), lib.tensor(y_np)
        opt = lib.optim.Adam(params, lr=0.01, weight_decay=0.01, amsgrad=True)
        losses = []
        for _ in range(25):
            opt.zero_grad()
            hidden = lib.tanh(x @ params[0] + params[1])
            loss = ((hidden @ params[2] + params[3] - y) ** 2).mean()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        results[lib.__name__] = (losses, [p.detach().numpy() for p in params])
    np.testing.assert_allclose(results["ember"][0], results["torch"][0], rtol=1e-10)
    for e, t in zip(results["ember"][1], results["torch"][1]):
        np.testing.assert_allclose(e, t, rtol=1e-10, atol=1e-12)


def test_pickle_and_deepcopy_round_trip():
    import copy
    import pickle

    _, p = pair()
    opt = ember.optim.Adam([p], lr=0.1)
    p.grad = ember.ones_like(p)
    opt.step()
    for clone in (pickle.loads(pickle.dumps(opt)), copy.deepcopy(opt)):
        assert clone.param_groups[0]["lr"] == 0.1
        (q,) = clone.param_groups[0]["params"]
        assert float(clone.state[q]["step"]) == 1.0
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            q.grad = ember.ones_like(q)
            clone.step()


def test_repr_matches_torch():
    (ta, ea), (tb, eb) = pair(), pair((4,))
    topt = torch.optim.Adam([{"params": [ta]}, {"params": [tb], "lr": 1.0}], lr=0.1)
    eopt = ember.optim.Adam([{"params": [ea]}, {"params": [eb], "lr": 1.0}], lr=0.1)
    assert repr(eopt) == repr(topt)


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "Adagrad"])
def test_fused_combinations_raise_as_torch(name):
    tp, ep = pair()
    for kwargs in ({"fused": True, "differentiable": True}, {"fused": True, "foreach": True}):
        raises_same(
            lambda kwargs=kwargs: getattr(torch.optim, name)([tp], **kwargs),
            lambda kwargs=kwargs: getattr(ember.optim, name)([ep], **kwargs),
            RuntimeError,
        )


def test_tensor_lr_with_foreach_raises_as_torch():
    tp, ep = pair()
    raises_same(
        lambda: torch.optim.Adam([tp], lr=torch.tensor(0.1), foreach=True),
        lambda: ember.optim.Adam([ep], lr=ember.tensor(0.1), foreach=True),
        ValueError,
    )


def test_user_defined_optimizer_and_scheduler_work_as_in_torch():
    """The documented way to write an optimizer and a scheduler, run in both libraries."""
    results = []
    for lib in (torch, ember):

        class SignSGD(lib.optim.Optimizer):
            def __init__(self, params, lr=0.1):
                super().__init__(params, {"lr": lr})

            @lib.no_grad()
            def step(self, closure=None):
                for group in self.param_groups:
                    for p in group["params"]:
                        if p.grad is not None:
                            p.add_(p.grad.sign(), alpha=-group["lr"])
                            self.state[p]["count"] = self.state[p].get("count", 0) + 1

        class HalvingLR(lib.optim.lr_scheduler.LRScheduler):
            def get_lr(self):
                return [base / 2 ** (self.last_epoch // 2) for base in self.base_lrs]

        p = lib.tensor(np.linspace(-1.0, 1.0, 5), requires_grad=True)
        opt = SignSGD([p], lr=0.2)
        sched = HalvingLR(opt)
        calls = []
        opt.register_step_post_hook(lambda o, a, k, calls=calls: calls.append(1))
        for _ in range(6):
            opt.zero_grad()
            ((p - 0.3) ** 2).sum().backward()
            opt.step()
            sched.step()
        results.append((p.detach().numpy().copy(), sched.get_last_lr(), len(calls)))
        assert opt.state_dict()["state"][0]["count"] == 6
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-12)
    assert results[1][1:] == results[0][1:]


@pytest.mark.parametrize("name", ["Adam", "NAdam", "ASGD"])
def test_state_scalars_follow_the_default_dtype_as_torch(name):
    dtypes = []
    for lib in (torch, ember):
        lib.set_default_dtype(lib.float64)
        try:
            p = lib.zeros(3, requires_grad=True)
            opt = getattr(lib.optim, name)([p])
            p.grad = lib.ones(3)
            opt.step()
            state = opt.state_dict()["state"][0]
            dtypes.append({k: str(v.dtype) for k, v in state.items() if v.dim() == 0})
        finally:
            lib.set_default_dtype(lib.float32)
    assert dtypes[1] == dtypes[0]
    assert "torch.float64" in dtypes[0].values()
