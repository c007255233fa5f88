"""erf, erfc and erfinv (ember/backends/special.py) against Python's math module and torch."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from ember.backends import special

GRID = np.concatenate(
    [
        np.linspace(-7, 7, 140001),
        np.linspace(-28, 28, 56001),
        np.geomspace(1e-300, 1, 3000),
        -np.geomspace(1e-300, 1, 3000),
        [0.0, -0.0, 0.5, -0.5, np.nextafter(0.5, 0), np.nextafter(0.5, 1)],
    ]
)
# worst relative error allowed, in units of the dtype's machine epsilon
ULPS = {np.float64: 8, np.float32: 12}


def _reference(fn, x):
    return np.array([fn(v) for v in x.astype(np.float64).ravel()]).reshape(x.shape)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", ["erf", "erfc"])
def test_matches_math_module_on_dense_grid(name, dtype):
    x = GRID.astype(dtype)
    ref = _reference(getattr(math, name), x).astype(dtype).astype(np.float64)
    got = getattr(special, name)(x)
    assert got.dtype == dtype and got.shape == x.shape
    got = got.astype(np.float64)
    info = np.finfo(dtype)
    normal = np.abs(ref) >= info.tiny
    rel = np.abs(got - ref)[normal] / np.abs(ref[normal])
    assert rel.max() <= ULPS[dtype] * info.eps
    # subnormal results (erfc's far tail) agree to a few units of the smallest subnormal
    assert np.all(np.abs(got - ref)[~normal] <= 4 * info.smallest_subnormal)


def test_float32_erf_within_its_fitted_bound():
    """float32 erf is tanh(x P(x^2)) (tools/fit_erf32.py): 2.3 epsilons at worst on this grid,
    tighter than the common bound above."""
    x = GRID.astype(np.float32)
    ref = _reference(math.erf, x).astype(np.float32).astype(np.float64)
    got = special.erf(x).astype(np.float64)
    nonzero = ref != 0
    rel = np.abs(got - ref)[nonzero] / np.abs(ref[nonzero])
    assert rel.max() <= 2.5 * np.finfo(np.float32).eps
    assert special.erf(np.float32(np.nan)) != special.erf(np.float32(np.nan))  # NaN stays
    assert special.erf(np.array([np.inf, -np.inf], np.float32)).tolist() == [1.0, -1.0]


def test_float32_gelu_and_its_slope_match_float64():
    x = np.concatenate([np.linspace(-9, 9, 300001), [0.0, -0.0]]).astype(np.float32)
    value, slope = special.gelu(x)
    w = x.astype(np.float64)
    cdf = 0.5 * (1 + _reference(math.erf, w / math.sqrt(2)))
    pdf = np.exp(-w * w / 2) / math.sqrt(2 * math.pi)
    # (1 + erf)/2 is computed in float32, as torch does: an absolute error, not a relative one
    assert np.all(np.abs(value - w * cdf) <= 2e-7 * np.maximum(np.abs(w), 1))
    assert np.all(np.abs(slope - (cdf + w * pdf)) <= 4e-7)


@pytest.mark.parametrize("name", ["erf", "erfc"])
def test_special_values(name):
    x = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 40.0, -40.0])
    got = getattr(special, name)(x)
    want = _reference(getattr(math, name), x)
    np.testing.assert_array_equal(got, want)
    assert np.array_equal(np.signbit(got), np.signbit(want))


def test_erfinv_inverts_erf():
    y = np.concatenate(
        [
            np.linspace(-1, 1, 20001),
            1 - np.geomspace(1e-16, 0.5, 500),
            -1 + np.geomspace(1e-16, 0.5, 500),
            np.geomspace(1e-300, 0.5, 500),
        ]
    )
    x = special.erfinv(y)
    inside = np.abs(y) < 1
    assert np.all(np.isfinite(x[inside]))
    # erf(x) recovers y; near +-1, erfc(|x|) recovers 1 - |y| to a relative 1e-14
    back = _reference(math.erf, x[inside])
    np.testing.assert_allclose(back, y[inside], rtol=1e-15, atol=4e-16)
    tail = inside & (np.abs(y) > 0.5)
    back_c = _reference(math.erfc, np.abs(x[tail]))
    np.testing.assert_allclose(back_c, 1 - np.abs(y[tail]), rtol=1e-14)
    edge = special.erfinv(np.array([1.0, -1.0, 1.5, -2.0, np.nan, 0.0, -0.0]))
    np.testing.assert_array_equal(edge[:5], [np.inf, -np.inf, np.nan, np.nan, np.nan])
    assert edge[5] == 0 and not np.signbit(edge[5]) and np.signbit(edge[6])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", ["erf", "erfc", "erfinv"])
def test_matches_torch(name, dtype):
    rng = np.random.default_rng(0)
    if name == "erfinv":
        x = np.concatenate([rng.uniform(-1, 1, 10000), [1.0, -1.0, 0.0, 0.999999, -0.9999]])
    else:
        x = np.concatenate([rng.standard_normal(10000) * 3, [0.0, 0.4999, 0.5, 6.5, -6.5, 27.0]])
    x = x.astype(dtype)
    want = getattr(torch, name)(torch.from_numpy(x)).numpy()
    got = getattr(special, name)(x)
    assert got.dtype == want.dtype
    rtol = 1e-13 if dtype == np.float64 else 2e-6
    atol = 4 * np.finfo(dtype).smallest_subnormal  # erfc underflows to subnormals
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


def test_shapes_and_other_dtypes():
    x = np.linspace(-3, 3, 2 * special._BLOCK + 7).reshape(-1, 1)  # several blocks, 2-d
    np.testing.assert_allclose(special.erf(x), _reference(math.erf, x), 1e-15)
    np.testing.assert_allclose(special.erf(x.T), special.erf(x).T)  # non-contiguous
    assert special.erf(np.zeros((0, 3))).shape == (0, 3)
    assert special.erf(np.array(0.5)).shape == ()
    half = special.erf(np.array([0.5, 2.0], dtype=np.float16))
    assert half.dtype == np.float16
    np.testing.assert_allclose(half, [math.erf(0.5), math.erf(2.0)], rtol=1e-3)
