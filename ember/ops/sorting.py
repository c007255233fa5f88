"""Ordering and counting: sort/argsort/topk/kthvalue, unique, bincount/histc, and binary search.

Orders are computed on arrays (stable sorts); values are then gathered from the input with
``gather``, so gradients flow back to where each value came from.
"""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from . import selection
from ._util import accepts_out, np_kind, return_type, wrap_dim, xp_of

_return_sort = return_type("sort", ("values", "indices"))
_return_topk = return_type("topk", ("values", "indices"))
_return_kthvalue = return_type("kthvalue", ("values", "indices"))


def _order(data, d: int, descending: bool):
    """Indices that sort ``data`` along ``d``, stable; NaN counts as the largest value."""
    xp = xp_of(data)
    if data.dtype == np.bool_:
        data = data.astype(np.int8)
    if not descending:
        return xp.argsort(data, axis=d, kind="stable")
    # a stable descending order: sort the reversed array ascending, then reverse back, so that
    # equal elements keep their original order
    n = data.shape[d]
    rev = xp.flip(data, d)
    if np_kind(data.dtype) == "f":
        rev = xp.where(xp.isnan(rev), xp.inf, rev)
    order = xp.flip(xp.argsort(rev, axis=d, kind="stable"), d)
    return (n - 1) - order


def sort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False, *, out=None):
    """Values sorted along ``dim`` and the indices they came from (ties keep their order)."""
    if input._data.ndim == 0:
        wrap_dim(dim, 0)
        return _return_sort(input.clone(), Tensor._make(np.zeros((), np.int64)))
    d = wrap_dim(dim, input._data.ndim)
    index = Tensor._make(_order(input._data, d, descending).astype(np.int64))
    return _return_sort(selection.gather(input, d, index), index)


def argsort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False):
    """The indices that sort ``input`` along ``dim``."""
    return sort(input, dim, descending, stable).indices


@accepts_out
def msort(input: Tensor) -> Tensor:
    """``input`` sorted along dim 0."""
    return sort(input, 0).values


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):
    """The ``k`` largest (or smallest) values along ``dim`` and their indices."""
    nd = input._data.ndim
    d = wrap_dim(dim, nd)
    n = input._data.shape[d] if nd else 1
    if not 0 <= k <= n:
        raise RuntimeError("selected index k out of range")
    if nd == 0:
        return _return_topk(input.clone(), Tensor._make(np.zeros((), np.int64)))
    order = _order(input._data, d, largest)
    index = Tensor._make(np.take(order, np.arange(k), axis=d).astype(np.int64))
    return _return_topk(selection.gather(input, d, index), index)


def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False):
    """The ``k``-th smallest value (1-based) along ``dim`` and its index."""
    nd = input._data.ndim
    d = wrap_dim(dim, nd)
    n = input._data.shape[d] if nd else 1
    if n == 0:
        raise IndexError(f"kthvalue(): Expected reduction dim {d} to have non-zero size.")
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    if nd == 0:
        return _return_kthvalue(input.clone(), Tensor._make(np.zeros((), np.int64)))
    order = _order(input._data, d, False)
    index = Tensor._make(np.take(order, [k - 1], axis=d).astype(np.int64))
    values = selection.gather(input, d, index)
    if not keepdim:
        values, index = values.squeeze(d), index.squeeze(d)
    return _return_kthvalue(values, index)


def _outputs(values, inverse, counts, return_inverse, return_counts):
    out = (Tensor._make(values),)
    if return_inverse:
        out += (Tensor._make(inverse.astype(np.int64)),)
    if return_counts:
        out += (Tensor._make(counts.astype(np.int64)),)
    return out[0] if len(out) == 1 else out


def unique(
    input: Tensor,
    sorted: bool = True,
    return_inverse: bool = False,
    return_counts: bool = False,
    dim: int | None = None,
):
    """The distinct values (or distinct slices along ``dim``), sorted."""
    data = input._data
    if dim is None:
        values, inverse, counts = np.unique(data, return_inverse=True, return_counts=True)
        inverse = inverse.reshape(data.shape)
    else:
        d = wrap_dim(dim, data.ndim)
        values, inverse, counts = np.unique(data, return_inverse=True, return_counts=True, axis=d)
        inverse = inverse.reshape(-1)
    return _outputs(values, inverse, counts, return_inverse, return_counts)


def unique_consecutive(
    input: Tensor, return_inverse: bool = False, return_counts: bool = False, dim=None
):
    """Collapse runs of equal consecutive values (or slices along ``dim``) into one."""
    data = input._data
    if dim is None:
        flat = data.reshape(-1)
        changed = flat[1:] != flat[:-1]
        axis, view = 0, flat
    else:
        axis = wrap_dim(dim, data.ndim)
        view = np.moveaxis(data, axis, 0)
        rows = max(view.shape[0] - 1, 0)
        changed = (view[1:] != view[:-1]).reshape(rows, int(np.prod(view.shape[1:]))).any(axis=1)
    starts = np.concatenate([[True], changed]) if view.shape[0] else np.zeros(0, bool)
    values = view[starts]
    if dim is not None:
        values = np.moveaxis(values, 0, axis)
    inverse = np.cumsum(starts) - 1
    if dim is None:
        inverse = inverse.reshape(data.shape)
    counts = np.diff(np.append(np.nonzero(starts)[0], view.shape[0]))
    return _outputs(values, inverse, counts, return_inverse, return_counts)


def bincount(input: Tensor, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
    """How many times each non-negative integer occurs (summing ``weights`` if given)."""
    data = input._data
    if data.ndim != 1 or np_kind(data.dtype) not in "iu":
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if data.size and data.min() < 0:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if weights is None:
        return Tensor._make(np.bincount(data, minlength=minlength).astype(np.int64))
    if weights._data.shape != data.shape:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    w = weights._data
    dtype = w.dtype if w.dtype in (np.float32, np.float64) else np.float64  # (half: double)
    return Tensor._make(np.bincount(data, weights=w, minlength=minlength).astype(dtype))


def histc(input: Tensor, bins: int = 100, min=0, max=0, *, out=None) -> Tensor:
    """A histogram of ``bins`` equal-width bins over [min, max] (the data's range if both 0)."""
    from ._util import handle_out

    data = input._data
    if np_kind(data.dtype) != "f":
        raise RuntimeError(f"\"histogram_cpu\" not implemented for '{input.dtype.name}'")
    if bins <= 0:
        raise RuntimeError(f"torch.histc(): bins must be > 0, but got {bins} for bins")
    lo, hi = float(min), float(max)
    if lo == hi and data.size:
        lo, hi = float(data.min()), float(data.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if lo > hi:
        raise RuntimeError("torch.histc(): max must be larger than min")
    counts, _ = np.histogram(data, bins=bins, range=(lo, hi))
    return handle_out(Tensor._make(counts.astype(data.dtype)), out)


def searchsorted(
    sorted_sequence: Tensor,
    input,
    *,
    out_int32: bool = False,
    right: bool = False,
    side: str | None = None,
    sorter: Tensor | None = None,
) -> Tensor:
    """Where each value of ``input`` would be inserted into the sorted last dim of
    ``sorted_sequence`` (the first such place, or the last with ``right``/``side='right'``)."""
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError(
                "side and right can't be set to opposites, got side of left while right was True"
            )
        right = side == "right"
    seq = sorted_sequence._data
    if sorter is not None:
        seq = np.take_along_axis(seq, sorter._data, axis=-1)
    scalar = not isinstance(input, Tensor)
    values = np.asarray(input) if scalar else input._data
    how = "right" if right else "left"
    dtype = np.int32 if out_int32 else np.int64
    if seq.ndim <= 1:
        result = np.searchsorted(seq, values, side=how)
    else:
        if seq.shape[:-1] != values.shape[:-1]:
            raise RuntimeError(
                "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
                "dimensions of boundaries tensor and input value tensor must match, but we got "
                f"boundaries tensor {list(seq.shape)} and input value tensor "
                f"{list(values.shape)}"
            )
        rows = seq.reshape(-1, seq.shape[-1])
        vals = values.reshape(rows.shape[0], -1)
        result = np.stack([np.searchsorted(r, v, side=how) for r, v in zip(rows, vals)])
        result = result.reshape(values.shape)
    return Tensor._make(np.asarray(result, dtype=dtype))


def bucketize(input, boundaries: Tensor, *, out_int32: bool = False, right: bool = False):
    """The bucket of each value given 1-D ``boundaries`` (``right``: buckets closed on the
    left)."""
    if boundaries._data.ndim != 1:
        raise RuntimeError(
            f"boundaries tensor must be 1 dimension, but got dim({boundaries._data.ndim})"
        )
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


_return_histogram = return_type("histogram", ("hist", "bin_edges"))


def histogram(input: Tensor, bins=100, *, range=None, weight=None, density: bool = False):
    """Counts of ``input`` in ``bins`` equal bins over ``range`` (or the data's range), or in
    the bins whose edges a 1-D tensor gives; returns ``(hist, bin_edges)``."""
    data = input._data
    edges = bins._data if isinstance(bins, Tensor) else int(bins)
    w = weight._data if weight is not None else None
    hist, bin_edges = np.histogram(data, bins=edges, range=range, weights=w, density=density)
    return _return_histogram(
        Tensor._make(hist.astype(data.dtype)), Tensor._make(bin_edges.astype(data.dtype))
    )
