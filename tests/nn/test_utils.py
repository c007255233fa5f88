"""nn.utils against torch: gradient clipping, vector conversion, weight_norm, spectral_norm,
parametrize."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch
from helpers import compare_module

import ember


def _params_with_grads(lib, seed=0):
    rng = np.random.default_rng(seed)
    params = []
    for shape in ((3, 4), (5,), (2, 2, 2)):
        p = lib.nn.Parameter(lib.from_numpy(rng.standard_normal(shape).astype("float32")))
        p.grad = lib.from_numpy(rng.standard_normal(shape).astype("float32") * 3)
        params.append(p)
    params.append(lib.nn.Parameter(lib.zeros(2)))  # no grad: skipped
    return params


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3, math.inf, "inf"])
@pytest.mark.parametrize("max_norm", [0.5, 1e3])
def test_clip_grad_norm(norm_type, max_norm):
    pt, pe = _params_with_grads(torch), _params_with_grads(ember)
    nt = torch.nn.utils.clip_grad_norm_(pt, max_norm, norm_type)
    ne = ember.nn.utils.clip_grad_norm_(pe, max_norm, norm_type)
    assert ne.dtype == ember.float32 and ne.shape == ()
    np.testing.assert_allclose(float(ne), float(nt), rtol=1e-6)
    for a, b in zip(pe[:3], pt[:3]):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-6)


def test_clip_grad_norm_edge_cases():
    p = ember.nn.Parameter(ember.ones(3))
    assert float(ember.nn.utils.clip_grad_norm_([p], 1.0)) == 0.0
    p.grad = ember.tensor([float("inf"), 1.0, 1.0])
    with pytest.raises(RuntimeError, match="non-finite"):
        ember.nn.utils.clip_grad_norm_(p, 1.0, error_if_nonfinite=True)
    p.grad = ember.tensor([3.0, 4.0, 0.0])
    assert float(ember.nn.utils.clip_grad_norm_(p, 1.0)) == pytest.approx(5.0)
    np.testing.assert_allclose(p.grad.numpy(), [0.6, 0.8, 0.0], rtol=1e-5)


def test_clip_grad_value_and_vectors():
    pt, pe = _params_with_grads(torch), _params_with_grads(ember)
    torch.nn.utils.clip_grad_value_(pt, 1.5)
    ember.nn.utils.clip_grad_value_(pe, 1.5)
    for a, b in zip(pe[:3], pt[:3]):
        np.testing.assert_array_equal(a.grad.numpy(), b.grad.numpy())
    vt = torch.nn.utils.parameters_to_vector(pt)
    ve = ember.nn.utils.parameters_to_vector(pe)
    np.testing.assert_array_equal(ve.detach().numpy(), vt.detach().numpy())
    ember.nn.utils.vector_to_parameters(ve.detach() * 2, pe)
    np.testing.assert_allclose(pe[1].detach().numpy(), pt[1].detach().numpy() * 2)
    with pytest.raises(TypeError):
        ember.nn.utils.vector_to_parameters([1.0], pe)


def _rand(*shape):
    return np.random.default_rng(3).uniform(-1, 1, shape)


@pytest.mark.parametrize("dim", [0, 1, None])
def test_parametrized_weight_norm(dim):
    def make(lib):
        return lib.nn.utils.parametrizations.weight_norm(lib.nn.Linear(4, 3), dim=dim)

    t, e = compare_module(make, [_rand(2, 4)], "float64")
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())


def test_hook_weight_norm_and_remove():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t, e = compare_module(
            lambda lib: lib.nn.utils.weight_norm(lib.nn.Linear(4, 3)), [_rand(2, 4)], "float64"
        )
    assert list(e.state_dict()) == list(t.state_dict()) == ["bias", "weight_g", "weight_v"]
    torch.nn.utils.remove_weight_norm(t)
    ember.nn.utils.remove_weight_norm(e)
    assert list(e.state_dict()) == list(t.state_dict())
    np.testing.assert_allclose(e.weight.detach().numpy(), t.weight.detach().numpy(), rtol=1e-10)


@pytest.mark.parametrize("train", [True, False])
def test_spectral_norm(train):
    def make(lib):
        return lib.nn.utils.parametrizations.spectral_norm(lib.nn.Linear(5, 4))

    t, e = compare_module(make, [_rand(3, 5)], "float64", train=train)
    assert list(e.state_dict()) == list(t.state_dict())
    assert repr(e) == repr(t)


def test_custom_parametrization_and_removal():
    for lib in (torch, ember):
        nn = lib.nn

        class Scale(nn.Module):
            def forward(self, x):
                return x * 2

            def right_inverse(self, x):
                return x / 2

        lin = nn.Linear(3, 3)
        before = lin.weight.detach().clone()
        nn.utils.parametrize.register_parametrization(lin, "weight", Scale())
        assert nn.utils.parametrize.is_parametrized(lin, "weight")
        np.testing.assert_allclose(lin.weight.detach().numpy(), before.numpy(), rtol=1e-6)
        with lib.no_grad():
            lin.weight = lib.ones(3, 3)
        np.testing.assert_allclose(lin.parametrizations.weight.original.detach().numpy(), 0.5)
        lin(lib.ones(1, 3)).sum().backward()
        np.testing.assert_allclose(lin.parametrizations.weight.original.grad.numpy(), 2.0)
        assert [k for k, _ in lin.named_parameters()] == [
            "bias",
            "parametrizations.weight.original",
        ]
        nn.utils.parametrize.remove_parametrizations(lin, "weight")
        assert type(lin) is nn.Linear and isinstance(lin.weight, nn.Parameter)
        np.testing.assert_allclose(lin.weight.detach().numpy(), 1.0)


def test_state_dict_roundtrip_into_torch():
    """ember's state_dict loads into torch (names and shapes agree)."""
    e = ember.nn.Sequential(ember.nn.Linear(3, 4), ember.nn.BatchNorm1d(4), ember.nn.Linear(4, 2))
    t = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.Linear(4, 2))
    t.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in e.state_dict().items()})
    x = _rand(5, 3).astype("float32")
    e.eval()
    t.eval()
    np.testing.assert_allclose(
        e(ember.from_numpy(x)).detach().numpy(),
        t(torch.from_numpy(x)).detach().numpy(),
        rtol=1e-5,
        atol=1e-6,
    )


@pytest.mark.parametrize("train", [True, False])
def test_hook_spectral_norm(train):
    def make(lib):
        return lib.nn.utils.spectral_norm(lib.nn.Linear(5, 4), n_power_iterations=2)

    t, e = compare_module(make, [_rand(3, 5)], "float64", train=train)
    assert list(e.state_dict()) == list(t.state_dict())
    assert [n for n, _ in e.named_buffers()] == [n for n, _ in t.named_buffers()]
    torch.nn.utils.remove_spectral_norm(t)
    ember.nn.utils.remove_spectral_norm(e)
    assert list(e.state_dict()) == list(t.state_dict())
    np.testing.assert_allclose(e.weight.detach().numpy(), t.weight.detach().numpy(), rtol=1e-9)


def test_functional_call_like_torch():
    results = []
    state = None
    for lib in (torch, ember):
        net = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.BatchNorm1d(4), lib.nn.Linear(4, 2))
        if state is None:
            state = {k: v.numpy().copy() for k, v in net.state_dict().items()}
        net.load_state_dict({k: lib.from_numpy(v.copy()) for k, v in state.items()})
        w = lib.from_numpy(_rand(4, 3)).float().requires_grad_()
        x = lib.from_numpy(_rand(5, 3)).float()
        before = net[0].weight.detach().clone()
        out = lib.nn.utils.stateless.functional_call(net, {"0.weight": w}, (x,))
        (out * out).sum().backward()
        assert np.array_equal(net[0].weight.detach().numpy(), before.numpy())
        assert net[0].weight.grad is None and isinstance(net[0].weight, lib.nn.Parameter)
        results.append((w.grad.numpy().copy(), net[0].bias.grad.numpy().copy()))
        with pytest.raises(RuntimeError):
            lib.nn.utils.stateless.functional_call(net, {"0.weight": w}, (x,), strict=True)
        with pytest.raises(RuntimeError):
            lib.nn.utils.skip_init(type("NoDevice", (lib.nn.Module,), {}))
        lin = lib.nn.utils.skip_init(lib.nn.Linear, 3, 4)
        assert tuple(lin.weight.shape) == (4, 3)
    # unseeded weights: a gradient can be ~0
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(results[1][1], results[0][1], atol=1e-5)  # ~0: BN cancels it


def test_fuse_linear_bn_eval_like_torch():
    outs = []
    state = None
    x = _rand(5, 3).astype("float32")
    for lib in (torch, ember):
        lin, bn = lib.nn.Linear(3, 4), lib.nn.BatchNorm1d(4)
        seq = lib.nn.Sequential(lin, bn)
        if state is None:
            seq.train()
            for i in range(3):
                seq(lib.from_numpy(_rand(6, 3).astype("float32") + i))
            state = {k: v.numpy().copy() for k, v in seq.state_dict().items()}
        seq.load_state_dict({k: lib.from_numpy(v.copy()) for k, v in state.items()})
        with pytest.raises(AssertionError):
            lib.nn.utils.fuse_linear_bn_eval(lin.train(), bn)
        seq.eval()
        fused = lib.nn.utils.fuse_linear_bn_eval(lin, bn)
        xs = lib.from_numpy(x.copy())
        np.testing.assert_allclose(
            fused(xs).detach().numpy(), seq(xs).detach().numpy(), rtol=1e-5, atol=1e-6
        )
        outs.append(fused(xs).detach().numpy())
        w, b = lib.nn.utils.fuse_conv_bn_weights(
            lib.ones(4, 2, 3), None, bn.running_mean, bn.running_var, 1e-5, bn.weight, bn.bias
        )
        outs.append(w.detach().numpy())
    np.testing.assert_allclose(outs[2], outs[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(outs[3], outs[1], rtol=1e-5)
