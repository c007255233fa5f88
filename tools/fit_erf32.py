"""Fit the rational approximation of float32 erf in ember/backends/special.py.

``erf(x) = x P(x^2) / Q(x^2)`` on ``|x| <= 3.95`` (beyond it erf rounds to +-1 in float32), P
and Q of degree 5, Q's constant 1. The fit is linearised least squares on the relative error
(``P(u) - r Q(u) = 0`` with ``r = erf(x)/x``), reweighted a dozen times by the last Q and by
the last error (Lawson's step towards minimax). Run it to print the coefficients and the worst
error of the float32 evaluation, in units of float32's epsilon, against ``math.erf``.
"""

from __future__ import annotations

import math

import numpy as np

CLAMP = 3.95
DEGREE = 5


def fit(iterations: int = 12):
    x = np.unique(np.concatenate([np.linspace(0, CLAMP, 20001)[1:], np.geomspace(1e-6, 0.1, 2000)]))
    r = np.array([math.erf(v) for v in x]) / x
    u = x * x
    powers = np.vstack([u**k for k in range(DEGREE + 1)]).T
    weight = 1 / np.abs(r)
    q_last = np.ones_like(u)
    for _ in range(iterations):
        a = np.hstack([powers, -r[:, None] * powers[:, 1:]])
        scale = (weight / np.abs(q_last))[:, None]
        sol = np.linalg.lstsq(a * scale, r * scale[:, 0], rcond=None)[0]
        p, q = sol[: DEGREE + 1], np.concatenate([[1.0], sol[DEGREE + 1 :]])
        q_last = powers @ q
        err = np.abs(powers @ p / q_last - r) / np.abs(r)
        weight = weight * (1 + err / err.max())
    return p.astype(np.float32), q.astype(np.float32)


def worst_ulps(p, q) -> float:
    from ember.backends import special

    grid = np.concatenate([np.linspace(-7, 7, 140001), np.geomspace(1e-30, 1, 3000)])
    grid = grid.astype(np.float32)
    ref = np.array([math.erf(float(v)) for v in grid]).astype(np.float32).astype(np.float64)
    got = special._erf32(np, grid, p, q).astype(np.float64)
    nonzero = ref != 0
    rel = np.abs(got - ref)[nonzero] / np.abs(ref[nonzero])
    return float(rel.max() / np.finfo(np.float32).eps)


if __name__ == "__main__":
    p, q = fit()
    print("P =", [float(c) for c in p])
    print("Q =", [float(c) for c in q])
    print(f"worst error: {worst_ulps(p, q):.2f} float32 epsilons")
