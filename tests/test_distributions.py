"""ember.distributions against torch.distributions: parameters, log_prob, entropy, cdf/icdf,
moments, KL divergences, shapes and validation errors. Draws come from ember's generator, so
samples are compared by shape, support and sample statistics, not value by value."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from compare import raises_same

import ember

RNG = np.random.default_rng(0)


@pytest.fixture(autouse=True)
def _validation_on():
    """torch's default validation, as torch starts: torch.cond (tests/test_breadth.py) turns
    it off for the rest of its process."""
    torch.distributions.Distribution.set_default_validate_args(True)
LOC, SCALE = RNG.standard_normal((2, 3)), RNG.uniform(0.5, 2.0, (2, 3))
LOGITS = RNG.standard_normal((2, 4))
PROBS = RNG.uniform(0.05, 0.95, (2, 3))
TRIL = np.tril(RNG.uniform(0.2, 1.0, (3, 3))) + np.eye(3)
COV = TRIL @ TRIL.T


def _make(lib, name):
    D = lib.distributions
    t = lib.tensor
    return {
        "normal": lambda: D.Normal(t(LOC), t(SCALE)),
        "normal scalar": lambda: D.Normal(0.0, 1.0),
        "uniform": lambda: D.Uniform(t(LOC), t(LOC + SCALE)),
        "bernoulli probs": lambda: D.Bernoulli(probs=t(PROBS)),
        "bernoulli logits": lambda: D.Bernoulli(logits=t(LOC)),
        "categorical logits": lambda: D.Categorical(logits=t(LOGITS)),
        "categorical probs": lambda: D.Categorical(probs=t(np.exp(LOGITS))),
        "independent normal": lambda: D.Independent(D.Normal(t(LOC), t(SCALE)), 1),
        "independent bernoulli": lambda: D.Independent(D.Bernoulli(probs=t(PROBS)), 2),
        "exponential": lambda: D.Exponential(t(SCALE)),
        "laplace": lambda: D.Laplace(t(LOC), t(SCALE)),
        "onehot logits": lambda: D.OneHotCategorical(logits=t(LOGITS)),
        "mvn scale_tril": lambda: D.MultivariateNormal(t(LOC), scale_tril=t(TRIL)),
        "mvn covariance": lambda: D.MultivariateNormal(t(LOC[0]), covariance_matrix=t(COV)),
        "mvn precision": lambda: D.MultivariateNormal(t(LOC), precision_matrix=t(COV)),
    }[name]()


VALUES = {
    "normal": LOC + 0.3,
    "normal scalar": np.array([-1.0, 0.0, 2.5]),
    "uniform": LOC + SCALE / 3,
    "bernoulli probs": (PROBS > 0.5) * 1.0,
    "bernoulli logits": (LOC > 0) * 1.0,
    "categorical logits": np.array([0, 3]),
    "categorical probs": np.array([[1, 2], [3, 0]]),
    "independent normal": LOC - 0.2,
    "independent bernoulli": (PROBS > 0.3) * 1.0,
    "exponential": SCALE / 2,
    "laplace": LOC - 0.4,
    "onehot logits": np.eye(4)[[1, 3]],
    "mvn scale_tril": LOC + 0.5,
    "mvn covariance": LOC - 0.5,
    "mvn precision": LOC[::-1].copy(),
}
NAMES = sorted(VALUES)


def _close(e, t, tol=1e-5):
    got, want = e.detach().numpy().astype(float), t.detach().numpy().astype(float)
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


@pytest.mark.parametrize("name", NAMES)
def test_values_match_torch(name):
    e, t = _make(ember, name), _make(torch, name)
    assert repr(e) == repr(t)
    assert tuple(e.batch_shape) == tuple(t.batch_shape)
    assert tuple(e.event_shape) == tuple(t.event_shape)
    v = VALUES[name]
    _close(e.log_prob(ember.tensor(v)), t.log_prob(torch.tensor(v)))
    _close(e.entropy(), t.entropy())
    for moment in ("mean", "variance", "stddev"):
        got, want = getattr(e, moment), getattr(t, moment)
        assert np.array_equal(np.isnan(got.numpy()), np.isnan(want.numpy()))
        if not np.isnan(want.numpy()).all():
            _close(got, want)
    for param in ("probs", "logits"):
        if hasattr(t, param) and name.split()[0] in ("bernoulli", "categorical", "onehot"):
            _close(getattr(e, param), getattr(t, param))
    if name.startswith("mvn"):
        for matrix in ("scale_tril", "covariance_matrix", "precision_matrix"):
            _close(getattr(e, matrix), getattr(t, matrix), tol=1e-4)
    if name.startswith(("normal", "uniform", "exponential", "laplace")):
        _close(e.cdf(ember.tensor(v)), t.cdf(torch.tensor(v)))
        q = np.full(np.broadcast(v, LOC if name != "normal scalar" else v).shape, 0.3)
        _close(e.icdf(ember.tensor(q)), t.icdf(torch.tensor(q)))


@pytest.mark.parametrize("name", NAMES)
def test_samples_have_torchs_shape_and_support(name):
    e, t = _make(ember, name), _make(torch, name)
    ember.manual_seed(0)
    for shape in ((), (5,), (4, 2)):
        got, want = e.sample(shape), t.sample(shape)
        assert tuple(got.shape) == tuple(want.shape) and str(got.dtype) == str(want.dtype)
        assert bool(e.support.check(got).all())


def test_sample_statistics_and_reparameterised_gradients():
    ember.manual_seed(0)
    loc = ember.tensor([1.0, -2.0], requires_grad=True)
    scale = ember.tensor([0.5, 2.0], requires_grad=True)
    draws = ember.distributions.Normal(loc, scale).rsample((20000,))
    np.testing.assert_allclose(draws.mean(0).detach().numpy(), [1.0, -2.0], atol=0.05)
    np.testing.assert_allclose(draws.std(0).detach().numpy(), [0.5, 2.0], rtol=0.03)
    draws.mean().backward()
    np.testing.assert_allclose(loc.grad.numpy(), [0.5, 0.5], rtol=1e-3)  # d mean / d loc
    counts = ember.distributions.Categorical(probs=ember.tensor([0.2, 0.3, 0.5])).sample((20000,))
    freq = np.bincount(counts.numpy(), minlength=3) / 20000
    np.testing.assert_allclose(freq, [0.2, 0.3, 0.5], atol=0.02)
    assert not ember.distributions.Normal(loc, scale).sample().requires_grad


@pytest.mark.parametrize(
    "p, q",
    [
        ("normal", "normal"),
        ("bernoulli probs", "bernoulli logits"),
        ("categorical logits", "categorical probs"),
        ("uniform", "uniform"),
        ("independent normal", "independent normal"),
        ("exponential", "exponential"),
        ("laplace", "laplace"),
        ("onehot logits", "onehot logits"),
        ("mvn scale_tril", "mvn covariance"),
    ],
)
def test_kl_divergence_matches_torch(p, q):
    def pair(lib):
        a = _make(lib, p)
        b = _make(lib, q)
        if p == "uniform":  # q's interval wider than p's: finite; and one that is not
            b = lib.distributions.Uniform(lib.tensor(LOC - 1), lib.tensor(LOC + SCALE / 2))
        if p == "normal":
            b = lib.distributions.Normal(lib.tensor(LOC[::-1].copy()), lib.tensor(SCALE * 2))
        if p in ("exponential", "laplace"):
            b = getattr(lib.distributions, p.capitalize())(
                *[
                    lib.tensor(a)
                    for a in (
                        (SCALE[::-1].copy(),)
                        if p == "exponential"
                        else (LOC[::-1].copy(), SCALE * 2)
                    )
                ]  # fmt: skip
            )
        if p == "onehot logits":
            b = lib.distributions.OneHotCategorical(probs=lib.tensor(np.exp(LOGITS[::-1].copy())))
        if p == "independent normal":
            base = lib.distributions.Normal(lib.tensor(LOC[::-1].copy()), lib.tensor(SCALE * 2))
            b = lib.distributions.Independent(base, 1)
        return lib.distributions.kl_divergence(a, b)

    e, t = pair(ember), pair(torch)
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "build",
    [
        lambda lib: lib.distributions.Normal(lib.tensor([0.0]), lib.tensor([-1.0])),
        lambda lib: lib.distributions.Uniform(lib.tensor([1.0]), lib.tensor([0.0])),
        lambda lib: lib.distributions.Bernoulli(probs=lib.tensor([1.5])),
        lambda lib: lib.distributions.Bernoulli(probs=lib.tensor([0.5]), logits=lib.tensor([0.0])),
        lambda lib: lib.distributions.Categorical(logits=lib.tensor(1.0)),
        lambda lib: lib.distributions.Categorical(logits=lib.zeros(3)).log_prob(lib.tensor(3)),
        lambda lib: lib.distributions.Uniform(0.0, 1.0).log_prob(lib.tensor(2.0)),
        lambda lib: lib.distributions.Independent(lib.distributions.Normal(0.0, 1.0), 1),
        lambda lib: lib.distributions.MultivariateNormal(lib.zeros(2)),
        lambda lib: lib.distributions.MultivariateNormal(lib.zeros(2), scale_tril=-lib.eye(2)),
        lambda lib: lib.distributions.Exponential(lib.tensor([-1.0])),
        lambda lib: lib.distributions.Normal(lib.zeros(2, 3), 1.0).log_prob(lib.zeros(3, 2)),
        lambda lib: lib.distributions.kl_divergence(
            lib.distributions.Categorical(logits=lib.zeros(3)), lib.distributions.Normal(0.0, 1.0)
        ),
    ],
    ids=[
        "negative scale",
        "low >= high",
        "probs > 1",
        "both parametrisations",
        "0-dim logits",
        "outside support",
        "uniform outside",
        "too many reinterpreted dims",
        "no covariance",
        "scale_tril not lower cholesky",
        "negative rate",
        "value not broadcastable",
        "no KL registered",
    ],  # fmt: skip
)
def test_invalid_arguments_raise_torchs_exception_type(build):
    raises_same(build)


def test_validation_can_be_turned_off_as_in_torch():
    ember.distributions.Distribution.set_default_validate_args(False)
    try:
        lp = ember.distributions.Uniform(0.0, 1.0).log_prob(ember.tensor(2.0))
        assert lp.item() == float("-inf")
    finally:
        ember.distributions.Distribution.set_default_validate_args(True)
    e = ember.distributions.Normal(0.0, 1.0, validate_args=False)
    assert e.log_prob(ember.tensor(0.0)).item() == pytest.approx(-0.9189385)
