"""Special functions on raw arrays (erf, erfc, erfinv), which NumPy does not provide.

erf and erfc are piecewise polynomials, evaluated with whole-array operations:

- ``|x| < 1/2``: ``erf(x) = x P(x^2)``; ``erfc = 1 - erf`` (at most a factor 2 of cancellation).
- ``|x| >= 1/2``: ``erfc(z) = e^(-z^2) t Q(t)`` with ``t = 3 / (3 + z)``; ``erf = 1 - erfc``.
  For erfc, ``e^(-z^2)`` is computed as ``e^(-h^2) e^(-(z - h)(z + h))`` with ``h`` the leading
  half of z's bits, so that ``h^2`` is exact and the tail keeps full relative accuracy.
- negative x: erf is odd, ``erfc(-z) = 2 - erfc(z)``.

Both pieces are computed for every element and the right one is selected without branches:
on whole arrays that is several times faster than gathering each piece's elements.
P and Q are Chebyshev interpolants fitted by ``tools/fit_erf.py`` (which shows how they were
derived). In float64 the error is a few ulp (under 1e-15 relative over the whole range);
float32 erfc is computed in float32 with shorter polynomials (a few float32 ulp), and float32
erf is ``tanh(x P(x^2))`` (2.3 float32 ulp in 16 whole-array passes; fitted by
``tools/fit_erf32.py``). erfinv refines a closed-form first guess with Halley steps on
these pieces.
"""

from __future__ import annotations

import math

import numpy as np

from . import array_module, parallel

# fmt: off
ERF_SMALL_64 = (
    1.1283791670955126,
    -0.3761263890318375,
    0.1128379167095487,
    -0.02686617064499972,
    0.0052239776220169365,
    -0.0008548326510724796,
    0.00012055286202005714,
    -1.4923003368152099e-05,
    1.637123442577e-06,
    -1.462091340945175e-07,
)
ERFC_TAIL_64 = (
    0.18806319451591877,
    0.18806319451591774,
    0.1776152392652636,
    0.15671932874288122,
    0.12711678984806946,
    0.09229024348019428,
    0.05698059456699373,
    0.026209145122170267,
    0.004134010332300037,
    -0.008185346954058466,
    -0.006067884128242497,
    -0.022232592775723363,
    0.06379223916681453,
    -0.1862509022597769,
    0.461294417113915,
    -0.8758677339605412,
    1.322680779502153,
    -1.559124061419551,
    1.3817252940616258,
    -0.8920119065398873,
    0.40552715682369544,
    -0.1229373212447497,
    0.022290384263665242,
    -0.0018242620107858445,
)
ERF_SMALL_32 = (
    1.1283791656017914,
    -0.37612609007469805,
    0.11282831428465862,
    -0.026757732735015517,
    0.004719082567218814,
)
ERFC_TAIL_32 = (
    0.18806319515847703,
    0.18806301208177784,
    0.17762399183533864,
    0.15655212473580982,
    0.1287852512206365,
    0.08243253984185855,
    0.09363679000853414,
    -0.06135243735182004,
    0.13591834151762863,
    -0.12245017634207259,
    0.03273011256885546,
)
# fmt: on

_SPLIT = 0.5  # |x| below this uses the erf series, above it the erfc tail
_SCALE = 3.0  # t = _SCALE / (_SCALE + z)
_ERFC_ZERO = 30.0  # erfc underflows to 0 in float64 beyond about 27.3

# elements per block: a block's temporaries stay in the last-level cache, and there are few
# enough blocks that the Python work per block does not count (GELU over 1M float32 on two
# threads: 2^17 2.8 ms, 2^19 2.1 ms; over 4M: 11.0 and 8.5 ms)
_BLOCK = 1 << 19


def _horner(y, coeffs):
    """``sum c_k y^k``"""
    acc = y * coeffs[-1]
    acc += coeffs[-2]
    for c in coeffs[-3::-1]:
        acc *= y
        acc += c
    return acc


def _leading_half(z):
    """z with the low half of its significand cleared, so that its square is exact."""
    if z.dtype == np.float32:
        return (z.view(np.int32) & np.int32(~0xFFF)).view(np.float32)
    return (z.view(np.int64) & np.int64(~0x7FFFFFF)).view(np.float64)


def _erf_small(xp, a, coeffs):
    """erf(a) for 0 <= a < 1/2 (a is clipped there, so that other elements stay finite)."""
    s = xp.minimum(a, _SPLIT)
    return s * _horner(s * s, coeffs)


def _erfc_tail(xp, a, coeffs, exact_exp: bool):
    """erfc(a) for a >= 1/2 (finite for every a >= 0; NaN stays NaN)."""
    t = _SCALE / (_SCALE + a)
    q = t * _horner(t, coeffs)
    if not exact_exp:
        return q * xp.exp(-a * a)
    z = xp.minimum(a, _ERFC_ZERO)
    h = _leading_half(z)
    return q * xp.exp(-h * h) * xp.exp((h - z) * (h + z))


def _select(mask, a, b):
    """``where(mask, a, b)`` for a and b finite (or NaN where the input was NaN).

    Branch-free (``a m + b (1 - m)`` is exact for m in {0, 1}): NumPy's ``where`` stalls on
    the unpredictable masks of random data and costs more than a whole polynomial.
    """
    m = mask.astype(a.dtype)
    return a * m + b * (1 - m)


# float32 erf as ``tanh(x P(x^2))``, fitted on |x| <= 4 (erf rounds to +-1 past 3.92) and
# clipped at 4.5, where P has grown past 10 and NumPy's tanh gives exactly +-1. 2.3 units of
# float32's epsilon at worst, NumPy's tanh included: 16 whole-array passes where a rational
# ``x P(x^2) / Q(x^2)`` of the same accuracy (3 units) took 25 (GELU's forward over 1M
# float32: 2.39 -> 2.13 ms). Fitted by tools/fit_erf32.py.
ERF32_CLAMP = 4.5
ERF32_P = (1.128379225730896, 0.10276906937360764, -0.00019185262499377131,
           -0.0006197676411829889, 8.76315389177762e-05, -5.6676158237678465e-06,
           1.4180727703205775e-07)  # fmt: skip


def _erf32(xp, w, p=ERF32_P):
    """``tanh(x P(x^2))`` with x clipped to +-``ERF32_CLAMP`` (NaN stays NaN)."""
    t = w.dtype.type
    x = xp.clip(w, t(-ERF32_CLAMP), t(ERF32_CLAMP))
    y = _horner(x * x, [t(c) for c in p])
    if y.ndim == 0:  # a 0-dim input gives NumPy scalars: no in-place work
        return xp.tanh(y * x)
    y *= x
    return xp.tanh(y, out=y)


def _erf(xp, w):
    if w.dtype == np.float32:
        return _erf32(xp, w)
    small_coeffs, tail_coeffs = _coefficients(w)
    a = xp.abs(w)
    big = 1 - _erfc_tail(xp, a, tail_coeffs, False)
    return xp.copysign(_select(a < _SPLIT, _erf_small(xp, a, small_coeffs), big), w)


def _erfc(xp, w):
    small_coeffs, tail_coeffs = _coefficients(w)
    a = xp.abs(w)
    tail = _erfc_tail(xp, a, tail_coeffs, True)
    big = _select(w < 0, 2 - tail, tail)
    small = 1 - xp.copysign(_erf_small(xp, a, small_coeffs), w)
    return _select(a < _SPLIT, small, big)


def _erfinv(xp, y):
    """erfinv of float64 y; see ``erfinv``."""
    ay = xp.abs(y)
    inside = ay < 1
    a = 0.147
    with np.errstate(divide="ignore", invalid="ignore"):
        ln = xp.log1p(-ay * ay)
        t = 2 / (math.pi * a) + ln / 2
        x = xp.sqrt(xp.sqrt(t * t - ln / a) - t)
    x = xp.where(inside, x, 0.0)
    near_one = ay > 0.5
    target = _select(near_one, 1 - ay, ay)
    for _ in range(_HALLEY_STEPS):
        s = _erf_small(xp, x, ERF_SMALL_64)
        tail = _erfc_tail(xp, x, ERFC_TAIL_64, True)
        small = x < _SPLIT
        residual = _select(
            near_one,
            target - _select(small, 1 - s, tail),
            _select(small, s, 1 - tail) - target,
        )
        r = residual / (2 / math.sqrt(math.pi) * xp.exp(-x * x))
        x = x - r / (1 + x * r)
    x = xp.where(inside, x, xp.where(ay == 1, np.inf, np.nan))
    return xp.copysign(x, y)


_HALLEY_STEPS = 3  # Winitzki: ~2e-3 relative; Halley: 1e-8, 1e-15, then a last polish


def _coefficients(w):
    if w.dtype == np.float32:
        return ERF_SMALL_32, ERFC_TAIL_32
    return ERF_SMALL_64, ERFC_TAIL_64


def _elementwise(kernel, x, work_dtype, outputs=1, writes_into=False):
    """``kernel(xp, w)`` on x cast to ``work_dtype``, with the result cast back to x's dtype
    (a tuple of ``outputs`` results when ``outputs`` > 1). ``writes_into``: the kernel takes
    ``out=`` (a tuple of arrays) and x is already in ``work_dtype``, so that blocks are written
    straight into the outputs.

    On the CPU, large arrays go through in blocks (the page faults of a dozen fresh full-size
    temporaries would cost more than the arithmetic), the blocks shared out over ember's
    threads.
    """
    single = outputs == 1
    run = (lambda xp, w: (kernel(xp, w),)) if single else kernel
    xp = array_module(x)
    w = x.astype(work_dtype, copy=False)
    if xp is not np or w.size <= _BLOCK:
        results = tuple(r.astype(x.dtype, copy=False) for r in run(xp, w))
    else:
        flat = w.reshape(-1)
        outs = [np.empty(flat.shape, x.dtype) for _ in range(outputs)]

        def blocks(lo, hi):
            for start in range(lo * _BLOCK, min(hi * _BLOCK, flat.size), _BLOCK):
                block = slice(start, start + _BLOCK)
                if writes_into:  # straight into the outputs, without a copy
                    kernel(np, flat[block], out=tuple(out[block] for out in outs))
                    continue
                for out, result in zip(outs, run(np, flat[block])):
                    out[block] = result

        # a kernel is a few dozen passes: as much work per element as a 64-wide dot product
        parallel.over_batch(-(-flat.size // _BLOCK), blocks, 64 * flat.size)
        results = tuple(out.reshape(x.shape) for out in outs)
    return results[0] if single else results


def _work_dtype(x):
    """float32 input is computed in float32 (with shorter polynomials), the rest in float64."""
    return np.float32 if x.dtype == np.float32 else np.float64


def erf(x):
    """The error function, elementwise; math: erf x = 2/sqrt(pi) int_0^x e^(-s^2) ds"""
    return _elementwise(_erf, x, _work_dtype(x))


def _gelu(xp, x, out=None):
    """``x Phi(x)`` and its slope ``Phi(x) + x phi(x)``, with ``Phi(x) = (1 + erf(x/sqrt 2))/2``
    and ``phi`` the normal density; written into ``out`` (two arrays) when given."""
    t = x.dtype.type
    w = x * t(math.sqrt(0.5))
    cdf = _erf(xp, w)
    cdf *= t(0.5)
    cdf += t(0.5)
    pdf = xp.exp(x * x * t(-0.5))
    pdf *= t(1 / math.sqrt(2 * math.pi))
    pdf *= x
    value, slope = (None, None) if out is None else out
    value = xp.multiply(x, cdf, out=value)
    slope = xp.add(cdf, pdf, out=slope)
    return value, slope


def gelu(x):
    """``(gelu(x), d gelu / dx)`` for float32 or float64 ``x``: one blocked pass."""
    return _elementwise(_gelu, x, x.dtype, outputs=2, writes_into=True)


def erfc(x):
    """The complementary error function ``1 - erf(x)``, accurate in the right tail."""
    return _elementwise(_erfc, x, _work_dtype(x))


def erfinv(y):
    """Inverse error function: Winitzki's closed-form approximation, then Halley steps.

    Computed in float64. For ``|y| > 1/2`` the residual is ``erfc(x) - (1 - |y|)`` (``1 - |y|``
    is exact there) rather than ``erf(x) - |y|``, so that x keeps its relative accuracy as
    ``|y| -> 1``.
    math: with r = (erf x - y) / erf' x, Halley's step is x <- x - r / (1 + x r)
    """
    return _elementwise(_erfinv, y, np.float64)
