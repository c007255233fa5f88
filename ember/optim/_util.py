"""What the optimizers share below the Optimizer class: state scalars, in-place array helpers
and torch's argument checks."""

from __future__ import annotations

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..ops._util import xp_of


def as_number(value):
    """A hyperparameter as a number; a tensor ``lr`` becomes a scalar of its own dtype.

    torch computes with a tensor lr in the tensor's dtype (``lr / bias_correction`` rounds to
    float32), and a numpy scalar of that dtype rounds the same way.
    """
    return value._data[()] if isinstance(value, Tensor) else value


def scalar_dtype() -> type:
    """The dtype of 0-dim state scalars (step, mu_product, eta): float64 only by default dtype."""
    return np.float64 if _dtype.get_default_dtype() is _dtype.float64 else np.float32


def new_step() -> Tensor:
    """A fresh step counter, stored as torch stores it: a 0-dim tensor of the scalar dtype."""
    return Tensor._make(np.zeros((), scalar_dtype()))


def count_step(state: dict) -> float:
    """Add one to ``state['step']`` and return the new count as a float."""
    step = state["step"]._data
    step += 1
    return float(step)


def zeros_like(param: Tensor) -> Tensor:
    """A state tensor of zeros shaped and typed as ``param``."""
    return full_like(param, 0)


def full_like(param: Tensor, value) -> Tensor:
    """A state tensor filled with ``value``, shaped and typed as ``param``."""
    return Tensor._make(xp_of(param._data).full_like(param._data, value))


def lerp_(start, end, weight: float, scratch=None):
    """``start += weight * (end - start)`` in place, rounded as torch's lerp rounds.

    scratch: an array shaped as ``start`` to hold the difference (else one is allocated).
    """
    diff = end - start if scratch is None else xp_of(start).subtract(end, start, out=scratch)
    if weight < 0.5:
        diff *= weight
        start += diff
    else:
        diff *= 1 - weight
        start[...] = end - diff


def sqrt_(a):
    """The square root, in place when ``a`` is an array (0-dim math gives numpy scalars)."""
    if isinstance(a, np.generic):
        return np.sqrt(a)
    return xp_of(a).sqrt(a, out=a)


def check_lr(lr) -> None:
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")


def check_fused(fused, foreach, differentiable) -> None:
    """``fused`` is accepted and ignored, but its invalid combinations raise as in torch."""
    if fused:
        if differentiable:
            raise RuntimeError("`fused` does not support `differentiable`")
        if foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")


def check_betas(betas) -> None:
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")


def check_nonnegative(what: str, value) -> None:
    if not 0.0 <= value:
        raise ValueError(f"Invalid {what} value: {value}")
