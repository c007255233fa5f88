"""Dropout: zero random elements (or whole channels) while training and rescale the rest, so
the expected value is unchanged. The masks come from ember's generator (not torch's bits)."""

from __future__ import annotations

import math
import warnings

from .._tensor import Tensor
from ._util import xp_of
from .random import _rng

# SELU's negative saturation value, -scale * alpha: where alpha dropout sends dropped units
_ALPHA_PRIME = -1.0507009873554804934193349852946 * 1.6732632423543772848170429916717


def _check_p(p: float) -> None:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _keep_mask(input: Tensor, p: float, shape: tuple):
    """1 with probability 1 - p, else 0, as an array of ``shape`` in the input's dtype."""
    xp = xp_of(input._data)
    keep = _rng(None).random(shape) >= p
    return xp.asarray(keep).astype(input._data.dtype)


def _apply(input: Tensor, result: Tensor, inplace: bool) -> Tensor:
    if not inplace:
        return result
    from .indexing import _assign

    return _assign(input, result)


def _masked(input: Tensor, p: float, mask_shape: tuple, inplace: bool) -> Tensor:
    if p == 1.0:
        return _apply(input, input * 0.0, inplace)
    mask = _keep_mask(input, p, mask_shape) / (1.0 - p)
    return _apply(input, input * Tensor._make(mask), inplace)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False):
    """While training, zero each element with probability p and scale the rest by 1/(1-p)."""
    _check_p(p)
    if not training or p == 0.0:
        return input
    return _masked(input, p, tuple(input.shape), inplace)


def _feature_shape(input: Tensor, batched_ndim: int, name: str) -> tuple:
    """The mask shape of channel dropout: one draw per (sample, channel)."""
    shape = tuple(input.shape)
    if input.dim() not in (batched_ndim - 1, batched_ndim):
        raise RuntimeError(
            f"{name}: Expected {batched_ndim - 1}D or {batched_ndim}D input, but received a "
            f"{input.dim()}D input. Note that {name} exists to provide channel-wise dropout "
            "on inputs with 1 spatial dimension, a channel dimension, and an optional batch "
            "dimension (i.e. 2D or 3D inputs)."
        )
    channels = 2 if input.dim() == batched_ndim else 1
    return shape[:channels] + (1,) * (len(shape) - channels)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False):
    """Zero whole channels of (N, C, L) or (C, L) input."""
    _check_p(p)
    shape = _feature_shape(input, 3, "dropout1d")
    if not training or p == 0.0:
        return input
    return _masked(input, p, shape, inplace)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False):
    """Zero whole channels of (N, C, H, W) input; 3-D input is taken as (N, C, L) as torch
    does (with its warning)."""
    _check_p(p)
    if input.dim() not in (3, 4):
        warnings.warn(
            f"dropout2d: Received a {input.dim()}-D input to dropout2d, which is deprecated and "
            "will result in an error in a future release. To retain the behavior and silence "
            "this warning, please use dropout instead. Note that dropout2d exists to provide "
            "channel-wise dropout on inputs with 2 spatial dimensions, a channel dimension, and "
            "an optional batch dimension (i.e. 3D or 4D inputs).",
            stacklevel=2,
        )
    elif input.dim() == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D "
            "dropout behavior is desired - input is interpreted as shape (N, C, L), where C is "
            "the channel dim. This behavior will change in a future release to interpret the "
            "input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D "
            "channel-wise dropout behavior, please switch to using dropout1d instead.",
            stacklevel=2,
        )
    if not training or p == 0.0:
        return input
    shape = tuple(input.shape)
    shape = shape[:2] + (1,) * (len(shape) - 2) if input.dim() >= 2 else shape
    return _masked(input, p, shape, inplace)


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False):
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) input."""
    _check_p(p)
    if input.dim() not in (4, 5):
        warnings.warn(
            f"dropout3d: Received a {input.dim()}-D input to dropout3d, which is deprecated and "
            "will result in an error in a future release. To retain the behavior and silence "
            "this warning, please use dropout instead. Note that dropout3d exists to provide "
            "channel-wise dropout on inputs with 3 spatial dimensions, a channel dimension, and "
            "an optional batch dimension (i.e. 4D or 5D inputs).",
            stacklevel=2,
        )
    if not training or p == 0.0:
        return input
    shape = tuple(input.shape)
    channels = 2 if input.dim() == 5 else 1
    shape = shape[:channels] + (1,) * (len(shape) - channels)
    return _masked(input, p, shape, inplace)


def _alpha(input: Tensor, p: float, mask_shape: tuple, inplace: bool) -> Tensor:
    """Dropped units go to SELU's saturation value; an affine map keeps mean 0, variance 1.

    math: ``a = ((1 - p) (1 + p alpha'^2))^-1/2``, ``b = -a alpha' p``,
    ``out = a (x m + alpha' (1 - m)) + b``.
    """
    if p == 1.0:
        return _apply(input, input * 0.0, inplace)
    keep = _keep_mask(input, p, mask_shape)
    a = 1.0 / math.sqrt((1 - p) * (1 + p * _ALPHA_PRIME**2))
    b = -a * _ALPHA_PRIME * p
    scale = Tensor._make(keep * a)
    shift = Tensor._make((a * _ALPHA_PRIME * (1 - keep) + b).astype(keep.dtype))
    return _apply(input, input * scale + shift, inplace)


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False):
    """Dropout for SELU networks: keeps the self-normalising mean and variance."""
    _check_p(p)
    if not training or p == 0.0:
        return input
    return _alpha(input, p, tuple(input.shape), inplace)


def feature_alpha_dropout(
    input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False
):
    """Alpha dropout of whole channels."""
    _check_p(p)
    if not training or p == 0.0:
        return input
    shape = tuple(input.shape)
    shape = shape[:2] + (1,) * (len(shape) - 2)
    return _alpha(input, p, shape, inplace)
