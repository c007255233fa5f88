"""Special functions on raw arrays (erf, erfc, erfinv), which NumPy does not provide.

These evaluate Python's correctly rounded `math.erf`/`math.erfc` element by element: exact, but
slow on large arrays. erfinv refines a closed-form first guess with Newton steps on erf.
"""

from __future__ import annotations

import math

import numpy as np

_erf = np.frompyfunc(math.erf, 1, 1)
_erfc = np.frompyfunc(math.erfc, 1, 1)


def erf(x):
    return np.asarray(_erf(x), dtype=x.dtype)


def erfc(x):
    return np.asarray(_erfc(x), dtype=x.dtype)


def erfinv(y):
    """Inverse error function: Winitzki's approximation, then Newton's method on erf."""
    y64 = np.asarray(y, dtype=np.float64)
    a = 0.147
    with np.errstate(divide="ignore", invalid="ignore"):
        ln = np.log1p(-y64 * y64)
        t = 2 / (math.pi * a) + ln / 2
        x = np.sign(y64) * np.sqrt(np.sqrt(t * t - ln / a) - t)
        finite = np.isfinite(x)
        for _ in range(4):
            step = (np.asarray(_erf(x), dtype=np.float64) - y64) / (
                2 / math.sqrt(math.pi) * np.exp(-x * x)
            )
            x = np.where(finite, x - step, x)
    x = np.where(y64 == 1, np.inf, np.where(y64 == -1, -np.inf, x))
    x = np.where(np.abs(y64) > 1, np.nan, x)
    return x.astype(y.dtype)
