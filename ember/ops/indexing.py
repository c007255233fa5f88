"""Indexing: ``x[key]`` (basic slicing gives a view, advanced indexing a copy), ``x[key] = v``,
and in-place assignment of a computed result into a tensor (``_assign``, used by every
``op_`` method)."""

from __future__ import annotations

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ..autograd.grad_mode import state
from ._util import type_name, xp_of


def _convert_key(key):
    """A key with Tensors replaced by arrays; also whether it is basic (gives a view)."""
    if not isinstance(key, tuple):
        key = (key,)
    out = []
    basic = True
    for k in key:
        if isinstance(k, Tensor):
            if k._data.dtype.kind not in "biu":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            out.append(k._data)
            basic = False
        elif isinstance(k, (list, np.ndarray)):
            arr = np.asarray(
                [v.item() if isinstance(v, Tensor) else v for v in k] if isinstance(k, list) else k
            )
            if arr.dtype.kind == "f":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            out.append(arr)
            basic = False
        elif k is None or k is Ellipsis or isinstance(k, slice):
            if isinstance(k, slice):
                k = slice(
                    *(int(v) if isinstance(v, Tensor) else v for v in (k.start, k.stop, k.step))
                )
                if k.step is not None and k.step <= 0:
                    raise ValueError("step must be greater than zero")
            out.append(k)
        elif isinstance(k, (bool, np.bool_)):
            out.append(bool(k))
            basic = False
        elif isinstance(k, (int, np.integer)):
            out.append(int(k))
        else:
            raise IndexError(
                "only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                "Variables are valid indices (got " + type(k).__name__ + ")"
            )
    return tuple(out), basic


def _check_bounds(data, key):
    """Raise torch's IndexError for too many indices and integers out of range."""
    consumed = [
        0
        if k is None or k is Ellipsis or isinstance(k, bool)
        else (k.ndim if isinstance(k, np.ndarray) and k.dtype == bool else 1)
        for k in key
    ]
    if sum(consumed) > data.ndim:
        raise IndexError(f"too many indices for tensor of dimension {data.ndim}")
    dim = 0
    for i, k in enumerate(key):
        if k is Ellipsis:
            dim = data.ndim - sum(consumed[i + 1 :])
            continue
        if isinstance(k, int) and not isinstance(k, bool):
            size = data.shape[dim]
            if not -size <= k < size:
                raise IndexError(f"index {k} is out of bounds for dimension {dim} with size {size}")
        dim += consumed[i]


class Index(ArrayFunction):
    """``x[key]``; math: the gradient is scattered (summed over repeats) into zeros."""

    node_name = "IndexBackward0"

    @staticmethod
    def forward(ctx, x, key):
        ctx.key = key
        ctx.shape = x.shape
        try:
            return x[key]
        except IndexError as e:
            raise IndexError(str(e).replace("array", "tensor")) from None

    @staticmethod
    def backward(ctx, grad):
        return IndexBackward.apply(grad, ctx.key, ctx.shape), None


class IndexBackward(ArrayFunction):
    """Scatter-add ``grad`` into zeros of ``shape`` at ``key`` (the adjoint of indexing)."""

    @staticmethod
    def forward(ctx, grad, key, shape):
        ctx.key = key
        xp = xp_of(grad)
        out = xp.zeros(shape, dtype=grad.dtype)
        xp.add.at(out, key, grad)
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad[ctx.key], None, None


class BasicIndex(Index):
    """Basic slicing: the result is a view of ``x``."""

    is_view = True
    node_name = "SliceBackward0"


def getitem(self: Tensor, key) -> Tensor:
    if self._data.ndim == 0 and not isinstance(key, (type(None), type(Ellipsis), tuple, bool)):
        raise IndexError(
            "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
            "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number"
        )
    k, basic = _convert_key(key)
    _check_bounds(self._data, k)
    if basic:
        return BasicIndex.apply(self, _as_view_key(k))
    return Index.apply(self, k)


def _as_view_key(key: tuple) -> tuple:
    # NumPy returns a scalar copy when integers index every dim; a trailing ... keeps a view
    return key if Ellipsis in key else key + (Ellipsis,)


def setitem(self: Tensor, key, value) -> None:
    """``self[key] = value``: basic keys write through a view, advanced ones scatter."""
    k, basic = _convert_key(key)
    _check_bounds(self._data, k)
    if basic:
        target = BasicIndex.apply(self, _as_view_key(k))
        target.copy_(value) if isinstance(value, Tensor) else target.fill_(value)
        return
    value_t = value if isinstance(value, Tensor) else self.new_tensor(value)
    _assign(self, IndexPut.apply(self, k, value_t.to(self.dtype)))


class IndexPut(ArrayFunction):
    """A copy of ``x`` with ``x[key] = value`` (value broadcast)."""

    @staticmethod
    def forward(ctx, x, key, value):
        ctx.key = key
        ctx.value_shape = value.shape
        out = x.copy()
        try:
            out[key] = value
        except (ValueError, IndexError) as e:
            raise RuntimeError(str(e)) from None
        return out

    @staticmethod
    def backward(ctx, grad):
        from ._util import sum_to_shape

        g_x = grad.clone()
        g_x._data[ctx.key] = 0
        g_value = sum_to_shape(Index.apply(grad, ctx.key), ctx.value_shape)
        return g_x, None, g_value


def _assign(self: Tensor, result: Tensor) -> Tensor:
    """Write ``result`` into ``self`` in place, as an in-place op does, and take over its
    autograd history. ``result`` must broadcast to ``self``'s shape and cast to its dtype."""
    if not _dtype.can_cast(result.dtype, self.dtype):
        raise RuntimeError(
            f"result type {type_name(result.dtype)} can't be cast to the desired output type "
            f"{type_name(self.dtype)}"
        )
    if result._data.shape != self._data.shape:
        try:
            shape = np.broadcast_shapes(result._data.shape, self._data.shape)
        except ValueError:
            shape = None
        if shape != self._data.shape:
            raise RuntimeError(
                f"output with shape {list(self._data.shape)} doesn't match the broadcast shape "
                f"{list(shape if shape is not None else result._data.shape)}"
            )
    recording = state.enabled and (self._requires_grad or result._requires_grad)
    if recording:
        if self._grad_fn is None and self._requires_grad:
            raise RuntimeError(
                "a leaf Variable that requires grad is being used in an in-place operation."
            )
        if self._base is not None and (self._base._requires_grad or result._requires_grad):
            _rebase_view(self, result)
    if recording and result._requires_grad and result._grad_fn is None:
        result = result.clone()  # self now holds a copy of a leaf: route the grad through it
    _write(self, result._data)
    if recording and result._requires_grad:
        if result._data.shape != self._data.shape:
            result = result.expand(self._data.shape)
        self._grad_fn = result._grad_fn
        self._output_nr = result._output_nr
        self._requires_grad = True
    return self


def _write(self: Tensor, data) -> None:
    try:
        self._data[...] = data
    except ValueError as e:
        if not self._data.flags.writeable:
            raise RuntimeError(
                "unsupported operation: more than one element of the written-to tensor refers "
                "to a single memory location. Please clone() the tensor before performing the "
                "operation."
            ) from None
        raise RuntimeError(str(e)) from None
    self._vc[0] += 1


def _rebase_view(view: Tensor, result: Tensor) -> None:
    raise RuntimeError(
        "ember cannot yet record an in-place operation on a view of a tensor that requires "
        "grad; apply the operation out of place (issue 3 adds CopySlices)"
    )
