"""nn.init and the layers' default initialisation: ember's random bits differ from torch's,
so distributions are compared (bounds, mean, standard deviation) on large tensors."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import ember

init = ember.nn.init


def values(t) -> np.ndarray:
    return t.detach().numpy().astype(np.float64).ravel()


@pytest.mark.parametrize(
    "name,param",
    [
        ("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None), ("relu", None),
        ("leaky_relu", None), ("leaky_relu", 0.2), ("selu", None), ("conv_transpose3d", None),
    ],
)  # fmt: skip
def test_calculate_gain(name, param):
    assert init.calculate_gain(name, param) == pytest.approx(
        torch.nn.init.calculate_gain(name, param)
    )


def test_calculate_gain_errors():
    for lib in (torch, ember):
        with pytest.raises(ValueError):
            lib.nn.init.calculate_gain("foo")
        with pytest.raises(ValueError):
            lib.nn.init.calculate_gain("leaky_relu", "a")


def test_uniform_normal_constant():
    t = ember.empty(200, 300)
    assert init.uniform_(t, -2, 3) is t
    v = values(t)
    assert v.min() >= -2 and v.max() < 3 and abs(v.mean() - 0.5) < 0.05
    init.normal_(t, 1.0, 2.0)
    v = values(t)
    assert abs(v.mean() - 1.0) < 0.03 and abs(v.std() - 2.0) < 0.03
    init.trunc_normal_(t, 0.5, 1.0, -1.0, 1.5)
    v = values(t)
    assert v.min() >= -1.0 and v.max() <= 1.5
    ref = torch.nn.init.trunc_normal_(torch.empty(200, 300), 0.5, 1.0, -1.0, 1.5).numpy()
    assert abs(v.mean() - ref.mean()) < 0.02 and abs(v.std() - ref.std()) < 0.02
    init.constant_(t, 0.25)
    assert np.all(values(t) == 0.25)
    init.ones_(t)
    assert np.all(values(t) == 1)
    init.zeros_(t)
    assert np.all(values(t) == 0)


def test_init_is_outside_autograd_and_bumps_version():
    p = ember.nn.Parameter(ember.zeros(3, 4))
    v0 = p._version
    init.normal_(p)
    assert p.is_leaf and p.requires_grad and p.grad_fn is None and p._version > v0


def test_generator_reproducible():
    a = init.normal_(ember.empty(5), generator=ember.Generator().manual_seed(3))
    b = init.normal_(ember.empty(5), generator=ember.Generator().manual_seed(3))
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    ember.manual_seed(7)
    c = init.uniform_(ember.empty(5))
    ember.manual_seed(7)
    d = init.uniform_(ember.empty(5))
    np.testing.assert_array_equal(c.numpy(), d.numpy())


def test_eye_dirac_orthogonal_sparse_match_torch():
    for shape in ((3, 5), (4, 4)):
        np.testing.assert_array_equal(
            init.eye_(ember.empty(*shape)).numpy(), torch.nn.init.eye_(torch.empty(*shape)).numpy()
        )
    for shape, groups in (((4, 2, 3), 1), ((6, 3, 3, 3), 2), ((2, 2, 3, 3, 3), 1)):
        np.testing.assert_array_equal(
            init.dirac_(ember.empty(*shape), groups).numpy(),
            torch.nn.init.dirac_(torch.empty(*shape), groups).numpy(),
        )
    for shape in ((6, 4), (3, 7), (4, 2, 3)):
        w = init.orthogonal_(ember.empty(*shape), gain=2.0).numpy().reshape(shape[0], -1)
        small = min(w.shape)
        gram = w @ w.T if w.shape[0] <= w.shape[1] else w.T @ w
        np.testing.assert_allclose(gram, 4.0 * np.eye(small), atol=1e-5)
    s = init.sparse_(ember.empty(10, 6), sparsity=0.3).numpy()
    assert all((s[:, j] == 0).sum() >= 3 for j in range(6))
    for lib in (torch, ember):
        with pytest.raises(ValueError):
            lib.nn.init.eye_(lib.empty(2, 2, 2))
        with pytest.raises(ValueError):
            lib.nn.init.xavier_uniform_(lib.empty(3))
        with pytest.raises(ValueError):
            lib.nn.init.orthogonal_(lib.empty(3))
        with pytest.raises(ValueError):
            lib.nn.init.kaiming_normal_(lib.empty(3, 4), mode="fan_avg")


FANS = [(64, 300), (128, 40, 3, 3)]


@pytest.mark.parametrize("shape", FANS)
@pytest.mark.parametrize(
    "fn,kwargs",
    [
        ("xavier_uniform_", {}),
        ("xavier_normal_", {"gain": 2.0}),
        ("kaiming_uniform_", {"a": math.sqrt(5)}),
        ("kaiming_uniform_", {"mode": "fan_out", "nonlinearity": "relu"}),
        ("kaiming_normal_", {}),
        ("kaiming_normal_", {"a": 0.1, "mode": "fan_out"}),
    ],
)
def test_fan_based_inits_match_torch_distribution(shape, fn, kwargs):
    ours = values(getattr(init, fn)(ember.empty(*shape), **kwargs))
    theirs = getattr(torch.nn.init, fn)(torch.empty(*shape), **kwargs).numpy().ravel()
    assert abs(ours.std() / theirs.std() - 1) < 0.03
    assert abs(ours.mean()) < 0.05 * theirs.std() + 1e-3
    if "uniform" in fn:
        assert abs(np.abs(ours).max() / np.abs(theirs).max() - 1) < 0.01


LAYERS = [
    lambda nn: nn.Linear(300, 200),
    lambda nn: nn.Bilinear(40, 30, 50),
    lambda nn: nn.Embedding(300, 64),
    lambda nn: nn.Embedding(300, 64, padding_idx=3),
    lambda nn: nn.PReLU(8),
    lambda nn: nn.BatchNorm2d(8),
    lambda nn: nn.LayerNorm(16),
    lambda nn: nn.GroupNorm(2, 8),
    lambda nn: nn.RMSNorm(8),
]


@pytest.mark.parametrize("make", LAYERS)
def test_reset_parameters_match_torch_distribution(make):
    torch.manual_seed(0)
    t = make(torch.nn)
    e = make(ember.nn)
    for (name, tp), (ename, ep) in zip(t.state_dict().items(), e.state_dict().items()):
        assert name == ename and tuple(ep.shape) == tuple(tp.shape)
        assert ep.dtype == getattr(ember, str(tp.dtype).replace("torch.", ""))
        a, b = values(ep), tp.numpy().astype(np.float64).ravel()
        if b.size < 2 or b.std() == 0:
            np.testing.assert_array_equal(a, b)
            continue
        tol = max(0.05, 4 / np.sqrt(b.size))  # sampling error of the statistics
        assert abs(a.std() / b.std() - 1) < tol, name
        assert abs(a.mean() - b.mean()) < 2 * tol * b.std(), name
        assert abs(np.abs(a).max() / np.abs(b).max() - 1) < 0.3, name
    if isinstance(e, ember.nn.Embedding) and e.padding_idx is not None:
        assert not np.any(e.weight.detach().numpy()[e.padding_idx])
