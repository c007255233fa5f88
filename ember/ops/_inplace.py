"""In-place writes and how autograd records them.

Every in-place op is computed out of place and then written into its target (``assign``).
What makes that exact:

* the version counter (shared by a tensor and all its views) is bumped, so a backward that
  needs a value that was overwritten raises instead of computing a wrong gradient;
* a node that saved the target itself while computing the result gets a snapshot of the old
  value instead (torch's ``original_self``), so ``x.mul_(y)`` still differentiates;
* a non-leaf target takes over the result's ``grad_fn``; a target that is a view of a tensor in
  the graph makes its base's new ``grad_fn`` a ``CopySlices`` node: the view's region of the
  base gradient goes to the result, the rest to the old base. The view, and every other live
  view of that base, is then re-derived from the new base (``AsStridedBackward0``).
"""

from __future__ import annotations

import weakref

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..autograd import function as _function
from ..autograd.function import ArrayFunction
from ..autograd.grad_mode import state
from ._util import type_name, xp_of


def inplace(self: Tensor, fn, *args, **kwargs) -> Tensor:
    """``self.op_(...)``: compute ``fn(self, ...)`` out of place, then write it into ``self``."""
    since = next(_function._sequence)
    return assign(self, fn(self, *args, **kwargs), since)


def assign(
    self: Tensor, result: Tensor, since: int | None = None, overwrite: bool = False
) -> Tensor:
    """Write ``result`` into ``self`` in place and take over its autograd history.

    ``result`` must broadcast to ``self``'s shape and cast to its dtype. ``since`` is the node
    sequence number taken before ``result`` was computed: nodes created after it that saved
    ``self`` are given a snapshot of ``self``'s old value. ``overwrite`` says ``result`` does
    not depend on ``self`` (fill_, copy_): the old value stays in the graph with zero gradient.
    """
    _check_result(self, result)
    recording = state.enabled and (self._requires_grad or result._requires_grad)
    base = self._base
    if state.enabled and base is not None and base._requires_grad and self._grad_fn is None:
        raise RuntimeError(_NO_GRAD_VIEW)
    if recording:
        _check_recordable(self)
        if since is not None:
            _snapshot_saved(self, result, since)
        if result._requires_grad and result._grad_fn is None:
            result = result.clone()  # self will hold a copy of a leaf: route the grad through it
    if result._data.shape != self._data.shape and recording and result._requires_grad:
        result = result.expand(self._data.shape)
    write(self, result._data)
    if not recording:
        return self
    if base is not None:
        _copy_slices(self, base, result)
        return self
    if overwrite or not result._requires_grad:
        result = Overwritten.apply(_graph_alias(self), result)
    self._grad_fn = result._grad_fn
    self._output_nr = result._output_nr
    self._requires_grad = True
    _adopt_saved_output(self, result)
    _rederive_views(self, None)
    return self


def restride(self: Tensor, fn, *args) -> Tensor:
    """``t_``, ``unsqueeze_``, ...: ``self`` becomes ``fn(self, *args)``, a view of its own
    memory with other sizes and strides, and takes over its history."""
    recording = state.enabled and self._requires_grad
    if recording and self._grad_fn is None:
        raise RuntimeError(
            "a leaf Variable that requires grad is being used in an in-place operation."
        )
    out = fn(self, *args)
    self._data = out._data
    bump(self)
    if recording:
        self._grad_fn = out._grad_fn
        self._output_nr = out._output_nr
    return self


def write(self: Tensor, data) -> None:
    """Copy ``data`` into ``self``'s memory and bump its version."""
    if self._inference and not state.inference:
        raise RuntimeError(
            "Inplace update to inference tensor outside InferenceMode is not allowed.You can "
            "make a clone to get a normal tensor before doing inplace update.See "
            "https://github.com/pytorch/rfcs/pull/17 for more details."
        )
    check_no_overlap(self)
    try:
        self._data[...] = data
    except ValueError as e:
        if not self._data.flags.writeable:
            raise RuntimeError(f"cannot write into a read-only tensor: {e}") from None
        raise RuntimeError(str(e)) from None
    bump(self)


def check_no_overlap(self: Tensor) -> None:
    """torch's rule for writes: refused when a dim repeats one element (stride 0, size > 1)."""
    data = self._data
    if (
        0 in data.strides
        and data.size > 1
        and any(st == 0 and n > 1 for n, st in zip(data.shape, data.strides))
    ):
        raise RuntimeError(
            "unsupported operation: more than one element of the written-to tensor refers to a "
            "single memory location. Please clone() the tensor before performing the operation."
        )


def bump(self: Tensor) -> None:
    """Record that ``self``'s memory was written (the counter is shared with its views)."""
    self._vc[0] += 1


# id(base) -> (weak reference to base, weak references to its views, prune limit); kept out of
# the tensor's __dict__ so that pickling and deepcopy never see it
_VIEWS: dict = {}


def _forget(ref, key):
    entry = _VIEWS.get(key)
    if entry is not None and entry[0] is ref:
        del _VIEWS[key]


def track_view(view: Tensor) -> Tensor:
    """Remember a view, to re-derive it when its base is written in place within a graph (a
    leaf that requires grad is never written so, and its views are not kept)."""
    base = view._base
    if base is not None and (base._grad_fn is not None or not base._requires_grad):
        key = id(base)
        entry = _VIEWS.get(key)
        if entry is None or entry[0]() is not base:
            entry = _VIEWS[key] = (weakref.ref(base, lambda r, k=key: _forget(r, k)), [], [64])
        views, limit = entry[1], entry[2]
        if len(views) >= limit[0]:
            views[:] = [r for r in views if r() is not None]
            limit[0] = max(64, 2 * len(views))  # amortized: prune rarely
        views.append(weakref.ref(view))
    return view


def _live_views(base: Tensor) -> list:
    entry = _VIEWS.get(id(base))
    if entry is None or entry[0]() is not base:
        return []
    return [v for v in (r() for r in entry[1]) if v is not None]


def mark_multi_view(outputs, op: str):
    """Outputs of unbind/split/chunk: torch forbids recording an in-place op on them."""
    for o in outputs:
        o.__dict__["_multi_view"] = op
    return outputs


_NO_GRAD_VIEW = (
    "A view was created in no_grad mode and is being modified inplace with grad mode enabled. "
    "Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify "
    "your code by moving both the view and the inplace either both inside the no_grad block "
    "(if you don't want the inplace to be tracked) or both outside (if you want the inplace "
    "to be tracked)."
)


def _check_result(self: Tensor, result: Tensor) -> None:
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


def _check_recordable(self: Tensor) -> None:
    base = self._base
    if base is None:
        if self._grad_fn is None and self._requires_grad:
            raise RuntimeError(
                "a leaf Variable that requires grad is being used in an in-place operation."
            )
        return
    if base._grad_fn is None and base._requires_grad:
        raise RuntimeError(
            "a view of a leaf Variable that requires grad is being used in an in-place operation."
        )
    op = self.__dict__.get("_multi_view")
    if op is not None:
        raise RuntimeError(
            f"Output 0 of {op} is a view and is being modified inplace. This view is the output "
            "of a function that returns multiple views. Such functions do not allow the output "
            "views to be modified inplace. You should replace the inplace operation by an "
            "out-of-place one."
        )


def _new_nodes(result: Tensor, since: int):
    """The graph nodes created after sequence number ``since`` that ``result`` depends on."""
    root = result._grad_fn
    if root is None or root._seq <= since:
        return []
    found, stack, seen = [], [root], {id(root)}
    while stack:
        node = stack.pop()
        found.append(node)
        for edge in node.next_functions:
            if edge is not None and edge[0]._seq > since and id(edge[0]) not in seen:
                seen.add(id(edge[0]))
                stack.append(edge[0])
    return found


def _snapshot_saved(self: Tensor, result: Tensor, since: int) -> None:
    snapshot = None
    for node in _new_nodes(result, since):
        saved = node._saved
        if not saved or not any(entry[0] is self for entry in saved):
            continue
        if snapshot is None:
            snapshot = Tensor._make(self._data.copy())
            snapshot._requires_grad = self._requires_grad
            snapshot._grad_fn = self._grad_fn
            snapshot._output_nr = self._output_nr
        node._saved = tuple(
            (snapshot, None, snapshot._vc, 0, -1) if entry[0] is self else entry for entry in saved
        )


def _adopt_saved_output(self: Tensor, result: Tensor) -> None:
    """An op that saved its own output now saves ``self`` (which holds it), as torch does."""
    node = result._grad_fn
    saved = node._saved if node is not None else None
    if not saved:
        return
    node._saved = tuple(
        (None, self._data, self._vc, self._vc[0], entry[4]) if entry[1] is result._data else entry
        for entry in saved
    )


class Overwritten(ArrayFunction):
    """A tensor in the graph overwritten by a constant: no gradient reaches its old value."""

    node_name = "CopyBackwards"

    @staticmethod
    def forward(ctx, old, new):
        return new

    @staticmethod
    def backward(ctx, grad):
        return grad * 0, grad


# ---- writes through a view ------------------------------------------------------------------


def _region(base, view):
    """For each element of ``view``, its flat (C-order) index in ``base``; both share memory."""
    xp = xp_of(base)
    item = base.itemsize
    if view.itemsize != item:
        raise RuntimeError("in-place writes through a view with another dtype are not recorded")
    start = _address(view) - _address(base)
    offsets = _offsets(xp, view, start)
    if base.flags.c_contiguous:
        return offsets // item
    base_offsets = _offsets(xp, base, 0).ravel()
    order = xp.argsort(base_offsets, kind="stable")
    pos = xp.searchsorted(base_offsets[order], offsets.ravel())
    return order[pos].reshape(view.shape)


def _address(array) -> int:
    if type(array) is np.ndarray:
        return array.__array_interface__["data"][0]
    return array.data.ptr


def _offsets(xp, array, start: int):
    """The byte offset of every element of ``array`` from ``start``."""
    out = xp.full(array.shape, start, dtype=np.int64)
    for k, (n, s) in enumerate(zip(array.shape, array.strides)):
        shape = [1] * array.ndim
        shape[k] = n
        out = out + (xp.arange(n, dtype=np.int64) * s).reshape(shape)
    return out


class CopySlices(ArrayFunction):
    """The base after a write into one of its views; math: the view's region of the gradient
    goes to the written value, the rest to the base as it was."""

    node_name = "CopySlices"

    @staticmethod
    def forward(ctx, base, value, flat):
        ctx.flat = flat
        ctx.value_shape = value.shape
        ctx.base_shape = base.shape
        return base

    @staticmethod
    def backward(ctx, grad):
        keep = xp_of(grad._data).ones(grad._data.size, dtype=grad._data.dtype)
        keep[ctx.flat.ravel()] = 0
        g_base = grad * Tensor._make(keep.reshape(ctx.base_shape))
        g_value = TakeFlat.apply(grad, ctx.flat)
        if g_value._data.shape != ctx.value_shape:
            from ._util import sum_to_shape

            g_value = sum_to_shape(g_value, ctx.value_shape)
        return g_base, g_value


class TakeFlat(ArrayFunction):
    """``base.flatten()[flat]``: a view's elements read out of its base's memory order."""

    node_name = "AsStridedBackward0"

    @staticmethod
    def forward(ctx, base, flat):
        ctx.flat = flat
        ctx.base_shape = base.shape
        return base.reshape(-1)[flat]

    @staticmethod
    def backward(ctx, grad):
        return PutFlat.apply(grad, ctx.flat, ctx.base_shape), None


class PutFlat(ArrayFunction):
    """Scatter-add ``grad`` into zeros of ``shape`` at flat positions (TakeFlat's adjoint)."""

    @staticmethod
    def forward(ctx, grad, flat, shape):
        ctx.flat = flat
        xp = xp_of(grad)
        out = xp.zeros(int(np.prod(shape, dtype=np.int64)), dtype=grad.dtype)
        xp.add.at(out, flat.ravel(), grad.ravel())
        return out.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return TakeFlat.apply(grad, ctx.flat), None, None


def _copy_slices(view: Tensor, base: Tensor, result: Tensor) -> None:
    flat = _region(base._data, view._data)
    alias = _graph_alias(base)
    node = CopySlices.apply(alias, result, flat)._grad_fn
    base._grad_fn = node
    base._output_nr = 0
    base._requires_grad = True
    _rederive_views(base, view, flat)


def _graph_alias(t: Tensor) -> Tensor:
    """A tensor standing for ``t`` in the graph as it is now (for ``apply``'s edges)."""
    alias = Tensor._make(t._data)
    alias._requires_grad = t._requires_grad
    alias._grad_fn = t._grad_fn
    alias._output_nr = t._output_nr
    return alias


def _rederive_views(base: Tensor, written: Tensor | None, flat=None) -> None:
    """Give ``written`` and every live view of ``base`` a grad_fn reading from the new base."""
    targets = [v for v in _live_views(base) if v is not written]
    if written is not None:
        targets.append(written)
        track_view(written)
    for v in targets:
        if v._data.dtype != base._data.dtype:
            continue  # a view with another dtype (view(dtype)) is not differentiable
        region = flat if v is written else _region(base._data, v._data)
        v._grad_fn = _take_flat_node(base, region)
        v._output_nr = 0
        v._requires_grad = True


def _take_flat_node(base: Tensor, flat) -> TakeFlat._node_cls:
    """The node ``TakeFlat.apply(base, flat)`` would record, without computing its output
    (the view already holds it)."""
    node = TakeFlat._node_cls()
    node.needs_input_grad = (True, False)
    node.next_functions = (_function._edge(base), None)
    node.flat = flat
    node.base_shape = base._data.shape
    return node
