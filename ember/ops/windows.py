"""Window functions for signal processing: hann, hamming, blackman, bartlett, kaiser. A
periodic window of length N is the first N points of the symmetric window of length N + 1."""

from __future__ import annotations

import math

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..backends import gamma as _kernels
from . import creation as _creation


def _window(name: str, window_length: int, periodic: bool, dtype, device, requires_grad, fn):
    dtype = _dtype.get_default_dtype() if dtype is None else dtype
    if not dtype.is_floating_point:
        raise RuntimeError(f"{name} expects floating point dtypes, got: {dtype}")
    if window_length < 0:
        raise RuntimeError(
            f"{name} requires non-negative window_length, got window_length={window_length}"
        )
    if window_length <= 1:
        values = np.ones(window_length)
    else:
        span = window_length if periodic else window_length - 1  # N - 1 of the symmetric window
        values = fn(np.arange(window_length, dtype=np.float64), span)
    out = _creation.tensor(values, dtype=dtype, device=device)
    return out.requires_grad_(True) if requires_grad else out


def _cosine_sum(*coefficients):
    def fn(n, span):
        return sum(
            (-1) ** k * a * np.cos(2 * math.pi * k * n / span) for k, a in enumerate(coefficients)
        )

    return fn


def hann_window(window_length: int, periodic: bool = True, *, dtype=None, layout=None,
                device=None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    """``1/2 - 1/2 cos(2 pi n / (N - 1))``"""
    return _window("hann_window", window_length, periodic, dtype, device, requires_grad,
                   _cosine_sum(0.5, 0.5))  # fmt: skip


def hamming_window(window_length: int, periodic: bool = True, alpha: float = 0.54,
                   beta: float = 0.46, *, dtype=None, layout=None, device=None,
                   requires_grad: bool = False) -> Tensor:  # fmt: skip
    """``alpha - beta cos(2 pi n / (N - 1))``"""
    return _window("hamming_window", window_length, periodic, dtype, device, requires_grad,
                   _cosine_sum(alpha, beta))  # fmt: skip


def blackman_window(window_length: int, periodic: bool = True, *, dtype=None, layout=None,
                    device=None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    """``0.42 - 0.5 cos(2 pi n / (N - 1)) + 0.08 cos(4 pi n / (N - 1))``"""
    return _window("blackman_window", window_length, periodic, dtype, device, requires_grad,
                   _cosine_sum(0.42, 0.5, 0.08))  # fmt: skip


def bartlett_window(window_length: int, periodic: bool = True, *, dtype=None, layout=None,
                    device=None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    """The triangle ``1 - |2 n / (N - 1) - 1|``"""
    return _window("bartlett_window", window_length, periodic, dtype, device, requires_grad,
                   lambda n, span: 1 - np.abs(2 * n / span - 1))  # fmt: skip


def kaiser_window(window_length: int, periodic: bool = True, beta: float = 12.0, *, dtype=None,
                  layout=None, device=None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    """``I0(beta sqrt(1 - (2 n / (N - 1) - 1)^2)) / I0(beta)``"""

    def fn(n, span):
        ratio = 2 * n / span - 1
        return _kernels.i0(beta * np.sqrt(np.maximum(1 - ratio * ratio, 0))) / _kernels.i0(
            np.float64(beta)
        )

    return _window("kaiser_window", window_length, periodic, dtype, device, requires_grad, fn)
