"""Reductions: sum, mean, prod, logsumexp, max/min and their arg forms, norms, all/any.

``dim`` may be an int, a tuple or list, or None (every dim; an empty tuple also means every
dim, as in torch). The backward of a reduction broadcasts the gradient back over the reduced
dims (``_expand_back``). Reductions that pick an element (max with a dim, median, mode) share
``SelectAlong``, which sends the gradient to the picked index. var/std, median and mode live in
``statistics.py``.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ..autograd.grad_mode import state as _grad_state
from ..backends import rows
from ._util import (
    accepts_out,
    float_input,
    handle_out,
    in_float32,
    np_kind,
    return_type,
    type_name,
    wrap_dim,
    wrap_dims,
    xp_of,
)


def _named(name: str):
    """A (values, indices) return type called ``name`` (other families use it: cummax...)."""
    return return_type(name, ("values", "indices"))


_return_max = return_type("max", ("values", "indices"))
_return_min = return_type("min", ("values", "indices"))
_return_aminmax = return_type("aminmax", ("min", "max"))


def _numpy_names(fn):
    """Accept NumPy's ``axis=`` and ``keepdims=`` for ``dim=`` and ``keepdim=``, as torch does."""

    @functools.wraps(fn)
    def op(*args, **kwargs):
        if "axis" in kwargs:
            kwargs["dim"] = kwargs.pop("axis")
        if "keepdims" in kwargs:
            kwargs["keepdim"] = kwargs.pop("keepdims")
        return fn(*args, **kwargs)

    return op


_NAMED_NODES = {}


def _named_node(cls, node_name: str):
    """``cls`` under the name torch gives the op's backward node (one op class can serve
    several torch ops: SelectAlong is MaxBackward0 for max, MedianBackward1 for median...)."""
    key = (cls, node_name)
    if key not in _NAMED_NODES:
        _NAMED_NODES[key] = type(cls.__name__, (cls,), {"node_name": node_name})
    return _NAMED_NODES[key]


def _reduce_dims(dim, ndim: int) -> tuple:
    """``dim`` as a sorted tuple of axes; None and an empty tuple mean every dim."""
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        return tuple(range(ndim))
    return wrap_dims(dim, ndim)


def _expand_back(grad: Tensor, in_shape, dims, keepdim: bool) -> Tensor:
    """Broadcast a reduced gradient back to the input's shape (a plain backward broadcasts the
    array; under create_graph it is reshape and expand, differentiable again)."""
    if not _grad_state.enabled:
        g = grad._data
        if not keepdim and dims:
            g = g.reshape(tuple(1 if i in dims else n for i, n in enumerate(in_shape)))
        return Tensor._make(xp_of(g).broadcast_to(g, in_shape))
    if not keepdim and dims:
        shape = list(in_shape)
        for d in dims:
            shape[d] = 1
        grad = grad.reshape(shape)
    return grad.expand(in_shape)


def _reduced_shape(shape, dims, keepdim: bool = False) -> tuple:
    if keepdim:
        return tuple(1 if i in dims else s for i, s in enumerate(shape))
    return tuple(s for i, s in enumerate(shape) if i not in dims)


# ---- sum, mean, prod ------------------------------------------------------------------------


class Sum(ArrayFunction):
    @staticmethod
    def forward(ctx, x, dims, keepdim, dtype):
        ctx.in_shape = x.shape
        ctx.dims = dims
        ctx.keepdim = keepdim
        if dtype is None and len(dims) < x.ndim:  # rows or columns by products (rows.py)
            return rows.sum_over(x, dims, keepdim)
        return xp_of(x).sum(x, axis=dims, keepdims=keepdim, dtype=dtype)

    @staticmethod
    def backward(ctx, grad):
        return _expand_back(grad, ctx.in_shape, ctx.dims, ctx.keepdim), None, None, None


def _accumulator(input: Tensor, dtype):
    """The NumPy dtype a sum or product runs in: ``dtype`` if given, else int64 for integers
    and bools (as torch), else the input's (None)."""
    if dtype is not None:
        return dtype.np
    return np.int64 if np_kind(input._data.dtype) in "biu" else None


@_numpy_names
@in_float32
def sum(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None, out=None) -> Tensor:
    """Sum over ``dim`` (all dims by default); integers and bools sum to int64."""
    dims = _reduce_dims(dim, input._data.ndim)
    if dtype is not None and dtype.np != input._data.dtype:
        input = input.to(dtype)
    return handle_out(Sum.apply(input, dims, keepdim, _accumulator(input, dtype)), out)


@_numpy_names
@in_float32
def nansum(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """Sum treating NaN as zero."""
    if np_kind(input._data.dtype) in "fc":
        from .comparison import where

        input = where(input.isnan(), 0.0, input)
    return sum(input, dim, keepdim, dtype=dtype)


def _count(shape, dims) -> int:
    n = 1
    for d in dims:
        n *= shape[d]
    return n


def _check_float(input: Tensor, name: str):
    if not (input.is_floating_point() or input.is_complex()):  # (bfloat16 included)
        raise RuntimeError(
            f"{name}(): could not infer output dtype. Input dtype must be either a floating "
            f"point or complex dtype. Got: {type_name(input.dtype)}"
        )


@_numpy_names
@in_float32
def mean(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None, out=None) -> Tensor:
    """Mean over ``dim``; integer input needs ``dtype=``, as in torch."""
    if dtype is not None:
        input = input.to(dtype)
    _check_float(input, "mean")
    dims = _reduce_dims(dim, input._data.ndim)
    count = _count(input._data.shape, dims)
    total = Sum.apply(input, dims, keepdim, None)
    return handle_out(total / count if count else total * float("nan"), out)


@_numpy_names
def nanmean(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """Mean of the non-NaN elements."""
    if dtype is not None:
        input = input.to(dtype)
    _check_float(input, "nanmean")
    kept = (~input.isnan()).sum(dim, keepdim)
    return nansum(input, dim, keepdim) / kept


class Prod(ArrayFunction):
    """Product over one dim (or all, ``dim=None``); backward is exact where x has zeros."""

    @staticmethod
    def forward(ctx, x, dim, keepdim, acc):
        ctx.save_for_backward(x)
        ctx.dim, ctx.keepdim = dim, keepdim
        return xp_of(x).prod(x, axis=dim, keepdims=keepdim, dtype=acc)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        if ctx.dim is None:
            flat = x.reshape(-1)
            return (_prod_grad(flat, 0) * grad.reshape(())).reshape(x.shape), None, None, None
        if not ctx.keepdim:
            grad = grad.unsqueeze(ctx.dim)
        return grad * _prod_grad(x, ctx.dim), None, None, None


def _prod_grad(x: Tensor, dim: int) -> Tensor:
    """d prod / d x_i, the product of the other elements along ``dim``, exact with zeros.

    With p the product of the nonzero elements, z the number of zeros and s the sum of the
    zero elements (0 in value, but it carries their derivative):
    a nonzero x_i gets p / x_i (no zero), p s / x_i (one zero: the other factor), else 0;
    a zero x_i gets p (it is the only zero), p (s - x_i) (the other of two zeros), else 0.
    Written so, the second derivative is exact too.
    """
    from .comparison import where

    zero = x == 0
    zeros = zero.sum(dim, keepdim=True)
    nonzero_x = where(zero, 1.0, x)
    p = prod(nonzero_x, dim, keepdim=True)
    s = where(zero, x, 0.0).sum(dim, keepdim=True)
    at_nonzero = where(zeros == 0, p, where(zeros == 1, p * s, 0.0)) / nonzero_x
    at_zero = where(zeros == 1, p, where(zeros == 2, p * (s - x), 0.0))
    return where(zero, at_zero, at_nonzero)


@_numpy_names
@in_float32
def prod(input: Tensor, dim: int | None = None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """Product of the elements (over one ``dim``); integers and bools give int64 unless
    ``dtype`` says otherwise."""
    if dtype is not None:
        input = input.to(dtype)
    d = None if dim is None or input._data.ndim == 0 else wrap_dim(dim, input._data.ndim)
    if dim is not None and input._data.ndim == 0:
        wrap_dim(dim, 0)
    node = _named_node(Prod, "ProdBackward0" if d is None else "ProdBackward1")
    return node.apply(input, d, keepdim, _accumulator(input, dtype))


# ---- logsumexp -----------------------------------------------------------------------------


class LogSumExp(ArrayFunction):
    """``log(sum(exp(x)))`` computed stably by shifting by the max.

    math: d/dx_i = exp(x_i - out)
    """

    node_name = "LogsumexpBackward0"

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        xp = xp_of(x)
        ctx.dims, ctx.keepdim = dims, keepdim
        if x.size == 0:
            out = xp.full(_reduced_shape(x.shape, dims, keepdim), -np.inf, dtype=x.dtype)
            ctx.save_for_backward(x, out)
            return out
        m = xp.max(x, axis=dims, keepdims=True)
        m = xp.where(xp.isfinite(m), m, 0)
        with np.errstate(divide="ignore"):
            out = xp.log(xp.sum(xp.exp(x - m), axis=dims, keepdims=True)) + m
        out = out.astype(x.dtype, copy=False)
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


@_numpy_names
@in_float32
def logsumexp(input: Tensor, dim, keepdim: bool = False, *, out=None) -> Tensor:
    """``log(sum(exp(input), dim))``, without overflow."""
    x = float_input(input)
    dims = _reduce_dims(dim, x._data.ndim)  # (dim=(): every dim, as sum's)
    return handle_out(LogSumExp.apply(x, dims, keepdim), out)


# ---- amax, amin, max, min, aminmax, argmax, argmin ------------------------------------------


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


def _check_nonempty(x: Tensor, dims, all_dims: bool, name: str):
    """torch's errors for a max-like reduction with no elements to pick from."""
    if x._data.size == 0 and all_dims:
        raise RuntimeError(
            f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
            "Specify the reduction dim with the 'dim' argument."
        )
    for d in dims:
        if x._data.shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def _amax(input: Tensor, dim, keepdim: bool, is_max: bool, name: str) -> Tensor:
    dims = _reduce_dims(dim, input._data.ndim)
    _check_nonempty(input, dims, dim is None or dim == (), name)
    node = f"{name.capitalize()}Backward{'1' if name in ('max', 'min') else '0'}"
    return _named_node(Amax, node).apply(input, dims, keepdim, is_max)


@_numpy_names
def amax(input: Tensor, dim=(), keepdim: bool = False, *, out=None) -> Tensor:
    """Largest value over ``dim`` (all dims by default); ties share the gradient evenly."""
    return handle_out(_amax(input, dim, keepdim, True, "amax"), out)


@_numpy_names
def amin(input: Tensor, dim=(), keepdim: bool = False, *, out=None) -> Tensor:
    """Smallest value over ``dim`` (all dims by default); ties share the gradient evenly."""
    return handle_out(_amax(input, dim, keepdim, False, "amin"), out)


class SelectAlong(ArrayFunction):
    """The elements of x at ``index`` (keepdim-shaped) along ``dim``, and the index itself.

    Max/min with a dim, median and mode pick one element per slice; the gradient goes to it.
    """

    @staticmethod
    def forward(ctx, x, index, dim, keepdim):
        xp = xp_of(x)
        values = xp.take_along_axis(x, index, axis=dim)
        ctx.in_shape, ctx.dim, ctx.keepdim, ctx.index = x.shape, dim, keepdim, index
        indices = index.astype(np.int64, copy=False)
        if not keepdim:
            values, indices = values.squeeze(dim), indices.squeeze(dim)
        ctx.mark_non_differentiable(indices)
        return values, indices

    @staticmethod
    def backward(ctx, grad, _grad_indices=None):
        xp = xp_of(grad._data)
        mask = xp.zeros(ctx.in_shape, dtype=grad._data.dtype)
        xp.put_along_axis(mask, ctx.index, 1, axis=ctx.dim)
        if not ctx.keepdim:
            grad = grad.unsqueeze(ctx.dim)
        return grad * Tensor._make(mask), None, None, None


def _select_along(input: Tensor, index, dim: int, keepdim: bool, result, node_name: str):
    """``result(values, indices)`` for an index array of keepdim shape (see SelectAlong)."""
    values, indices = _named_node(SelectAlong, node_name).apply(input, index, dim, keepdim)
    return result(values, indices)


def _arg_extreme(x, dim, is_max: bool):
    """Index of the first max/min along dim; NaN counts as the extreme, as in torch."""
    xp = xp_of(x)
    if np_kind(x.dtype) == "b":
        x = x.view(np.uint8)
    found = (xp.argmax if is_max else xp.argmin)(x, axis=dim)
    if np_kind(x.dtype) == "f":
        nan = xp.isnan(x)
        if nan.any():
            found = xp.where(nan.any(axis=dim), xp.argmax(nan, axis=dim), found)
    return found


def _extreme(input: Tensor, dim, keepdim: bool, other, is_max: bool):
    name = "max" if is_max else "min"
    if isinstance(dim, Tensor) or isinstance(other, Tensor):
        from .comparison import maximum, minimum

        return (maximum if is_max else minimum)(input, dim if other is None else other)
    if dim is None:
        return _amax(input, None, False, is_max, name)
    nd = input._data.ndim
    d = wrap_dim(dim, nd)
    result = _return_max if is_max else _return_min
    if nd == 0:
        return result(input.clone(), Tensor._make(np.zeros((), np.int64)))
    _check_nonempty(input, (d,), False, name)
    data = input._data
    index = xp_of(data).expand_dims(_arg_extreme(data, d, is_max), d)
    return _select_along(input, index, d, keepdim, result, f"{name.capitalize()}Backward0")


@_numpy_names
def max(input: Tensor, dim=None, keepdim: bool = False, *, other=None, out=None):
    """Largest element; with ``dim``, a (values, indices) pair; with a tensor, ``maximum``."""
    return _with_out(_extreme(input, dim, keepdim, other, True), out)


@_numpy_names
def min(input: Tensor, dim=None, keepdim: bool = False, *, other=None, out=None):
    """Smallest element; with ``dim``, a (values, indices) pair; with a tensor, ``minimum``."""
    return _with_out(_extreme(input, dim, keepdim, other, False), out)


def _with_out(result, out):
    """``out=``: one tensor, or a (values, indices) pair for a pair of results."""
    if out is None:
        return result
    if isinstance(result, tuple):
        return type(result)(*(handle_out(r, o) for r, o in zip(result, out)))
    return handle_out(result, out)


@_numpy_names
def aminmax(input: Tensor, *, dim=None, keepdim: bool = False):
    """``(amin, amax)`` over ``dim`` (all dims by default) as a named tuple."""
    data = input._data
    if data.size == 0 and (dim is None or data.shape[wrap_dim(dim, data.ndim)] == 0):
        raise RuntimeError(
            "aminmax(): cannot compute aminmax over an empty dimension as the operation has no "
            "identity."
        )
    dims = _reduce_dims(dim, data.ndim)
    return _return_aminmax(
        _named_node(Amax, "AminmaxBackward0").apply(input, dims, keepdim, False),
        _named_node(Amax, "AminmaxBackward0").apply(input, dims, keepdim, True),
    )


def _argext(input: Tensor, dim, keepdim: bool, is_max: bool, name: str) -> Tensor:
    data = input._data
    xp = xp_of(data)
    if np_kind(data.dtype) == "b":
        raise RuntimeError(f"{name}(): does not support bool input")
    if dim is None:
        if data.size == 0:
            raise IndexError(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0."
            )
        idx = xp.asarray(_arg_extreme(data.reshape(-1), 0, is_max), dtype=np.int64)
        return Tensor._make(idx.reshape((1,) * data.ndim) if keepdim else idx)
    d = wrap_dim(dim, data.ndim)
    if data.ndim == 0:
        return Tensor._make(xp.zeros((), dtype=np.int64))
    _check_nonempty(input, (d,), False, name)
    idx = _arg_extreme(data, d, is_max).astype(np.int64, copy=False)
    return Tensor._make(xp.expand_dims(idx, d) if keepdim else idx)


@_numpy_names
@accepts_out
def argmax(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """Index of the (first) largest element, in the flattened tensor or along ``dim``."""
    return _argext(input, dim, keepdim, True, "argmax")


@_numpy_names
@accepts_out
def argmin(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """Index of the (first) smallest element, in the flattened tensor or along ``dim``."""
    return _argext(input, dim, keepdim, False, "argmin")


# ---- all, any, count_nonzero ---------------------------------------------------------------


def _logical_reduction(input: Tensor, dim, keepdim: bool, name: str):
    data = input._data
    xp = xp_of(data)
    dims = tuple(range(data.ndim)) if dim is None else wrap_dims(dim, data.ndim)
    result = getattr(xp, name)(data, axis=dims, keepdims=keepdim)
    if data.dtype == np.uint8:  # torch keeps uint8 for uint8 input
        result = result.astype(np.uint8)
    return Tensor._make(xp.asarray(result))


@_numpy_names
def all(input: Tensor, dim=None, keepdim: bool = False, *, out=None) -> Tensor:
    """True where every element over ``dim`` is nonzero (an empty tuple reduces nothing)."""
    return handle_out(_logical_reduction(input, dim, keepdim, "all"), out)


@_numpy_names
def any(input: Tensor, dim=None, keepdim: bool = False, *, out=None) -> Tensor:
    """True where some element over ``dim`` is nonzero (an empty tuple reduces nothing)."""
    return handle_out(_logical_reduction(input, dim, keepdim, "any"), out)


@_numpy_names
def count_nonzero(input: Tensor, dim=None) -> Tensor:
    """The number of nonzero elements over ``dim`` (all dims by default), as int64."""
    data = input._data
    xp = xp_of(data)
    dims = _reduce_dims(dim, data.ndim)
    return Tensor._make(xp.asarray(xp.count_nonzero(data, axis=dims), dtype=np.int64))


# ---- norms ---------------------------------------------------------------------------------


class VectorNorm(ArrayFunction):
    """``(sum |x|^p)^(1/p)`` over dims (max/min |x| for p = +-inf, the nonzero count for 0).

    The subgradient at 0 is 0 (as torch), never NaN.
    """

    node_name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, x, ord, dims, keepdim):
        xp = xp_of(x)
        a = xp.abs(x)
        if ord == math.inf:
            out = (
                xp.max(a, axis=dims, keepdims=True)
                if a.size
                else xp.zeros(_reduced_shape(a.shape, dims, True), x.dtype)
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
        from .comparison import where

        x, out = ctx.saved_tensors
        p = ctx.ord
        g = _expand_back(grad, x.shape, ctx.dims, ctx.keepdim)
        n = _expand_back(out, x.shape, ctx.dims, ctx.keepdim)
        if p == 0:
            gx = x * 0
        elif p == 1:
            gx = g * x.sign()
        elif p == 2:
            gx = g * where(n == 0, 0.0, x / where(n == 0, 1.0, n))
        elif p in (math.inf, -math.inf):
            mask = (x.abs() == n).to(x.dtype)
            count = mask.sum(ctx.dims, keepdim=True)
            gx = g * x.sign() * mask / count
        else:
            safe_n = where(n == 0, 1.0, n)
            gx = g * where(n == 0, 0.0, x * x.abs().pow(p - 2) / safe_n.pow(p - 1))
        return gx, None, None, None


def _vector_norm(x: Tensor, ord=2, dim=None, keepdim: bool = False, dtype=None) -> Tensor:
    """``linalg.vector_norm``: the ``ord``-norm of x over ``dim`` (all dims by default)."""
    if dtype is not None:
        x = x.to(dtype)
    if np_kind(x._data.dtype) not in "fc":
        raise RuntimeError(
            f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
            f"{type_name(x.dtype)}"
        )
    dims = _reduce_dims(dim, x._data.ndim)
    if ord < 0 and x._data.size == 0:
        raise RuntimeError(
            f"linalg.vector_norm cannot compute the {ord} norm on an empty tensor because the "
            "operation does not have an identity"
        )
    return VectorNorm.apply(x, float(ord), dims, keepdim)


@in_float32
def norm(input: Tensor, p="fro", dim=None, keepdim: bool = False, out=None, dtype=None):
    """``torch.norm``: Frobenius or vector p-norm over ``dim`` ('nuc' is a matrix norm)."""
    if p == "fro" or p is None:
        p = 2
    if p == "nuc":
        from . import linalg

        return linalg.matrix_norm(input, "nuc", dim if dim is not None else (-2, -1), keepdim)
    return handle_out(_vector_norm(input, p, dim, keepdim, dtype), out)


def dist(input: Tensor, other: Tensor, p: float = 2) -> Tensor:
    """The p-norm of ``input - other``."""
    return _vector_norm(input - other, p)
