"""Derive the polynomial coefficients that ember/backends/special.py uses for erf and erfc.

Run with mpmath installed (it is not an ember dependency): ``python tools/fit_erf.py``.
Each polynomial is the Chebyshev interpolant of its target function at ``n`` Chebyshev nodes,
computed in 60-digit arithmetic, then rewritten in monomial form and rounded to float64:

- ``ERF_SMALL``: erf(x) / x as a polynomial in u = x^2, for |x| < 1/2.
- ``ERFC_TAIL``: erfc(z) e^(z^2) / t as a polynomial in t = 3 / (3 + z), for z >= 1/2
  (t lies in (0, 6/7]; as z -> inf the function tends to 1 / (3 sqrt(pi)), so it is smooth).

The float32 sets have fewer terms: float32 needs about 1e-8 relative, float64 about 1e-17.
"""

from __future__ import annotations

import mpmath as mp

mp.mp.dps = 60
SPLIT = mp.mpf(1) / 2
SCALE = mp.mpf(3)


def chebyshev_interpolant(f, a, b, n):
    """Coefficients of sum c_k T_k((2y - a - b) / (b - a)) interpolating f at n nodes."""
    nodes = [mp.cos(mp.pi * (k + mp.mpf(1) / 2) / n) for k in range(n)]
    values = [f((b - a) / 2 * x + (a + b) / 2) for x in nodes]
    coeffs = [
        2
        / mp.mpf(n)
        * sum(v * mp.cos(mp.pi * j * (k + mp.mpf(1) / 2) / n) for k, v in enumerate(values))
        for j in range(n)
    ]
    coeffs[0] /= 2
    return coeffs


def to_monomial(coeffs, a, b):
    """The same polynomial as coefficients of 1, y, y^2, ..."""
    alpha, beta = 2 / (b - a), -(a + b) / (b - a)

    def mul_x(p):  # p(y) * (alpha y + beta)
        out = [mp.mpf(0)] * (len(p) + 1)
        for i, v in enumerate(p):
            out[i] += beta * v
            out[i + 1] += alpha * v
        return out

    t_prev, t_cur = [mp.mpf(1)], [beta, alpha]
    total = [coeffs[0]] + [mp.mpf(0)] * (len(coeffs) - 1)
    for k in range(1, len(coeffs)):
        for i, v in enumerate(t_cur):
            total[i] += coeffs[k] * v
        nxt = [2 * v for v in mul_x(t_cur)]
        for i, v in enumerate(t_prev):
            nxt[i] -= v
        t_prev, t_cur = t_cur, nxt
    return total


def erf_over_x(u):
    if u == 0:
        return 2 / mp.sqrt(mp.pi)
    x = mp.sqrt(u)
    return mp.erf(x) / x


def scaled_erfc(t):
    z = SCALE / t - SCALE
    return mp.erfc(z) * mp.exp(z * z) / t


def fit(f, a, b, n):
    return [float(v) for v in to_monomial(chebyshev_interpolant(f, a, b, n), a, b)]


if __name__ == "__main__":
    tiny = mp.mpf(10) ** -40  # t = 0 is z = inf: approach it
    sets = {
        "ERF_SMALL_64": fit(erf_over_x, mp.mpf(0), SPLIT**2, 10),
        "ERFC_TAIL_64": fit(scaled_erfc, tiny, SCALE / (SCALE + SPLIT), 24),
        "ERF_SMALL_32": fit(erf_over_x, mp.mpf(0), SPLIT**2, 5),
        "ERFC_TAIL_32": fit(scaled_erfc, tiny, SCALE / (SCALE + SPLIT), 11),
    }
    for name, values in sets.items():
        print(f"{name} = (")
        for v in values:
            print(f"    {v!r},")
        print(")")
