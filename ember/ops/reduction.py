"""Reductions: sum, mean, prod, max/min, arg-extrema, var/std, norms, logsumexp, all/any.

``dim`` may be an int, a tuple, or None (all dims). The backward of a reduction broadcasts the
gradient back over the reduced dims (``_expand_back``).
"""

from __future__ import annotations

import collections
import math

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ._util import float_input, handle_out, type_name, wrap_dim, wrap_dims, xp_of

values_indices = collections.namedtuple("values_indices", ["values", "indices"])


def _named(name: str):
    return collections.namedtuple(name, ["values", "indices"])


return_max = _named("max")
return_min = _named("min")
return_median = _named("median")
return_mode = _named("mode")
return_aminmax = collections.namedtuple("aminmax", ["min", "max"])


def _expand_back(grad: Tensor, in_shape, dims, keepdim: bool) -> Tensor:
    """Broadcast a reduced gradient back to the input's shape."""
    if not keepdim and dims:
        shape = list(in_shape)
        for d in dims:
            shape[d] = 1
        grad = grad.reshape(shape)
    return grad.expand(in_shape)


class Sum(ArrayFunction):
    @staticmethod
    def forward(ctx, x, dims, keepdim, dtype):
        ctx.in_shape = x.shape
        ctx.dims = dims
        ctx.keepdim = keepdim
        return xp_of(x).sum(x, axis=dims, keepdims=keepdim, dtype=dtype)

    @staticmethod
    def backward(ctx, grad):
        return _expand_back(grad, ctx.in_shape, ctx.dims, ctx.keepdim), None, None, None


def _sum_dtype(x: Tensor, dtype):
    if dtype is not None:
        return dtype.np
    if x._data.dtype.kind in "biu":
        return np.int64
    return None


def sum(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None, out=None) -> Tensor:
    """Sum over ``dim`` (all dims by default); integers and bools sum to int64."""
    dims = wrap_dims(dim, input._data.ndim)
    if dtype is not None and dtype.np != input._data.dtype:
        input = input.to(dtype)
    return handle_out(Sum.apply(input, dims, keepdim, _sum_dtype(input, None)), out)


def nansum(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    from .comparison import where

    return sum(where(input.isnan(), 0.0, input), dim, keepdim, dtype=dtype)


def mean(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None, out=None) -> Tensor:
    """Mean over ``dim``; integer input needs ``dtype=``, as in torch."""
    if dtype is not None:
        input = input.to(dtype)
    if input._data.dtype.kind not in "fc":
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {type_name(input.dtype)}"
        )
    dims = wrap_dims(dim, input._data.ndim)
    count = 1
    for d in dims:
        count *= input._data.shape[d]
    total = Sum.apply(input, dims, keepdim, None)
    return handle_out(total / count if count else total * float("nan"), out)


def nanmean(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    keep = (~input.isnan()).sum(dim, keepdim)
    return nansum(input, dim, keepdim, dtype=dtype) / keep


class Prod(ArrayFunction):
    """Product; backward handles zeros exactly (no division by the input)."""

    @staticmethod
    def forward(ctx, x, dim, keepdim):
        ctx.save_for_backward(x)
        ctx.dim, ctx.keepdim = dim, keepdim
        dtype = np.int64 if x.dtype.kind in "biu" else None
        return xp_of(x).prod(x, axis=dim, keepdims=keepdim, dtype=dtype)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        dim = ctx.dim
        if dim is None:
            flat = x.reshape(-1)
            g = _prod_grad(flat, 0) * grad.reshape(())
            return g.reshape(x.shape), None, None
        if not ctx.keepdim:
            grad = grad.unsqueeze(dim)
        return grad * _prod_grad(x, dim), None, None


def _prod_grad(x: Tensor, dim: int) -> Tensor:
    """d prod / d x_i = the product of all the other elements: exclusive cumulative products
    from the left times those from the right (exact where x has zeros)."""
    from .creation import ones_like
    from .shape import cat

    n = x.shape[dim]
    if n <= 1:
        return ones_like(x)
    one = ones_like(x.narrow(dim, 0, 1))
    left = cat([one, x.narrow(dim, 0, n - 1).cumprod(dim)], dim)
    right = cat([one, x.flip(dim).narrow(dim, 0, n - 1).cumprod(dim)], dim).flip(dim)
    return left * right


def prod(input: Tensor, dim: int | None = None, keepdim: bool = False, *, dtype=None) -> Tensor:
    if dtype is not None:
        input = input.to(dtype)
    d = None if dim is None else wrap_dim(dim, input._data.ndim)
    if input._data.ndim == 0:
        d = None
    return Prod.apply(input, d, keepdim)


class Amax(ArrayFunction):
    """Largest (or smallest) value over dims; the gradient is shared evenly among ties."""

    @staticmethod
    def forward(ctx, x, dims, keepdim, is_max):
        xp = xp_of(x)
        out = (xp.max if is_max else xp.min)(x, axis=dims, keepdims=True)
        ctx.save_for_backward(x, out)
        ctx.dims, ctx.keepdim = dims, keepdim
        return out if keepdim else out.reshape(_reduced_shape(x.shape, dims))

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        mask = (x == out).to(grad.dtype)
        count = mask.sum(dim=ctx.dims, keepdim=True)
        g = _expand_back(grad, x.shape, ctx.dims, ctx.keepdim)
        return g * mask / count, None, None, None


def _reduced_shape(shape, dims):
    return tuple(s for i, s in enumerate(shape) if i not in dims)


def _check_nonempty(x: Tensor, dims, name: str):
    for d in dims:
        if x._data.shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    if not dims and x._data.size == 0:
        raise RuntimeError(
            f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
            "Specify the reduction dim with the 'dim' argument."
        )


def amax(input: Tensor, dim=(), keepdim: bool = False, *, out=None) -> Tensor:
    dims = wrap_dims(dim if dim != () else None, input._data.ndim)
    _check_nonempty(input, dims, "amax")
    return handle_out(Amax.apply(input, dims, keepdim, True), out)


def amin(input: Tensor, dim=(), keepdim: bool = False, *, out=None) -> Tensor:
    dims = wrap_dims(dim if dim != () else None, input._data.ndim)
    _check_nonempty(input, dims, "amin")
    return handle_out(Amax.apply(input, dims, keepdim, False), out)


class MaxDim(ArrayFunction):
    """``max(x, dim)`` (or min): values and indices; the gradient goes to the returned index."""

    @staticmethod
    def forward(ctx, x, dim, keepdim, is_max):
        xp = xp_of(x)
        idx = xp.expand_dims(_arg_extreme(x, dim, is_max), dim)
        values = xp.take_along_axis(x, idx, axis=dim)
        ctx.in_shape, ctx.dim, ctx.keepdim = x.shape, dim, keepdim
        ctx.index = idx
        idx = idx.astype(np.int64, copy=False)
        if not keepdim:
            values, idx = values.squeeze(dim), idx.squeeze(dim)
        ctx.mark_non_differentiable(idx)
        return values, idx

    @staticmethod
    def backward(ctx, grad, _grad_idx):
        return _scatter_back(grad, ctx.index, ctx.in_shape, ctx.dim, ctx.keepdim), None, None, None


def _arg_extreme(x, dim, is_max: bool):
    """Index of the first max/min along dim; NaN counts as the extreme, as in torch."""
    xp = xp_of(x)
    if x.dtype.kind == "b":
        x = x.view(np.uint8)
    found = (xp.argmax if is_max else xp.argmin)(x, axis=dim)
    if x.dtype.kind == "f":
        nan = xp.isnan(x)
        if nan.any():
            found = xp.where(nan.any(axis=dim), xp.argmax(nan, axis=dim), found)
    return found


def _scatter_back(grad: Tensor, index, in_shape, dim: int, keepdim: bool) -> Tensor:
    """A zero tensor of ``in_shape`` holding ``grad`` at ``index`` along ``dim``."""
    xp = xp_of(grad._data)
    mask = xp.zeros(in_shape, dtype=grad._data.dtype)
    xp.put_along_axis(mask, index, 1, axis=dim)
    if not keepdim:
        grad = grad.unsqueeze(dim)
    return grad * Tensor._make(mask)


def _extreme(input: Tensor, dim, keepdim: bool, other, is_max: bool, name: str):
    if isinstance(dim, Tensor):
        from .comparison import maximum, minimum

        return (maximum if is_max else minimum)(input, dim)
    if dim is None:
        if other is not None:
            raise TypeError(f"{name}() received an invalid combination of arguments")
        return amax(input) if is_max else amin(input)
    nd = input._data.ndim
    d = wrap_dim(dim, nd)
    result = return_max if is_max else return_min
    if nd == 0:
        return result(input.clone(), input.new_zeros((), dtype=_dtype.int64))
    if input._data.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    values, idx = MaxDim.apply(input, d, keepdim, is_max)
    return result(values, idx)


def max(input: Tensor, dim=None, keepdim: bool = False, *, out=None):
    """Largest element; with ``dim``, a (values, indices) pair; with a tensor, ``maximum``."""
    return _extreme(input, dim, keepdim, None, True, "max")


def min(input: Tensor, dim=None, keepdim: bool = False, *, out=None):
    """Smallest element; with ``dim``, a (values, indices) pair; with a tensor, ``minimum``."""
    return _extreme(input, dim, keepdim, None, False, "min")


def aminmax(input: Tensor, *, dim=None, keepdim: bool = False):
    return return_aminmax(
        amin(input, dim if dim is not None else (), keepdim),
        amax(input, dim if dim is not None else (), keepdim),
    )


def _argext(input: Tensor, dim, keepdim: bool, is_max: bool, name: str) -> Tensor:
    data = input._data
    xp = xp_of(data)
    if dim is None:
        if data.size == 0:
            raise RuntimeError(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0."
            )
        idx = _arg_extreme(data.reshape(-1), 0, is_max)
        out = xp.asarray(idx, dtype=np.int64)
        if keepdim:
            out = out.reshape((1,) * data.ndim)
        return Tensor._make(out)
    d = wrap_dim(dim, data.ndim)
    if data.ndim == 0:
        return Tensor._make(xp.zeros((), dtype=np.int64))
    if data.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    idx = _arg_extreme(data, d, is_max).astype(np.int64, copy=False)
    if keepdim:
        idx = xp.expand_dims(idx, d)
    return Tensor._make(idx)


def argmax(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    return _argext(input, dim, keepdim, True, "argmax")


def argmin(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    return _argext(input, dim, keepdim, False, "argmin")


def _correction(unbiased, correction):
    if correction is not None:
        return correction
    if unbiased is None:
        return 1
    return 1 if unbiased else 0


def var(
    input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *, correction=None, out=None
) -> Tensor:
    """Variance with Bessel's ``correction`` (1 by default); ``unbiased=False`` means 0."""
    if isinstance(dim, bool):  # var(x, False): the positional unbiased of the old signature
        dim, unbiased = None, dim
    x = float_input(input)
    dims = wrap_dims(dim, x._data.ndim)
    n = 1
    for d in dims:
        n *= x._data.shape[d]
    c = _correction(unbiased, correction)
    centered = x - x.mean(dims, keepdim=True)
    total = (centered * centered).sum(dims, keepdim=keepdim)
    denom = n - c
    if denom <= 0:
        import warnings

        warnings.warn(
            "var(): degrees of freedom is <= 0. Correction should be strictly less "
            "than the reduction factor (input numel divided by output numel).",
            UserWarning,
            stacklevel=2,
        )
        return handle_out(total / float(denom) if denom else total * float("nan"), out)
    return handle_out(total / denom, out)


def std(
    input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *, correction=None, out=None
) -> Tensor:
    """Standard deviation: ``sqrt(var)``."""
    return handle_out(var(input, dim, unbiased, keepdim, correction=correction).sqrt(), out)


def var_mean(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
    return (
        var(input, dim, unbiased, keepdim, correction=correction),
        mean(float_input(input), dim, keepdim),
    )


def std_mean(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
    return (
        std(input, dim, unbiased, keepdim, correction=correction),
        mean(float_input(input), dim, keepdim),
    )


class LogSumExp(ArrayFunction):
    """``log(sum(exp(x)))`` computed stably by shifting by the max."""

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        xp = xp_of(x)
        if x.size == 0:
            out = xp.full(
                _reduced_shape(x.shape, dims)
                if not keepdim
                else tuple(1 if i in dims else s for i, s in enumerate(x.shape)),
                -np.inf,
                dtype=x.dtype,
            )
            ctx.save_for_backward(x, out)
            ctx.dims, ctx.keepdim = dims, keepdim
            return out
        m = xp.max(x, axis=dims, keepdims=True)
        m = xp.where(xp.isfinite(m), m, 0)
        with np.errstate(divide="ignore"):
            out = xp.log(xp.sum(xp.exp(x - m), axis=dims, keepdims=True)) + m
        out = out.astype(x.dtype, copy=False)
        ctx.dims, ctx.keepdim = dims, keepdim
        if not keepdim:
            out = out.reshape(_reduced_shape(x.shape, dims))
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        g = _expand_back(grad, x.shape, ctx.dims, ctx.keepdim)
        o = _expand_back(out, x.shape, ctx.dims, ctx.keepdim)
        return g * (x - o).exp(), None, None


def logsumexp(input: Tensor, dim, keepdim: bool = False, *, out=None) -> Tensor:
    x = float_input(input)
    dims = wrap_dims(dim, x._data.ndim)
    return handle_out(LogSumExp.apply(x, dims, keepdim), out)


def all(input: Tensor, dim=None, keepdim: bool = False, *, out=None) -> Tensor:
    dims = wrap_dims(dim, input._data.ndim)
    data = input._data
    return handle_out(Tensor._make(xp_of(data).all(data, axis=dims, keepdims=keepdim)), out)


def any(input: Tensor, dim=None, keepdim: bool = False, *, out=None) -> Tensor:
    dims = wrap_dims(dim, input._data.ndim)
    data = input._data
    return handle_out(Tensor._make(xp_of(data).any(data, axis=dims, keepdims=keepdim)), out)


def count_nonzero(input: Tensor, dim=None) -> Tensor:
    dims = wrap_dims(dim, input._data.ndim)
    data = input._data
    return Tensor._make(
        xp_of(data).asarray(xp_of(data).count_nonzero(data, axis=dims), dtype=np.int64)
    )


class VectorNorm(ArrayFunction):
    """``(sum |x|^p)^(1/p)``; the subgradient at 0 is 0 (as torch), never NaN."""

    @staticmethod
    def forward(ctx, x, ord, dims, keepdim):
        xp = xp_of(x)
        a = abs(x)
        if ord == math.inf:
            out = (
                xp.max(a, axis=dims, keepdims=True)
                if a.size
                else xp.zeros(tuple(1 if i in dims else s for i, s in enumerate(a.shape)), x.dtype)
            )
        elif ord == -math.inf:
            out = xp.min(a, axis=dims, keepdims=True)
        elif ord == 0:
            out = xp.sum(a != 0, axis=dims, keepdims=True).astype(x.dtype)
        elif ord == 1:
            out = xp.sum(a, axis=dims, keepdims=True)
        elif ord == 2:
            out = xp.sqrt(xp.sum(a * a, axis=dims, keepdims=True))
        else:
            out = xp.sum(a**ord, axis=dims, keepdims=True) ** (1.0 / ord)
        out = out.astype(x.dtype, copy=False)
        ctx.ord, ctx.dims, ctx.keepdim = ord, dims, keepdim
        if not keepdim:
            out = out.reshape(_reduced_shape(x.shape, dims))
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        p = ctx.ord
        g = _expand_back(grad, x.shape, ctx.dims, ctx.keepdim)
        n = _expand_back(out, x.shape, ctx.dims, ctx.keepdim)
        from .comparison import where

        if p == 0:
            gx = x * 0
        elif p == 1:
            gx = g * x.sign()
        elif p == 2:
            gx = g * where(n == 0, 0.0, x / n)
        elif p in (math.inf, -math.inf):
            mask = (x.abs() == n).to(x.dtype)
            count = mask.sum(ctx.dims, keepdim=True)
            gx = g * x.sign() * mask / count
        else:
            gx = g * where(n == 0, 0.0, x * x.abs().pow(p - 2) / n.pow(p - 1))
        return gx, None, None, None


def _vector_norm(x: Tensor, ord, dim, keepdim: bool, dtype=None) -> Tensor:
    if dtype is not None:
        x = x.to(dtype)
    if x._data.dtype.kind not in "fc":
        raise RuntimeError(
            f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
            f"{type_name(x.dtype)}"
        )
    dims = wrap_dims(dim, x._data.ndim)
    if ord < 0 and x._data.size == 0:
        raise RuntimeError(
            f"linalg.vector_norm cannot compute the {ord} norm on an empty tensor because the "
            "operation does not have an identity"
        )
    return VectorNorm.apply(x, float(ord), dims, keepdim)


def norm(input: Tensor, p="fro", dim=None, keepdim: bool = False, out=None, dtype=None):
    """``torch.norm``: Frobenius or vector p-norm over ``dim``."""
    if p == "fro" or p is None:
        p = 2
    if p == "nuc":
        from . import linalg

        return linalg.matrix_norm(input, "nuc", dim if dim is not None else (-2, -1), keepdim)
    return handle_out(_vector_norm(input, p, dim, keepdim, dtype), out)


def dist(input: Tensor, other: Tensor, p: float = 2) -> Tensor:
    return _vector_norm(input - other, p, None, False)


def _median_along(input: Tensor, d: int):
    data = input._data
    xp = xp_of(data)
    n = data.shape[d]
    order = xp.argsort(data, axis=d, kind="stable")
    k = (n - 1) // 2
    idx = xp.take(order, [k], axis=d)
    return idx


def median(input: Tensor, dim=None, keepdim: bool = False):
    """The lower median (no averaging of the two middle values), as torch."""
    if dim is None:
        flat = input.reshape(-1)
        if flat._data.size == 0:
            return flat.new_full((), float("nan"))
        idx = _median_along(flat, 0)
        return flat[int(idx[0])].clone()
    d = wrap_dim(dim, input._data.ndim)
    idx = _median_along(input, d)
    values = input.gather(d, Tensor._make(idx.astype(np.int64)))
    indices = Tensor._make(idx.astype(np.int64))
    if not keepdim:
        values, indices = values.squeeze(d), indices.squeeze(d)
    return return_median(values, indices)


def nanmedian(input: Tensor, dim=None, keepdim: bool = False):
    raise_if = input.isnan().any()
    if not bool(raise_if):
        return median(input, dim, keepdim)
    from .comparison import where

    filled = where(input.isnan(), float("inf"), input)
    return median(filled, dim, keepdim)


def mode(input: Tensor, dim: int = -1, keepdim: bool = False):
    """The most frequent value along ``dim`` (the smallest among ties) and an index of it."""
    data = input._data
    xp = xp_of(data)
    d = wrap_dim(dim, data.ndim)
    moved = xp.moveaxis(data, d, -1)
    srt = xp.sort(moved, axis=-1)
    n = srt.shape[-1]
    # run lengths of equal values in the sorted rows
    new_run = xp.ones(srt.shape, dtype=bool)
    new_run[..., 1:] = srt[..., 1:] != srt[..., :-1]
    run_id = xp.cumsum(new_run, axis=-1) - 1
    counts = xp.zeros(srt.shape, dtype=np.int64)
    rows = xp.indices(srt.shape[:-1]) if srt.ndim > 1 else ()
    flat_rows = np.ravel_multi_index(rows, srt.shape[:-1]) if srt.ndim > 1 else 0
    base = (flat_rows * n)[..., None] if srt.ndim > 1 else 0
    np.add.at(counts.reshape(-1), (base + run_id).reshape(-1), 1)
    best_run = xp.argmax(counts, axis=-1)
    first_of_run = xp.argmax(run_id == best_run[..., None], axis=-1)
    value = xp.take_along_axis(srt, first_of_run[..., None], axis=-1)[..., 0]
    # torch returns the last index at which the value occurs
    hits = moved == value[..., None]
    last = n - 1 - xp.argmax(hits[..., ::-1], axis=-1)
    values = Tensor._make(value)
    indices = Tensor._make(last.astype(np.int64))
    if keepdim:
        values, indices = values.unsqueeze(d), indices.unsqueeze(d)
    return return_mode(values, indices)
