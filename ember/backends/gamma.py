"""The gamma family on raw arrays (lgamma, digamma, polygamma, i0, i1), which NumPy does not
provide. Everything is computed in float64 with whole-array operations and cast back.

- lgamma: for x in [1.5, 2.5) the Taylor series about 2,
  ``lgamma(2 + t) = (1 - gamma) t + sum_k (-1)^k (zeta(k) - 1) t^k / k``, which keeps full
  relative accuracy at the zeros x = 1 and x = 2; below, ``lgamma(x) = lgamma(x + 1) - log x``
  (at most twice); up to 13, ``lgamma(x) = lgamma(x - m) + log((x - 1) ... (x - m))``; above,
  Stirling's series. Non-positive x by reflection: ``log(pi / |sin(pi x)|) - lgamma(1 - x)``.
- digamma: ``psi(x) = psi(x + n) - sum 1/(x + k)`` up to x >= 10, then the asymptotic series;
  reflection ``psi(1 - x) - pi / tan(pi x)`` below 0.
- polygamma(n >= 1): ``(-1)^(n+1) n! zeta(n + 1, x)``, the Hurwitz zeta by Euler-Maclaurin.
- i0, i1: the power series (all terms positive) below 30, the asymptotic series above.
"""

from __future__ import annotations

import math

import numpy as np

from . import array_module

EULER = 0.5772156649015329
# zeta(k) - 1 for k = 2..11; from 12 on the sum over n = 2..100 is exact in float64
_ZETA_M1_LOW = (
    0.6449340668482264, 0.2020569031595943, 0.08232323371113819, 0.03692775514336993,
    0.01734306198444914, 0.008349277381922827, 0.00407735619794434, 0.0020083928260822143,
    0.0009945751278180853, 0.0004941886041194645,
)  # fmt: skip
_ZETA_M1 = _ZETA_M1_LOW + tuple(
    math.fsum(n ** -float(k) for n in range(2, 101)) for k in range(12, 32)
)
# the Taylor coefficients of lgamma(2 + t), highest power first for Horner
_LGAMMA2 = tuple(reversed([1.0 - EULER] + [(-1) ** k * z / k for k, z in enumerate(_ZETA_M1, 2)]))
# Bernoulli numbers B_2, B_4, ... B_16
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510)
_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


def _horner(t, coeffs):
    acc = np.zeros_like(t) + coeffs[0]
    for c in coeffs[1:]:
        acc = acc * t + c
    return acc


def _as64(x):
    return x.astype(np.float64, copy=False)


def _offset(xp, x):
    """``x - round(x)`` in [-1/2, 1/2] (exact): |sin(pi x)| and cot(pi x) are functions of it."""
    return x - xp.round(x)


def _lgamma_positive(xp, x):
    """lgamma on x > 0 (x finite)."""
    out = xp.empty_like(x)
    small = x < 1.5
    # below 1.5: lgamma(x) = lgamma(x + 2) - log(x) - log(x + 1) or lgamma(x + 1) - log(x)
    y = xp.where(small, xp.where(x < 0.5, x + 2.0, x + 1.0), x)
    shift = xp.where(small, xp.where(x < 0.5, xp.log(x) + xp.log1p(x), xp.log(x)), 0.0)
    mid = y < 13.0
    # reduce y in [1.5, 13) to [1.5, 2.5) keeping the product of the factors taken off
    prod = xp.ones_like(y)
    z = xp.where(mid & ~small, y, 2.0)
    for _ in range(11):
        step = z >= 2.5
        z = xp.where(step, z - 1.0, z)
        prod = xp.where(step, prod * z, prod)
    # t exactly: x - 1 and z - 2 are exact subtractions (y = x + 1 would round)
    t = xp.where(x < 0.5, x, xp.where(small, x - 1.0, z - 2.0))
    out = _horner(t, _LGAMMA2) * t + xp.log(prod) - shift
    big = ~mid
    if big.any():
        w = xp.where(big, y, 13.0)
        inv2 = (1.0 / w) ** 2
        tail = sum(b / ((2 * k + 2) * (2 * k + 1)) * inv2**k for k, b in enumerate(_BERNOULLI))
        stirling = (w - 0.5) * xp.log(w) - w + _HALF_LOG_2PI + tail / w
        out = xp.where(big, stirling, out)
    return out


def _lgamma(xp, x):
    x = raw = _as64(x)
    finite = xp.isfinite(x)
    x = xp.where(finite, x, 1.0)
    positive = (x > 0) & finite
    safe = xp.where(positive, x, xp.where(finite & (x <= 0), 1.0 - x, 1.0))
    pos = _lgamma_positive(xp, safe)
    with np.errstate(divide="ignore"):
        reflected = math.log(math.pi) - xp.log(xp.abs(xp.sin(math.pi * _offset(xp, x)))) - pos
    out = xp.where(positive, pos, reflected)
    return xp.where(finite, out, xp.where(xp.isnan(raw), raw, math.inf))


def lgamma(x):
    """log |Gamma(x)|, elementwise (float64 inside)."""
    return _lgamma(array_module(x), x).astype(x.dtype, copy=False)


def _digamma(xp, x):
    x = _as64(x)
    negative = x < 0
    y = xp.where(negative, 1.0 - x, x)
    acc = xp.zeros_like(y)
    with np.errstate(divide="ignore", invalid="ignore"):
        for _ in range(10):
            low = y < 10.0
            acc = acc - xp.where(low, 1.0 / y, 0.0)
            y = xp.where(low, y + 1.0, y)
        inv2 = (1.0 / y) ** 2
        tail = sum(b / (2 * k + 2) * inv2 ** (k + 1) for k, b in enumerate(_BERNOULLI))
        out = acc + xp.log(y) - 0.5 / y - tail
        # reflection: psi(x) = psi(1 - x) - pi / tan(pi x); nan at the negative integers
        r = _offset(xp, xp.where(xp.isfinite(x), x, 0.0))
        cot = xp.cos(math.pi * r) / xp.sin(math.pi * r)
        out = xp.where(negative, xp.where(r == 0, math.nan, out - math.pi * cot), out)
    out = xp.where(x == 0, xp.where(xp.signbit(x), math.inf, -math.inf), out)
    out = xp.where(x == math.inf, math.inf, out)
    return xp.where(x == -math.inf, math.nan, out)


def digamma(x):
    """psi(x) = d/dx lgamma(x), elementwise (float64 inside)."""
    return _digamma(array_module(x), x).astype(x.dtype, copy=False)


def _hurwitz_zeta(xp, s: float, q):
    """zeta(s, q) = sum_k (q + k)^-s for integer s >= 2, by Euler-Maclaurin after shifting q
    up to at least 10 (q may be negative, not a non-positive integer)."""
    shift = max(10, int(math.ceil(10.0 - float(q.min())))) if q.size else 10
    acc = xp.zeros_like(q)
    with np.errstate(divide="ignore", invalid="ignore"):
        for k in range(shift):
            acc = acc + (q + k) ** -s
        a = q + shift
        acc = acc + a ** (1.0 - s) / (s - 1.0) + 0.5 * a**-s
        coef = s  # s (s+1) ... (s + 2j - 2) / (2j)!
        power = a ** (-s - 1.0)
        for j, b in enumerate(_BERNOULLI, 1):
            acc = acc + b * coef / math.factorial(2 * j) * power
            coef = coef * (s + 2 * j - 1) * (s + 2 * j)
            power = power / (a * a)
    return xp.where((q <= 0) & (q == xp.floor(q)), math.inf, acc)


def polygamma(n: int, x):
    """The n-th derivative of digamma, elementwise (float64 inside)."""
    if n == 0:
        return digamma(x)
    xp = array_module(x)
    w = _as64(x)
    out = (-1.0) ** (n + 1) * math.factorial(n) * _hurwitz_zeta(xp, float(n + 1), w)
    out = xp.where(xp.isnan(w) | (w == -math.inf), math.nan, out)
    out = xp.where(w == math.inf, 0.0, out)
    return out.astype(x.dtype, copy=False)


def _bessel(xp, x, order: int, scaled: bool = False):
    """I0 or I1 of |x| (I1 made odd by the caller); ``scaled``: times e^(-|x|)."""
    a = xp.abs(_as64(x))
    small = a < 30.0
    s = xp.where(small, a, 0.0)
    q = 0.25 * s * s
    term = xp.ones_like(s) if order == 0 else 0.5 * s
    acc = term.copy()
    for k in range(1, 90):
        term = term * q / (k * (k + order))
        acc = acc + term
    b = xp.where(small, 30.0, a)
    mu = 4.0 * order * order
    term = xp.ones_like(b)
    asym = term.copy()
    for k in range(1, 30):
        term = -term * (mu - (2 * k - 1) ** 2) / (k * 8.0 * b)
        asym = asym + term
    with np.errstate(over="ignore", invalid="ignore"):
        asym = (1.0 if scaled else xp.exp(b)) / xp.sqrt(2 * math.pi * b) * asym
    if scaled:
        acc = acc * xp.exp(-s)
    return xp.where(small, acc, asym)


def i0(x):
    """The modified Bessel function of the first kind, order 0 (nan at +-inf, as torch)."""
    xp = array_module(x)
    out = _bessel(xp, x, 0)
    return xp.where(xp.isinf(x), math.nan, out).astype(x.dtype, copy=False)


def i0e(x):
    """``i0(x) e^(-|x|)``, without overflow."""
    xp = array_module(x)
    out = _bessel(xp, x, 0, scaled=True)
    return xp.where(xp.isinf(x), 0.0, out).astype(x.dtype, copy=False)


def i1e(x):
    """``i1(x) e^(-|x|)``, without overflow."""
    xp = array_module(x)
    out = _bessel(xp, x, 1, scaled=True)
    out = xp.where(xp.isinf(x), 0.0, out)
    return xp.where(x < 0, -out, out).astype(x.dtype, copy=False)


def i1(x):
    """The modified Bessel function of the first kind, order 1 (odd)."""
    xp = array_module(x)
    out = _bessel(xp, x, 1)
    return xp.where(x < 0, -out, out).astype(x.dtype, copy=False)


def _igamma_parts(a, x):
    """``(P, Q)``, the regularized lower and upper incomplete gamma functions: the series for
    P where x < a + 1, Lentz's continued fraction for Q elsewhere (the other is 1 minus it)."""
    xp = array_module(x)
    a, x = xp.broadcast_arrays(_as64(a), _as64(x))
    valid = (a > 0) & (x > 0) & xp.isfinite(a) & xp.isfinite(x)
    aa = xp.where(valid, a, 1.0)
    xx = xp.where(valid, x, 1.0)
    log_prefix = aa * xp.log(xx) - xx - _lgamma(xp, aa)
    use_series = xx < aa + 1.0
    # series: P = e^prefix / a * sum_n x^n / ((a + 1) ... (a + n))
    term = xp.ones_like(aa) / aa
    total = term.copy()
    denom = aa.copy()
    for _ in range(500):
        denom = denom + 1.0
        term = term * xx / denom
        total = total + term
    p_series = xp.exp(log_prefix) * total
    # continued fraction (Lentz) for Q = e^prefix / (x + 1 - a - 1 (1 - a) / (x + 3 - a ...))
    tiny = 1e-300
    b = xx + 1.0 - aa
    c = xp.full_like(aa, 1.0 / tiny)
    d = 1.0 / xp.where(b == 0, tiny, b)
    h = d.copy()
    for i in range(1, 500):
        an = -i * (i - aa)
        b = b + 2.0
        d = an * d + b
        d = xp.where(xp.abs(d) < tiny, tiny, d)
        c = b + an / c
        c = xp.where(xp.abs(c) < tiny, tiny, c)
        d = 1.0 / d
        h = h * d * c
    q_fraction = xp.exp(log_prefix) * h
    p = xp.where(use_series, p_series, 1.0 - q_fraction)
    q = xp.where(use_series, 1.0 - p_series, q_fraction)
    # the edges, tested in this order: a < 0 or x < 0: nan; a = 0: 1 for x > 0 (else nan);
    # x = 0: 0; a = inf: nan for x = inf, else 0; x = inf: 1 (P; Q mirrors it)
    return _edges(xp, a, x, p, 1.0), _edges(xp, a, x, q, 0.0)


def _edges(xp, a, x, value, upper):
    lower = 1.0 - upper
    out = xp.where(xp.isnan(a) | xp.isnan(x), math.nan, value)
    out = xp.where(xp.isinf(x), upper, out)
    out = xp.where(xp.isinf(a), xp.where(xp.isinf(x), math.nan, lower), out)
    out = xp.where(x == 0, lower, out)
    out = xp.where(a == 0, xp.where(x > 0, upper, math.nan), out)
    return xp.where((a < 0) | (x < 0), math.nan, out)


def igamma(a, x):
    """The regularized lower incomplete gamma function P(a, x)."""
    return _igamma_parts(a, x)[0].astype(xp_result(a, x), copy=False)


def igammac(a, x):
    """The regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x)."""
    return _igamma_parts(a, x)[1].astype(xp_result(a, x), copy=False)


def xp_result(a, x):
    return np.result_type(a.dtype, x.dtype)
