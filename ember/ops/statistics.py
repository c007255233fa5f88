"""Statistics over dims: var, std (and with the mean), median, nanmedian, mode.

var and std are compositions of sum and mean, so their gradients come from those ops; std
adds only the rule for a zero deviation. median and mode pick one element per slice and hand
its index to ``reduction.SelectAlong``, which routes the gradient to it.
"""

from __future__ import annotations

import warnings

import numpy as np

from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ._util import handle_out, in_float32, np_kind, return_type, wrap_dim, xp_of
from .reduction import _numpy_names, _reduce_dims, _select_along

_return_median = return_type("median", ("values", "indices"))
_return_nanmedian = return_type("nanmedian", ("values", "indices"))
_return_mode = return_type("mode", ("values", "indices"))


# ---- var, std -----------------------------------------------------------------------------


def _correction(unbiased, correction):
    if correction is not None:
        return correction
    return 0 if unbiased is False else 1


def _variance(input: Tensor, dim, unbiased, keepdim: bool, correction, name: str) -> Tensor:
    if isinstance(dim, bool):  # var(x, False): the positional unbiased of the old signature
        dim, unbiased = None, dim
    if not (input.is_floating_point() or input.is_complex()):  # (bfloat16 included)
        raise RuntimeError("std and var only support floating point and complex dtypes")
    dims = _reduce_dims(dim, input._data.ndim)
    n = 1
    for d in dims:
        n *= input._data.shape[d]
    centered = input - input.mean(dims, keepdim=True)
    total = (centered * centered).sum(dims, keepdim=keepdim)
    denom = n - _correction(unbiased, correction)
    if denom <= 0:
        warnings.warn(
            f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the "
            "reduction factor (input numel divided by output numel).",
            UserWarning,
            stacklevel=3,
        )
        denom = 0
    with np.errstate(divide="ignore", invalid="ignore"):
        return total / float(denom)


@_numpy_names
@in_float32
def var(
    input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *, correction=None, out=None
) -> Tensor:
    """Variance over ``dim`` with Bessel's ``correction`` (1 by default; ``unbiased=False``
    means 0).

    math: var = sum (x - mean)^2 / max(N - correction, 0)
    """
    return handle_out(_variance(input, dim, unbiased, keepdim, correction, "var"), out)


class _SqrtOfVariance(ArrayFunction):
    """``sqrt(v)`` whose gradient is 0 where v is 0 (torch's rule for a constant input)."""

    @staticmethod
    def forward(ctx, v):
        out = xp_of(v).sqrt(v)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        from .comparison import where

        (out,) = ctx.saved_tensors
        zero = out == 0
        return where(zero, 0.0, grad / (2 * where(zero, 1.0, out)))


@_numpy_names
@in_float32
def std(
    input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *, correction=None, out=None
) -> Tensor:
    """Standard deviation: ``sqrt(var)`` (see ``var``)."""
    v = _variance(input, dim, unbiased, keepdim, correction, "std")
    return handle_out(_SqrtOfVariance.apply(v), out)


def _mean_of(input: Tensor, dim, keepdim: bool) -> Tensor:
    dim = None if isinstance(dim, bool) else dim
    return input.mean(_reduce_dims(dim, input._data.ndim), keepdim=keepdim)


@_numpy_names
@in_float32
def var_mean(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
    """``(var, mean)`` over the same dims."""
    return (
        var(input, dim, unbiased, keepdim, correction=correction),
        _mean_of(input, dim, keepdim),
    )


@_numpy_names
@in_float32
def std_mean(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
    """``(std, mean)`` over the same dims."""
    return (
        std(input, dim, unbiased, keepdim, correction=correction),
        _mean_of(input, dim, keepdim),
    )


# ---- median, nanmedian ----------------------------------------------------------------------


def _median_index(data, d: int, ignore_nan: bool):
    """The index (keepdim-shaped) of the lower median along ``d``.

    A stable sort puts NaN last and keeps equal values in their original order. median gives
    the first NaN of a slice that has one; nanmedian takes the median of the other values.
    """
    xp = xp_of(data)
    order = xp.argsort(data, axis=d, kind="stable")
    n = data.shape[d]
    if np_kind(data.dtype) != "f":
        return xp.take(order, [(n - 1) // 2], axis=d)
    nan = xp.isnan(data)
    if ignore_nan:
        count = n - nan.sum(axis=d, keepdims=True)
        k = xp.maximum((count - 1) // 2, 0)
        return xp.take_along_axis(order, k, axis=d)
    index = xp.take(order, [(n - 1) // 2], axis=d)
    first_nan = xp.expand_dims(xp.argmax(nan, axis=d), d)
    return xp.where(nan.any(axis=d, keepdims=True), first_nan, index)


def _median(input: Tensor, dim, keepdim: bool, ignore_nan: bool, name: str, result):
    data = input._data
    if np_kind(data.dtype) == "b":
        kernel = "median_cpu" if dim is None else "median_out"
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")
    if dim is None:
        flat = input.reshape(-1)
        if data.size == 0:
            return flat.new_full((), float("nan"))
        index = _median_index(flat._data, 0, ignore_nan)
        return _select_along(flat, index, 0, False, result, f"{name.capitalize()}Backward0").values
    d = wrap_dim(dim, data.ndim)
    if data.ndim == 0:
        return result(input.clone(), Tensor._make(np.zeros((), np.int64)))
    if data.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    index = _median_index(data, d, ignore_nan)
    return _select_along(input, index, d, keepdim, result, f"{name.capitalize()}Backward1")


@_numpy_names
@in_float32
def median(input: Tensor, dim=None, keepdim: bool = False):
    """The lower median (no averaging of the two middle ones); NaN if the slice has a NaN.

    Without ``dim``, of all elements (a 0-dim tensor); with ``dim``, (values, indices).
    """
    return _median(input, dim, keepdim, False, "median", _return_median)


@_numpy_names
@in_float32
def nanmedian(input: Tensor, dim=None, keepdim: bool = False):
    """``median`` of the non-NaN elements (NaN only where a slice is all NaN)."""
    return _median(input, dim, keepdim, True, "nanmedian", _return_nanmedian)


# ---- mode -----------------------------------------------------------------------------------


def _mode_index(data, d: int):
    """The index (keepdim-shaped) of the mode along ``d``: the most frequent value, the
    smallest among equally frequent ones, at its last occurrence (as torch)."""
    xp = xp_of(data)
    moved = xp.moveaxis(data, d, -1)
    rows = moved.reshape(-1, moved.shape[-1])
    srt = xp.sort(rows, axis=-1)
    n = srt.shape[-1]
    # number the runs of equal values in each sorted row, and count each run's length
    new_run = xp.ones(srt.shape, dtype=bool)
    new_run[:, 1:] = srt[:, 1:] != srt[:, :-1]
    run = xp.cumsum(new_run, axis=-1) - 1
    flat_run = run + xp.arange(srt.shape[0])[:, None] * n
    lengths = xp.bincount(flat_run.reshape(-1), minlength=srt.size).reshape(srt.shape)
    best = xp.argmax(lengths, axis=-1)  # the first longest run: the smallest value
    first = xp.argmax(run == best[:, None], axis=-1)
    value = xp.take_along_axis(srt, first[:, None], axis=-1)
    hits = rows == value
    last = n - 1 - xp.argmax(hits[:, ::-1], axis=-1)
    index = last.reshape(moved.shape[:-1] + (1,))
    return xp.moveaxis(index, -1, d)


@_numpy_names
def mode(input: Tensor, dim: int = -1, keepdim: bool = False):
    """The most frequent value along ``dim`` (the smallest among ties) and an index of it."""
    data = input._data
    d = wrap_dim(dim, data.ndim)
    if data.ndim == 0:
        return _return_mode(input.clone(), Tensor._make(np.zeros((), np.int64)))
    if data.shape[d] == 0:
        raise IndexError(f"mode(): Expected reduction dim {d} to have non-zero size.")
    return _select_along(input, _mode_index(data, d), d, keepdim, _return_mode, "ModeBackward0")
