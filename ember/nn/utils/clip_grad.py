"""Gradient clipping: scale (or clamp) the ``.grad`` of parameters in place."""

from __future__ import annotations

import math
from typing import Iterable

from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad
from ...ops import creation
from ...ops._util import xp_of


def _grads(parameters) -> list[Tensor]:
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def _norm_of(data, norm_type: float):
    """The ``norm_type``-norm of an array, in the array's dtype."""
    xp = xp_of(data)
    mag = xp.abs(data)
    if norm_type == math.inf:
        return mag.max() if mag.size else xp.zeros((), data.dtype)
    if norm_type == -math.inf:
        return mag.min() if mag.size else xp.zeros((), data.dtype)
    if norm_type == 0:
        return xp.asarray((mag != 0).sum(), dtype=data.dtype)
    if norm_type == 2:
        return xp.sqrt((mag * mag).sum(dtype=data.dtype))
    return (mag**norm_type).sum(dtype=data.dtype) ** (1.0 / norm_type)


def get_total_norm(
    tensors, norm_type: float = 2.0, error_if_nonfinite: bool = False, foreach=None
) -> Tensor:
    """The norm of the norms of ``tensors`` (the norm of all their elements together)."""
    if isinstance(tensors, Tensor):
        tensors = [tensors]
    tensors = list(tensors)
    norm_type = float(norm_type)
    if not tensors:
        return creation.tensor(0.0)
    xp = xp_of(tensors[0]._data)
    norms = xp.stack([_norm_of(t._data, norm_type) for t in tensors])
    total = _norm_of(norms, norm_type)
    if error_if_nonfinite and not bool(xp.isfinite(total)):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is "
            "non-finite, so it cannot be clipped. To disable this error and scale the gradients "
            "by the non-finite norm anyway, set `error_if_nonfinite=False`"
        )
    return Tensor._make(xp.asarray(total))


def clip_grads_with_norm_(parameters, max_norm: float, total_norm: Tensor, foreach=None) -> None:
    """Scale every gradient by ``min(1, max_norm / (total_norm + 1e-6))``."""
    grads = _grads(parameters)
    if not grads:
        return
    coef = float(max_norm) / (float(total_norm) + 1e-6)
    coef = min(coef, 1.0)
    with no_grad():
        for g in grads:
            g._data *= g._data.dtype.type(coef)
            g._vc[0] += 1


def clip_grad_norm_(
    parameters: Iterable[Tensor] | Tensor,
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
    foreach=None,
) -> Tensor:
    """Scale the gradients so their total norm is at most ``max_norm``; returns the total
    norm before clipping."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    parameters = list(parameters)
    grads = _grads(parameters)
    total = get_total_norm(grads, norm_type, error_if_nonfinite)
    clip_grads_with_norm_(parameters, max_norm, total)
    return total


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Deprecated alias of :func:`clip_grad_norm_`."""
    import warnings

    warnings.warn(
        "`torch.nn.utils.clip_grad_norm` is now deprecated in favor of "
        "`torch.nn.utils.clip_grad_norm_`.",
        FutureWarning,
        stacklevel=2,
    )
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters, clip_value: float, foreach=None) -> None:
    """Clamp every gradient element into ``[-clip_value, clip_value]``."""
    clip_value = float(clip_value)
    with no_grad():
        for g in _grads(parameters):
            xp_of(g._data).clip(g._data, -clip_value, clip_value, out=g._data)
            g._vc[0] += 1
