"""Lookups in a table of vectors: embedding, embedding_bag, one_hot; and the rearrangements
pixel_shuffle, pixel_unshuffle, channel_shuffle."""

from __future__ import annotations

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ..autograd.grad_mode import no_grad
from . import blas, comparison, reduction
from ._util import np_kind, xp_of


class Embedding(ArrayFunction):
    """``weight[indices]``; the gradient is summed into the rows used (none into
    ``padding_idx``; divided by each row's count with ``scale_grad_by_freq``)."""

    node_name = "EmbeddingBackward0"

    @staticmethod
    def forward(ctx, weight, indices, padding_idx, scale_grad_by_freq):
        if any(ctx.needs_input_grad):
            ctx.params = (indices, weight.shape[0], padding_idx, scale_grad_by_freq)
        return weight[indices]

    @staticmethod
    def backward(ctx, grad):
        return EmbeddingGrad.apply(grad, *ctx.params), None, None, None


class EmbeddingGrad(ArrayFunction):
    """Scatter-add rows of ``grad`` into a zero table (the adjoint of Embedding)."""

    @staticmethod
    def forward(ctx, grad, indices, num_weights, padding_idx, scale_grad_by_freq):
        xp = xp_of(grad)
        ctx.params = (indices, padding_idx, scale_grad_by_freq)
        if grad.ndim > 2 and grad.flags.f_contiguous and not grad.flags.c_contiguous:
            # a transposed gradient (an LSTM's, from its feature-major states): its rows taken
            # in the order they lie, a view, with the indices in the same order; a C-order
            # copy would gather every value across the whole array
            rows = grad.T.reshape(grad.shape[-1], -1).T
            flat = indices.T.reshape(-1)
        else:
            rows = grad.reshape(-1, grad.shape[-1])
            flat = indices.reshape(-1)
        scale = _row_scale(xp, flat, num_weights, padding_idx, scale_grad_by_freq, grad.dtype)
        if scale is not None:
            rows = rows * scale[:, None]
        return _scatter_add_rows(xp, flat, rows, num_weights)

    @staticmethod
    def backward(ctx, gg):
        indices, padding_idx, scale_grad_by_freq = ctx.params
        picked = gg[Tensor._make(indices)]
        xp = xp_of(indices)
        scale = _row_scale(
            xp, indices.reshape(-1), gg.shape[0], padding_idx, scale_grad_by_freq, gg._data.dtype
        )
        if scale is not None:
            picked = picked * Tensor._make(scale.reshape(indices.shape + (1,)))
        return picked, None, None, None, None


# a table this small (rows x looked-up items) is summed as one product with a one-hot matrix
_ONE_HOT_MAX = 1 << 22


def _scatter_add_rows(xp, flat, rows, num_rows: int):
    """A (num_rows, D) table whose row i is the sum of ``rows[flat == i]``."""
    if xp is np and rows.dtype.char in "fd" and 0 < num_rows * flat.size <= _ONE_HOT_MAX:
        # a small vocabulary (65 characters, 64 positions): one product with the one-hot
        # matrix of the indices; for 2048 looked-up rows of a transposed gradient (an LSTM's)
        # 0.38 ms against 1.1 for sort and sum, about the same on a C-ordered one
        one_hot = (np.arange(num_rows)[:, None] == flat[None, :]).astype(rows.dtype)
        return one_hot @ rows
    out = xp.zeros((num_rows, rows.shape[-1]), dtype=rows.dtype)
    if xp is not np or flat.size == 0:
        xp.add.at(out, flat, rows)
        return out
    # rows sorted by index (stably), each run of one index summed by reduceat: NumPy's
    # ufunc.at adds one row at a time and is several times slower
    order = np.argsort(flat, kind="stable")
    ordered = flat[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    out[ordered[starts]] = np.add.reduceat(rows[order], starts, axis=0)
    return out


def _row_scale(xp, flat, num_weights, padding_idx, by_freq, dtype):
    """Per looked-up item: 0 for the padding row, 1/count with scale_grad_by_freq."""
    if padding_idx is None and not by_freq:
        return None
    scale = xp.ones(flat.shape, dtype=dtype)
    if by_freq:
        counts = xp.bincount(flat, minlength=num_weights)
        scale = scale / counts[flat]
    if padding_idx is not None:
        scale = xp.where(flat == padding_idx, 0, scale)
    return scale.astype(dtype, copy=False)


def _check_indices(input: Tensor, num_weights: int, what: str = "embedding") -> None:
    if np_kind(input._data.dtype) not in "iu":
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar "
            f"types: Long, Int; but got {input.type()} instead (while checking arguments for "
            f"{what})"
        )
    data = input._data
    if data.size and (int(data.min()) < 0 or int(data.max()) >= num_weights):
        raise IndexError("index out of range in self")


def _padding_index(padding_idx, num_weights: int):
    if padding_idx is None:
        return None
    if not -num_weights <= padding_idx < num_weights:
        raise AssertionError("Padding_idx must be within num_embeddings")
    return padding_idx % num_weights


def _renorm_rows(weight: Tensor, indices, max_norm: float, norm_type: float) -> None:
    """Scale the rows ``indices`` of weight in place so their norm is at most max_norm."""
    with no_grad():
        data = weight._data
        xp = xp_of(data)
        rows = xp.unique(indices.reshape(-1))
        norms = xp.linalg.norm(data[rows], ord=norm_type, axis=1)
        big = norms > max_norm
        scale = max_norm / (norms[big] + 1e-7)
        data[rows[big]] *= scale[:, None].astype(data.dtype)
        weight._vc[0] += 1


def embedding(
    input: Tensor,
    weight: Tensor,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """Rows of ``weight`` picked by the integer tensor ``input`` (output: input.shape + (D,))."""
    _check_indices(input, weight.shape[0])
    padding_idx = _padding_index(padding_idx, weight.shape[0])
    if max_norm is not None:
        _renorm_rows(weight, input._data, max_norm, norm_type)
    return Embedding.apply(weight, input._data.astype(np.int64), padding_idx, scale_grad_by_freq)


def embedding_bag(
    input: Tensor,
    weight: Tensor,
    offsets: Tensor | None = None,
    max_norm: float | None = None,
    norm_type: float = 2,
    scale_grad_by_freq: bool = False,
    mode: str = "mean",
    sparse: bool = False,
    per_sample_weights: Tensor | None = None,
    include_last_offset: bool = False,
    padding_idx: int | None = None,
) -> Tensor:
    """Sum, mean or max of the embeddings in each bag. Bags are the rows of a 2-D input, or
    the runs of a 1-D input that start at ``offsets``. Padding entries are left out."""
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"mode has to be one of sum, mean or max, but got {mode}")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(
            f"embedding_bag: per_sample_weights was not None. per_sample_weights is only "
            f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
            "GitHub."
        )
    xp = xp_of(input._data)
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError(
                "if input is 2D, then offsets has to be None, as input is treated is a "
                "mini-batch of fixed length sequences. However, found offsets of type "
                f"{_class_label(offsets)}"
            )
        bags, length = input.shape
        bag_of = xp.repeat(xp.arange(bags), length)
        flat = input.reshape(-1)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
    elif input.dim() == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.dim() != 1:
            raise ValueError("offsets has to be a 1D Tensor")
        starts = offsets._data.astype(np.int64)
        if include_last_offset:
            starts = starts[:-1]
        bags = starts.shape[0]
        bag_of = xp.searchsorted(starts, xp.arange(input.shape[0]), side="right") - 1
        flat = input
    else:
        raise ValueError(
            f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.dim()}"
        )
    pad = _padding_index(padding_idx, weight.shape[0])
    rows = embedding(flat, weight, None, max_norm, norm_type, scale_grad_by_freq)
    keep = xp.ones(flat.shape, dtype=bool) if pad is None else flat._data != pad
    if per_sample_weights is not None:
        rows = rows * per_sample_weights.unsqueeze(1)
    if mode == "max":
        return _bag_max(rows, bag_of, keep, bags)
    # a (bags, items) matrix sums (or averages) each bag's rows with one product
    member = xp.zeros((bags, flat.shape[0]), dtype=rows._data.dtype)
    member[bag_of[keep], xp.arange(flat.shape[0])[keep]] = 1
    if mode == "mean":
        counts = member.sum(1, keepdims=True)
        member = member / xp.maximum(counts, 1)
    return blas.matmul(Tensor._make(member), rows)


def _class_label(t) -> str:
    return str(type(t)).replace("ember._tensor.Tensor", "torch.Tensor")


def _bag_max(rows: Tensor, bag_of, keep, bags: int) -> Tensor:
    """Max over each bag's rows: place them in a (bags, longest bag) grid, mask, reduce."""
    xp = xp_of(bag_of)
    kept = xp.arange(rows.shape[0])[keep]
    kept_bags = bag_of[kept]
    counts = xp.bincount(kept_bags, minlength=bags)
    width = max(int(counts.max()) if bags else 0, 1)
    # bag_of never decreases, so an item's slot is its distance from its bag's first item
    slot = xp.arange(kept.size) - xp.searchsorted(kept_bags, xp.arange(bags))[kept_bags]
    grid = xp.zeros((bags, width), dtype=np.int64)
    valid = xp.zeros((bags, width), dtype=bool)
    grid[kept_bags, slot] = kept
    valid[kept_bags, slot] = True
    gathered = rows[Tensor._make(grid)]
    lowest = _dtype.finfo(rows.dtype).min
    out = reduction.amax(comparison.where(Tensor._make(valid[..., None]), gathered, lowest), 1)
    empty = Tensor._make((counts == 0)[:, None])
    return comparison.where(empty, 0.0, out).to(rows.dtype)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """An int64 tensor with a trailing dim of size num_classes, 1 at each index."""
    if tensor.dtype is not _dtype.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    data = tensor._data
    xp = xp_of(data)
    if num_classes == -1:
        if data.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(data.max()) + 1
    if data.size:
        if int(data.min()) < 0:
            raise RuntimeError("Class values must be non-negative.")
        if int(data.max()) >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    return Tensor._make((data[..., None] == xp.arange(num_classes)).astype(np.int64))


# ---- rearranging channels and pixels -----------------------------------------------------------


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """(*, C r^2, H, W) -> (*, C, H r, W r)"""
    r = upscale_factor
    if input.dim() < 3:
        raise RuntimeError(
            f"pixel_shuffle expects input to have at least 3 dimensions, but got input with "
            f"{input.dim()} dimension(s)"
        )
    *lead, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError(
            "pixel_shuffle expects its input's 'channel' dimension to be divisible by the "
            f"square of upscale_factor, but input.size(-3)={c} is not divisible by {r * r}"
        )
    n = len(lead)
    x = input.reshape(*lead, c // (r * r), r, r, h, w)
    x = x.permute(*range(n), n, n + 3, n + 1, n + 4, n + 2)
    return x.reshape(*lead, c // (r * r), h * r, w * r)


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """(*, C, H r, W r) -> (*, C r^2, H, W)"""
    r = downscale_factor
    if input.dim() < 3:
        raise RuntimeError(
            f"pixel_unshuffle expects input to have at least 3 dimensions, but got input with "
            f"{input.dim()} dimension(s)"
        )
    *lead, c, h, w = input.shape
    if h % r or w % r:
        which, size = ("height", h) if h % r else ("width", w)
        raise RuntimeError(
            f"pixel_unshuffle expects {which} to be divisible by downscale_factor, but "
            f"input.size({-2 if which == 'height' else -1})={size} is not divisible by {r}"
        )
    n = len(lead)
    x = input.reshape(*lead, c, h // r, r, w // r, r)
    x = x.permute(*range(n), n, n + 2, n + 4, n + 1, n + 3)
    return x.reshape(*lead, c * r * r, h // r, w // r)


def channel_shuffle(input: Tensor, groups: int) -> Tensor:
    """(N, g k, *) -> (N, k g, *): interleave the channels of the groups."""
    c = input.shape[1]
    if c % groups:
        raise RuntimeError(
            f"Number of channels must be divisible by groups. Got {c} channels and {groups} groups."
        )
    n, rest = input.shape[0], tuple(input.shape[2:])
    x = input.reshape(n, groups, c // groups, *rest).transpose(1, 2)
    return x.reshape(n, c, *rest)
