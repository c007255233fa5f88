"""Array modules that serve devices: NumPy for the CPU, CuPy for CUDA devices.

Nothing here knows about Tensor. An op asks `array_module(array)` for `xp` and writes its
forward once against it.
"""

from __future__ import annotations

import warnings

import numpy as np

_cupy = None
_cupy_checked = False


def cupy():
    """The cupy module, or None when it is not installed or finds no GPU."""
    global _cupy, _cupy_checked
    if not _cupy_checked:
        _cupy_checked = True
        try:
            import cupy as cp

            if cp.cuda.runtime.getDeviceCount() > 0:
                _cupy = cp
        except Exception:  # ImportError, or a CUDA runtime error when no driver is present
            _cupy = None
    return _cupy


def array_module(array):
    """`numpy` for NumPy arrays, `cupy` for CuPy arrays."""
    if type(array) is np.ndarray:
        return np
    cp = cupy()
    if cp is not None and isinstance(array, cp.ndarray):
        return cp
    return np


from . import cpu, cuda, cudnn, memory, mps, parallel  # noqa: E402  (cpu..mps: torch's flags)

memory.tune()
parallel.claim()

# torch computes through IEEE special values silently (log(0) is -inf, 0/0 is NaN, a float16
# overflow is inf); NumPy warns. Its floating-point warnings are ignored where they are raised
# from ember's code or from NumPy's own Python wrappers that ember calls (np.sum, np.mean);
# a program's own NumPy calls still warn.
warnings.filterwarnings(
    "ignore",
    message=r"(divide by zero|invalid value|overflow|underflow) encountered",
    category=RuntimeWarning,
    module=r"(ember|numpy)(\.|$)",
)
