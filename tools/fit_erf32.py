"""Fit the float32 erf of ember/backends/special.py.

``erf(x) = tanh(x P(x^2))``, P of degree 6 fitted on ``|x| <= 4`` (beyond about 3.92 erf
rounds to +-1 in float32). x is clipped to +-4.5, where P has grown enough that NumPy's float32
tanh, which reaches 1 only past 10, gives exactly +-1: the polynomial is ``atanh(erf(x)) / x``,
which is smooth and slowly varying, and NumPy's tanh is one vectorised pass, so this takes
about half the passes of a rational ``x P(x^2) / Q(x^2)`` of the same accuracy.

The fit is least squares on the error erf would get, weighted by ``x (1 - erf^2) / erf`` (the
relative change of erf per unit change of P) and reweighted by the last error (Lawson's step
towards minimax). Run it to print the coefficients and the worst error of the float32
evaluation (NumPy's tanh included), in units of float32's epsilon, against ``math.erf``.
"""

from __future__ import annotations

import math

import numpy as np

FIT_RANGE = 4.0
DEGREE = 6


def fit(iterations: int = 30):
    grid = [np.linspace(0, FIT_RANGE, 40001)[1:], np.geomspace(1e-6, 0.1, 2000)]
    x = np.unique(np.concatenate(grid))
    erf = np.array([math.erf(v) for v in x])
    erfc = np.array([math.erfc(v) for v in x])
    target = 0.5 * np.log((1 + erf) / erfc) / x  # atanh(erf(x)) / x, accurate where erf ~ 1
    powers = np.vstack([(x * x) ** k for k in range(DEGREE + 1)]).T
    sensitivity = x * (1 - erf * erf) / erf
    weight = sensitivity.copy()
    for _ in range(iterations):
        p = np.linalg.lstsq(powers * weight[:, None], target * weight, rcond=None)[0]
        err = np.abs(powers @ p - target) * sensitivity
        weight = weight * (1 + err / err.max())
    return p.astype(np.float32)


def worst_ulps(p) -> float:
    from ember.backends import special

    grid = np.concatenate([np.linspace(-7, 7, 140001), np.geomspace(1e-30, 1, 3000)])
    grid = grid.astype(np.float32)
    ref = np.array([math.erf(float(v)) for v in grid]).astype(np.float32).astype(np.float64)
    got = special._erf32(np, grid, p).astype(np.float64)
    nonzero = ref != 0
    rel = np.abs(got - ref)[nonzero] / np.abs(ref[nonzero])
    return float(rel.max() / np.finfo(np.float32).eps)


if __name__ == "__main__":
    p = fit()
    print("P =", [float(c) for c in p])
    print(f"worst error: {worst_ulps(p):.2f} float32 epsilons")
