"""Indexing: ``x[key]`` and ``x[key] = v`` with PyTorch's rules, and ``index_put``.

A key is applied in two steps, as torch does: first the basic parts (integers select, slices,
``None``, ``...``) give a view; then the advanced parts (integer/bool tensors and lists, bool
scalars) index that view. Integers therefore never count as advanced indices: ``x[0, :, [1, 2]]``
has shape ``(4, 2)`` for ``x`` of shape ``(3, 4, 5)``, where NumPy would give ``(2, 4)``.
Advanced indices that are not next to each other move to the front (NumPy's rule, which torch
follows for what is left after the basic step).
"""

from __future__ import annotations

import math

import numpy as np

from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ..autograd.grad_mode import state
from . import _inplace
from ._util import np_kind, sum_to_shape, xp_of

_assign = _inplace.assign  # kept for callers that write a computed result into a tensor
_write = _inplace.write


def _index_array(k):
    """An index tensor/list/array as a NumPy array, or None if ``k`` is not one."""
    if isinstance(k, Tensor):
        arr = k._data
    elif isinstance(k, (list, np.ndarray)):
        if isinstance(k, list) and not k:
            return np.zeros(0, np.int64)
        arr = np.asarray(
            [v.item() if isinstance(v, Tensor) else v for v in k] if isinstance(k, list) else k
        )
        if isinstance(k, list) and np_kind(arr.dtype) == "f":
            arr = arr.astype(np.int64)  # torch reads a list of floats as integers
    else:
        return None
    if np_kind(arr.dtype) not in "biu":
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    if arr.dtype == np.uint8:
        arr = arr.astype(bool)  # torch's (deprecated) byte masks
    return arr


def _consumed(k) -> int:
    """How many dims of the indexed tensor one key item uses up."""
    if k is None or k is Ellipsis or isinstance(k, (bool, np.bool_)):
        return 0
    if isinstance(k, Tensor):
        if np_kind(k._data.dtype) == "b" or k._data.dtype == np.uint8:
            return k._data.ndim
        return 1
    if isinstance(k, (list, np.ndarray)):
        arr = np.asarray(k) if not isinstance(k, list) or k else np.zeros(0)
        return arr.ndim if np_kind(arr.dtype) == "b" else 1
    return 1


def _parse(shape: tuple, key):
    """Split ``key`` into a basic key (a view of the input) and advanced indices on that view.

    Returns ``(basic, advanced)``: ``basic`` is a tuple for NumPy's basic indexing, and
    ``advanced`` a dict from a dim of the view to a NumPy integer index array.
    """
    items = key if isinstance(key, tuple) else (key,)
    for k in items:
        if isinstance(k, (str, bytes)):
            raise TypeError(f"new(): invalid data type '{type(k).__name__}'")
    ndim = len(shape)
    specified = sum(_consumed(k) for k in items)
    if specified > ndim:
        if ndim == 0 and not isinstance(key, tuple) and isinstance(key, (int, np.integer)):
            raise IndexError(
                "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number"
            )
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    basic, advanced = [], {}
    dim = out_dim = 0
    seen_ellipsis = False
    for k in items:
        if k is Ellipsis:
            n = 0 if seen_ellipsis else ndim - specified
            seen_ellipsis = True
            basic.extend([slice(None)] * n)
            dim += n
            out_dim += n
        elif k is None:
            basic.append(None)
            out_dim += 1
        elif isinstance(k, (bool, np.bool_)) or (
            isinstance(k, Tensor) and k._data.ndim == 0 and np_kind(k._data.dtype) == "b"
        ):
            basic.append(None)
            advanced[out_dim] = np.zeros(1 if bool(k) else 0, np.int64)
            out_dim += 1
        elif isinstance(k, slice):
            basic.append(_slice(k))
            dim += 1
            out_dim += 1
        elif isinstance(k, (int, np.integer)) or (
            isinstance(k, Tensor) and k._data.ndim == 0 and np_kind(k._data.dtype) in "iu"
        ):
            i = int(k)
            size = shape[dim]
            if not -size <= i < size:
                raise IndexError(f"index {i} is out of bounds for dimension {dim} with size {size}")
            basic.append(i)
            dim += 1
        else:
            arr = _index_array(k)
            if arr is None:
                raise IndexError(
                    "only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                    f"Variables are valid indices (got {type(k).__name__})"
                )
            if np_kind(arr.dtype) == "b":
                _check_mask(arr, shape, dim)
                for j, nz in enumerate(xp_of(arr).nonzero(arr)):
                    advanced[out_dim + j] = nz
                basic.extend([slice(None)] * arr.ndim)
                dim += arr.ndim
                out_dim += arr.ndim
            else:
                advanced[out_dim] = _wrap_index(arr, shape[dim], dim)
                basic.append(slice(None))
                dim += 1
                out_dim += 1
    return tuple(basic), advanced


def _slice(k: slice) -> slice:
    k = slice(*(int(v) if isinstance(v, Tensor) else v for v in (k.start, k.stop, k.step)))
    if k.step is not None and k.step <= 0:
        raise ValueError("step must be greater than zero")
    return k


def _check_mask(mask, shape, dim):
    for j, s in enumerate(mask.shape):
        if shape[dim + j] != s:
            raise IndexError(
                f"The shape of the mask {list(mask.shape)} at index {j} does not match the shape "
                f"of the indexed tensor {list(shape)} at index {dim + j}"
            )


class _OutOfRange(np.ndarray):
    """An index array with a value out of range: an IndexError once the result is not empty."""


def _wrap_index(arr, size: int, dim: int):
    """Integer indices with negatives wrapped; out-of-range ones marked (see _OutOfRange)."""
    arr = arr.astype(np.int64, copy=False)
    if arr.size:
        lo, hi = int(arr.min()), int(arr.max())
        if hi >= size or lo < -size:
            bad = arr.view(_OutOfRange)
            bad.error = (hi if hi >= size else lo, dim, size)
            return bad
        if lo < 0:
            arr = arr % size
    return arr


def _indexed_shape(shape: tuple, advanced: dict) -> tuple:
    """The shape of ``view[advanced key]`` (NumPy's rule: adjacent advanced dims are replaced in
    place by their broadcast shape, separated ones move to the front)."""
    try:
        arrays = list(advanced.values())
        index_shape = (
            arrays[0].shape if len(arrays) == 1 else np.broadcast_shapes(*(a.shape for a in arrays))
        )
    except ValueError:
        shapes = ", ".join(str(list(a.shape)) for a in advanced.values())
        raise IndexError(
            f"shape mismatch: indexing tensors could not be broadcast together with shapes "
            f"[{shapes}]"
        ) from None
    if math.prod(index_shape) and any(shape[d] == 0 for d in advanced):
        raise IndexError("index is out of bounds for dimension with size 0")
    dims = sorted(advanced)
    rest = [s for d, s in enumerate(shape) if d not in advanced]
    if dims[-1] - dims[0] + 1 == len(dims):
        return tuple(rest[: dims[0]]) + index_shape + tuple(rest[dims[0] :])
    return index_shape + tuple(rest)


def _advanced_key(shape: tuple, advanced: dict, xp) -> tuple:
    """The NumPy key for the advanced step; out-of-range indices raise unless nothing is read."""
    result_shape = _indexed_shape(shape, advanced)
    key = [slice(None)] * len(shape)
    for d, arr in advanced.items():
        if isinstance(arr, _OutOfRange):
            if math.prod(result_shape):
                bad, dim, size = arr.error
                raise IndexError(
                    f"index {bad} is out of bounds for dimension {dim} with size {size}"
                )
            arr = np.zeros(arr.shape, np.int64)  # an empty result reads nothing
        key[d] = arr if xp is np else xp.asarray(arr)
    return tuple(key)


class BasicIndex(ArrayFunction):
    """Basic slicing (ints, slices, None): a view; math: the gradient is placed in zeros."""

    is_view = True
    node_name = "SliceBackward0"

    @staticmethod
    def forward(ctx, x, key):
        ctx.key = key
        ctx.shape = x.shape
        return x[key + (Ellipsis,)]  # the trailing ... keeps a 0-dim result a view

    @staticmethod
    def backward(ctx, grad):
        return IndexBackward.apply(grad, ctx.key + (Ellipsis,), ctx.shape, False), None


class Index(ArrayFunction):
    """Advanced indexing (a copy); math: the gradient is scattered, summed over repeats."""

    node_name = "IndexBackward0"

    @staticmethod
    def forward(ctx, x, key):
        ctx.key = key
        ctx.shape = x.shape
        return x[key]

    @staticmethod
    def backward(ctx, grad):
        return IndexBackward.apply(grad, ctx.key, ctx.shape, True), None


class IndexBackward(ArrayFunction):
    """Add ``grad`` into zeros of ``shape`` at ``key`` (the adjoint of indexing)."""

    @staticmethod
    def forward(ctx, grad, key, shape, repeats):
        ctx.key = key
        xp = xp_of(grad)
        out = xp.zeros(shape, dtype=grad.dtype)
        if repeats:
            xp.add.at(out, key, grad)
        else:
            out[key] = grad
        return out

    @staticmethod
    def backward(ctx, grad):
        return Index.apply(grad, ctx.key), None, None, None


def _legacy_sequence(key):
    """A list holding a sequence, slice, None, ... or tensor is read as a tuple (NumPy's old
    rule, which torch still follows with a warning)."""
    if type(key) is not list or len(key) >= 32:
        return key
    if any(
        isinstance(k, (list, tuple, slice, Tensor, np.ndarray)) or k is None or k is Ellipsis
        for k in key
    ):
        import warnings

        warnings.warn(
            "Using a non-tuple sequence for multidimensional indexing is deprecated; use "
            "x[tuple(seq)] instead of x[seq].",
            UserWarning,
            stacklevel=3,
        )
        return tuple(key)
    return key


_PLAIN = (int, type(None))


def _plain_key(shape: tuple, key):
    """``key`` as a tuple when it is only in-range Python ints and slices with positive steps
    (the common case, which needs none of ``_parse``'s work), else None."""
    items = key if type(key) is tuple else (key,)
    if len(items) > len(shape):
        return None
    for d, k in enumerate(items):
        if type(k) is int:
            if not -shape[d] <= k < shape[d]:
                return None
        elif type(k) is slice:
            if type(k.start) not in _PLAIN or type(k.stop) not in _PLAIN:
                return None
            if k.step is not None and (type(k.step) is not int or k.step <= 0):
                return None
        else:
            return None
    return items


def getitem(self: Tensor, key) -> Tensor:
    """``self[key]``: a view for basic keys, a copy when any index is a tensor, list or bool."""
    plain = _plain_key(self._data.shape, key)
    if plain is not None:
        return _inplace.track_view(BasicIndex.apply(self, plain))
    key = _legacy_sequence(key)
    mask = _lone_mask(self, key)
    if mask is not None:
        return Index.apply(self, (mask,))
    basic, advanced = _parse(self._data.shape, key)
    out = self
    if any(k != slice(None) for k in basic) or not advanced:
        out = _inplace.track_view(BasicIndex.apply(self, basic))
    if advanced:
        out = Index.apply(out, _advanced_key(out._data.shape, advanced, xp_of(out._data)))
    return out


def setitem(self: Tensor, key, value) -> None:
    """``self[key] = value``: value (a number or a tensor) is broadcast to the indexed shape."""
    key = _legacy_sequence(key)
    if isinstance(key, (bool, np.bool_)):  # torch copies into x[None], or does nothing
        if key:
            _fill_view(_inplace.track_view(BasicIndex.apply(self, (None,))), value)
        return
    mask = _lone_mask(self, key)
    if mask is not None:
        target, adv_key = self, (mask,)
        indexed = (int(mask.sum()),) + self._data.shape[mask.ndim :]
    else:
        basic, advanced = _parse(self._data.shape, key)
        target = self
        if any(k != slice(None) for k in basic) or not advanced:
            target = _inplace.track_view(BasicIndex.apply(self, basic))
        if not advanced:
            _fill_view(target, value)
            return
        indexed = _indexed_shape(target._data.shape, advanced)
    # a lone bool mask with a one-element value is torch's masked_fill: any dtype is cast
    cast = _is_mask_only(key) and isinstance(value, Tensor) and value._data.size == 1
    value = _value_tensor(target, value, advanced=not cast)
    if _broadcast_or_none(value._data.shape, indexed) != indexed:
        raise _value_mismatch(value, indexed)
    if mask is None:
        adv_key = _advanced_key(target._data.shape, advanced, xp_of(target._data))
    if not (state.enabled and (target._requires_grad or value._requires_grad)):
        _inplace.check_no_overlap(target)
        try:
            target._data[adv_key] = value._data
        except ValueError:
            raise _value_mismatch(value, target._data[adv_key].shape) from None
        _inplace.bump(target)
        return
    _inplace.assign(target, IndexPut.apply(target, adv_key, value, False))


def _lone_mask(self: Tensor, key):
    """The mask array when ``key`` is a single bool tensor over leading dims (NumPy indexes
    with it directly, which is faster than its nonzero positions)."""
    if not isinstance(key, Tensor) or key._data.dtype != np.bool_:
        return None
    mask = key._data
    if not 1 <= mask.ndim <= self._data.ndim:
        return None
    _check_mask(mask, self._data.shape, 0)
    return mask


def _broadcast_or_none(a: tuple, b: tuple):
    try:
        return np.broadcast_shapes(a, b)
    except ValueError:
        return None


def _is_mask_only(key) -> bool:
    items = key if isinstance(key, tuple) else (key,)
    advanced = [
        k
        for k in items
        if isinstance(k, (Tensor, list, np.ndarray, bool, np.bool_))
        and not (isinstance(k, Tensor) and k._data.ndim == 0 and np_kind(k._data.dtype) in "iu")
    ]  # a 0-dim integer tensor selects, as an int does
    if len(advanced) != 1:
        return False
    arr = _index_array(advanced[0])
    return arr is not None and arr.dtype == bool and arr.ndim > 0


def _fill_view(target: Tensor, value) -> None:
    value = _value_tensor(target, value, advanced=False)
    _inplace.assign(target, value)


def _value_tensor(target: Tensor, value, advanced: bool) -> Tensor:
    """The assigned value as a tensor of ``target``'s dtype; for an advanced key (index_put) a
    tensor value must already have it, as torch requires."""
    if not isinstance(value, Tensor):
        arr = np.asarray(value, dtype=target._data.dtype)
        if type(target._data) is not np.ndarray:
            arr = xp_of(target._data).asarray(arr)
        return Tensor._make(arr)
    if value._data.dtype != target._data.dtype:
        if advanced:
            from ._util import type_name

            raise RuntimeError(
                "Index put requires the source and destination dtypes match, got "
                f"{type_name(target.dtype)} for the destination and {type_name(value.dtype)} "
                "for the source."
            )
        value = value.to(target.dtype)
    lead = value._data.ndim - target._data.ndim
    if lead > 0 and all(s == 1 for s in value._data.shape[:lead]):
        value = value.reshape(value._data.shape[lead:])  # torch drops leading 1s of the value
    elif lead > 0 and not advanced:
        raise RuntimeError(
            f"expand({value.type()}{{{list(value.shape)}}}, size={list(target.shape)}): the "
            f"number of sizes provided ({target._data.ndim}) must be greater or equal to the "
            f"number of dimensions in the tensor ({value._data.ndim})"
        )
    return value


def _value_mismatch(value: Tensor, shape) -> RuntimeError:
    return RuntimeError(
        f"shape mismatch: value tensor of shape {list(value.shape)} cannot be broadcast to "
        f"indexing result of shape {list(shape)}"
    )


class IndexPut(ArrayFunction):
    """A copy of ``x`` with ``x[key] = value`` (or ``+= value`` with ``accumulate``).

    math: the gradient of x is grad with the written places zeroed (kept when accumulating);
    the gradient of value is grad read at key, summed back to value's shape.
    """

    @staticmethod
    def forward(ctx, x, key, value, accumulate):
        ctx.key = key
        ctx.value_shape = value.shape
        ctx.accumulate = accumulate
        xp = xp_of(x)
        out = x.copy()
        try:
            indexed_shape = x[key].shape
            if accumulate:
                xp.add.at(out, key, xp.broadcast_to(value, indexed_shape))
            else:
                out[key] = value
        except ValueError:
            raise _value_mismatch(Tensor._make(value), indexed_shape) from None
        return out

    @staticmethod
    def backward(ctx, grad):
        g_x = grad
        if not ctx.accumulate and ctx.needs_input_grad[0]:
            keep = xp_of(grad._data).ones(grad._data.shape, dtype=grad._data.dtype)
            keep[ctx.key] = 0
            g_x = grad * Tensor._make(keep)
        g_value = None
        if ctx.needs_input_grad[2]:
            g_value = sum_to_shape(Index.apply(grad, ctx.key), ctx.value_shape)
        return g_x, None, g_value, None


def index_put(input: Tensor, indices, values: Tensor, accumulate: bool = False) -> Tensor:
    """A copy of ``input`` with ``input[indices] = values`` (``+=`` with ``accumulate``)."""
    indices = tuple(indices)
    basic, advanced = _parse(input._data.shape, indices)
    if any(k != slice(None) for k in basic):
        raise IndexError("index_put expects a tuple of index tensors")
    key = _advanced_key(input._data.shape, advanced, xp_of(input._data))
    values = _value_tensor(input, values, advanced=True)
    return IndexPut.apply(input, key, values, bool(accumulate))


def index_put_(input: Tensor, indices, values: Tensor, accumulate: bool = False) -> Tensor:
    """In place: ``input[indices] = values`` (``+=`` with ``accumulate``)."""
    return _inplace.inplace(input, index_put, indices, values, accumulate)
