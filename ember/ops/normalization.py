"""Normalisation: batch_norm, layer_norm, group_norm, instance_norm, rms_norm,
local_response_norm, normalize.

One fused primitive, `Normalize`, standardises x over some axes (``(x - mean) / sqrt(var +
eps)``); each norm is that primitive over its own axes plus an affine map.
"""

from __future__ import annotations

import math

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ..autograd.grad_mode import state as _grad_state
from ..backends import parallel, rows
from . import reduction, shape
from ._util import bfloat16_in_float32, xp_of


class Normalize(ArrayFunction):
    """``y = (x - mean) * invstd * w + b`` with mean and (biased) variance over ``axes``;
    ``w`` and ``b`` (optional) are already shaped to broadcast against x.

    math: with ``xhat = (x - mean) * invstd`` and ``gh = g * w``,
    ``dx = invstd * (gh - mean(gh) - xhat * mean(gh * xhat))``, ``dw = sum(g * xhat)``,
    ``db = sum(g)`` (summed to the shapes of w and b).
    ``stats`` (a dict, or None) receives the batch mean and biased variance as arrays.
    """

    node_name = "NativeBatchNormBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias, axes, eps, stats=None):
        xp = xp_of(x)
        axes = tuple(a % x.ndim for a in axes)
        out = xp.empty(x.shape, dtype=x.dtype)
        xhat = xp.empty(x.shape, dtype=x.dtype)

        # weight and bias constant over each normalised group (batch norm's per channel): the
        # affine map folds into one scale, and backward needs only x - mean (see below)
        per_group = all(_constant_over(p, axes, x.ndim) for p in (weight, bias))
        ctx.axes = axes
        ctx.eps = eps
        ctx.bias_shape = bias.shape if bias is not None else None
        ctx.per_group = per_group
        ctx.by_rows = not per_group and _by_rows(x, weight, bias, axes)
        if ctx.by_rows:  # layer norm
            width = math.prod(x.shape[x.ndim - len(axes) :])
            out, xc, mean, var, invstd = _rows_forward(x, weight, bias, eps, width)
            if stats is not None:
                kept = x.shape[: x.ndim - len(axes)] + (1,) * len(axes)
                stats["mean"], stats["var"] = mean.reshape(kept), var.reshape(kept)
            ctx.save_for_backward(x, weight, xc, invstd)
            return out

        def part(cut):
            return _standardize(
                xp, _take(x, cut), _take(weight, cut), _take(bias, cut), axes, eps,
                _take(out, cut), _take(xhat, cut), per_group,
            )  # fmt: skip

        params = (_shape(weight), _shape(bias))
        mean, var, invstd = _by_slices(xp, x, axes, params, part, passes=8)
        if stats is not None:
            stats["mean"] = mean
            stats["var"] = var
        ctx.save_for_backward(x, weight, xhat, invstd)  # xhat holds x - mean when per_group
        return out

    @staticmethod
    def backward(ctx, grad):
        x, weight, xhat, invstd = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        if _grad_state.enabled:
            return _normalize_backward_graph(ctx, grad, x, weight)
        g = grad._data
        xp = xp_of(g)
        w = weight._data if weight is not None else None
        bias_shape = ctx.bias_shape
        if ctx.by_rows:
            gx, gw, gb = _rows_grad(g, xhat._data, w, invstd._data, need_x, need_w, need_b)
            return (
                None if gx is None else Tensor._make(gx.reshape(g.shape)),
                None if gw is None else Tensor._make(gw.reshape(w.shape)),
                None if gb is None else Tensor._make(gb.reshape(bias_shape)),
                None,
                None,
                None,
            )
        gx = xp.empty(g.shape, dtype=g.dtype) if need_x else None

        grad_of_part = _centred_grad if ctx.per_group else _standardize_grad

        def part(cut):
            return grad_of_part(
                xp, _take(g, cut), _take(xhat._data, cut), _take(w, cut),
                _take(invstd._data, cut), ctx.axes, _take(gx, cut), need_w,
                _cut_shape(bias_shape, cut) if need_b else None,
            )  # fmt: skip

        params = (_shape(w), bias_shape)
        gw, gb = _by_slices(xp, g, ctx.axes, params, part, passes=10)
        return (
            None if gx is None else Tensor._make(gx),
            None if gw is None else Tensor._make(gw),
            None if gb is None else Tensor._make(gb),
            None,
            None,
            None,
        )


def _standardize(xp, x, weight, bias, axes, eps, out, xhat, per_group):
    """``out = (x - mean) * invstd * weight + bias`` written in place, and ``xhat``: the
    standardised x, or with ``per_group`` (weight and bias constant over each group) x - mean,
    the affine map then one multiply by ``invstd * weight``. Both are views of one slice;
    returns the slice's mean, biased variance and invstd (keepdims)."""
    mean = _mean(x, axes)
    xp.subtract(x, mean, out=xhat)
    if _channels(xhat, axes):
        var = _dot_over(xp, xhat, xhat, axes)
        var /= math.prod(x.shape[a] for a in axes)
    else:
        xp.multiply(xhat, xhat, out=out)  # a scratch buffer first, the output at the end
        var = _mean(out, axes)
    invstd = 1.0 / xp.sqrt(var + eps)
    if per_group:
        xp.multiply(xhat, invstd if weight is None else invstd * weight, out=out)
    else:
        xhat *= invstd
        if weight is not None:
            xp.multiply(xhat, weight, out=out)
        else:
            out[...] = xhat
    if bias is not None:
        out += bias
    return mean, var, invstd


# ---- layer norm: rows of one matrix, weight and bias along the row ---------------------------
#
# Normalising the trailing dims of a C-ordered array normalises the rows of one (R, D) matrix,
# with weight and bias vectors along the row. NumPy pays a loop set-up per row for every
# reduction and every op that broadcasts a per-row value (0.06 ms over (2048, 128) against
# 0.026 ms for an op on two full arrays), so the row sums are products with ones and the
# per-row scale ``invstd`` meets ``w`` in one product ``invstd w^T`` (a full (R, D) matrix,
# 0.02 ms) instead of two broadcasting passes. x - mean is kept, not xhat (one pass fewer).


def _by_rows(x, weight, bias, axes) -> bool:
    """Whether ``Normalize`` takes the row form: NumPy, trailing axes of a C-ordered float
    array, weight and bias (when given) full over the normalised dims, enough rows."""
    trailing = x.shape[x.ndim - len(axes) :]
    return (
        x.size > 0
        and axes == tuple(range(x.ndim - len(axes), x.ndim))
        and rows.by_product(x.reshape(-1, math.prod(trailing)) if x.flags.c_contiguous else x)
        and all(p is None or p.shape == trailing for p in (weight, bias))
    )


def _outer(column, row):
    """``column (R, 1) * row (D,)`` as a product: with K = 1 NumPy does not call BLAS (0.29 ms
    over (2048, 128)), so a zero second term makes it K = 2 (0.02 ms); each entry is the one
    rounded product, as the broadcast gives."""
    left = np.zeros((column.shape[0], 2), dtype=column.dtype)
    left[:, :1] = column
    right = np.zeros((2, row.size), dtype=column.dtype)
    right[0] = row.reshape(-1)
    return left @ right


def _rows_forward(x, weight, bias, eps, width):
    """``(out, x - mean, mean, var, invstd)`` for rows of ``width`` values; ``x - mean`` as
    ``(R, width)``, mean, var and invstd as ``(R, 1)``."""
    shape = x.shape
    x = x.reshape(-1, width)
    mean = rows.means(x)
    xc = x - mean
    out = xc * xc  # a scratch buffer first
    var = rows.means(out)
    invstd = 1.0 / np.sqrt(var + eps)
    if weight is not None:
        np.multiply(xc, _outer(invstd, weight), out=out)
    else:
        np.multiply(xc, invstd, out=out)
    if bias is not None:
        out += bias.reshape(-1)
    return out.reshape(shape), xc, mean, var, invstd


def _rows_grad(g, xc, w, invstd, need_x, need_w, need_b):
    """``(dx, dw, db)`` of ``_rows_forward`` (None where not needed), dw and db as vectors.

    math: with ``a = mean(g w)`` and ``c = mean(g w xc)`` over each row,
    ``dx = g (invstd w^T) - invstd a - xc invstd^3 c``, ``dw = sum_rows invstd g xc``,
    ``db = sum_rows g``; the row means are products with w, the sums over rows products with
    invstd and ones.
    """
    g = g.reshape(xc.shape)
    if not g.flags.c_contiguous:
        g = np.ascontiguousarray(g)
    gb = rows.column_sums(g) if need_b else None
    gxc = g * xc
    gw = (invstd.T @ gxc)[0] if need_w else None
    gx = None
    if need_x:
        d = xc.shape[1]
        if w is None:
            a, c = rows.means(g), rows.means(gxc)
            gx = g * invstd
        else:
            wv = w.reshape(-1, 1)
            a, c = (g @ wv) / d, (gxc @ wv) / d
            gx = g * _outer(invstd, w)
        np.multiply(xc, c * invstd * invstd * invstd, out=gxc)
        gx -= gxc
        gx -= a * invstd
    return gx, gw, gb


def _centred_grad(xp, g, xc, w, invstd, axes, gx, need_w, bias_shape):
    """``_standardize_grad`` from ``xc = x - mean`` where w is constant over each group.

    math: with ``a = invstd w``, ``m = mean(g)`` and ``s = mean(g xc)`` over each group,
    ``dx = a g - a m - a invstd^2 s xc``, ``dw = invstd sum(g xc)``, ``db = sum(g)``: five
    whole-array passes where the general form makes eight.
    """
    count = max(math.prod(g.shape[a] for a in axes), 1)  # (empty groups: the sums are 0)
    sum_g = _sum(g, axes)
    gb = None if bias_shape is None else _sum_to(sum_g, bias_shape)
    if gx is None and not need_w:
        return None, gb
    if _channels(g, axes):
        sum_gxc = _dot_over(xp, g, xc, axes)
        scratch = xp.empty_like(g)
    else:
        scratch = g * xc
        sum_gxc = _sum(scratch, axes)
    gw = _sum_to(invstd * sum_gxc, w.shape) if need_w else None
    if gx is not None:
        a = invstd if w is None else invstd * w
        xp.multiply(g, a, out=gx)
        gx += xp.multiply(xc, a * invstd * invstd * (sum_gxc / -count), out=scratch)
        gx += a * (sum_g / -count)
    return gw, gb


def _channels(x, axes) -> bool:
    """Whether ``axes`` are every dim but the channels (BatchNorm's)."""
    return x.ndim > 2 and axes == (0,) + tuple(range(2, x.ndim))


def _dot_over(xp, a, b, axes):
    """``(a * b).sum(axis=axes, keepdims=True)`` in one pass (einsum), without writing the
    product out: a step's arrays do not stay in cache, and a pass fewer over a BatchNorm's
    activations is most of its saving (0.16 -> 0.10 ms over (32, 16, 32, 32))."""
    letters = "abcdefghij"[: a.ndim]
    kept = "".join(c for i, c in enumerate(letters) if i not in axes)
    total = xp.einsum(f"{letters},{letters}->{kept}", a, b)
    return total.reshape(tuple(1 if i in axes else n for i, n in enumerate(a.shape)))


def _mean(x, axes):
    """``x.mean(axis=axes, keepdims=True)``, by ``_sum`` (other than float32 and float64:
    NumPy's mean, which accumulates float16 in float32)."""
    if x.size == 0:  # NaN, as NumPy's mean of nothing, without its warning
        keep = tuple(1 if a in axes else n for a, n in enumerate(x.shape))
        return xp_of(x).full(keep, np.nan, dtype=x.dtype)
    if x.dtype.char not in "fd":
        return x.mean(axis=axes, keepdims=True)
    total = _sum(x, axes)
    total /= math.prod(x.shape[a] for a in axes)
    return total


def _sum(x, axes):
    """``x.sum(axis=axes, keepdims=True)``; LayerNorm's trailing axes and BatchNorm's every axis
    but the channels by products with ones (``backends.rows``)."""
    return rows.sum_over(x, axes, keepdims=True)


def _constant_over(p, axes, ndim) -> bool:
    """Whether a parameter array broadcast against an ``ndim``-dim array has extent 1 along
    every dim in ``axes`` (or is absent)."""
    if p is None:
        return True
    lead = ndim - p.ndim
    return all(a < lead or p.shape[a - lead] == 1 for a in axes)


def _standardize_grad(xp, g, xh, w, invstd, axes, gx, need_w, bias_shape):
    """One slice's gradients: ``gx`` written in place (when not None), ``(dw, db)`` returned
    (``db`` when ``bias_shape`` is given)."""
    gw = gb = None
    if bias_shape is not None:
        gb = _sum_to(g, bias_shape)
    if gx is None and not need_w:
        return gw, gb
    g_xhat = g * xh
    if need_w:
        gw = _sum_to(g_xhat, w.shape)
    if gx is not None:
        if w is not None:
            xp.multiply(g, w, out=gx)
            g_xhat *= w  # now gh * xhat
        else:
            gx[...] = g
        proj = _mean(g_xhat, axes)
        gx -= _mean(gx, axes)
        gx -= xp.multiply(xh, proj, out=g_xhat)
        gx *= invstd
    return gw, gb


# ---- cutting a normalisation into independent slices, one per thread -----------------------
#
# A cut is ``(dim, lo, hi, ndim)``: the slice ``lo:hi`` of dim ``dim`` of an ``ndim``-dim array.
# Parameter and statistics arrays broadcast against that array from the right: theirs is the
# dim ``ndim - dim`` places from their end, cut only where they have the full extent.


def _shape(a):
    return None if a is None else a.shape


def _at(shape, cut):
    """The dim of a broadcastable ``shape`` that lines up with the cut dim, or None where it is
    missing or of extent 1 (broadcast along the cut)."""
    dim, _, _, ndim = cut
    at = len(shape) - (ndim - dim)
    return at if at >= 0 and shape[at] != 1 else None


def _take(a, cut):
    """``a``'s part for one slice (all of ``a`` where it is broadcast along the cut)."""
    if a is None or cut is None:
        return a
    at = _at(a.shape, cut)
    return a if at is None else a[(slice(None),) * at + (slice(cut[1], cut[2]),)]


def _cut_shape(shape, cut):
    at = None if cut is None else _at(shape, cut)
    if at is None:
        return shape
    return shape[:at] + (cut[2] - cut[1],) + shape[at + 1 :]


def _by_slices(xp, x, axes, params, part, passes):
    """``part(cut)`` over slices of ``x`` along a dim it is not normalised over (and along which
    every parameter shape is full), one slice per thread, the results joined along that dim;
    ``part(None)`` once where there is no such dim or the work is small. ``passes``: how many
    whole-array passes a part makes."""
    dim = None
    if xp is np:
        for d in range(x.ndim):
            if d in axes or x.shape[d] < 2:
                continue
            cut = (d, 0, 1, x.ndim)
            if any(s is not None and _at(s, cut) is None for s in params):
                continue
            if dim is None or x.shape[d] > x.shape[dim]:
                dim = d
    if dim is None:
        return part(None)
    parts = parallel.over_batch(
        x.shape[dim], lambda lo, hi: part((dim, lo, hi, x.ndim)), passes * x.size
    )
    if len(parts) == 1:
        return parts[0]
    joined = []
    for pieces in zip(*parts):
        if pieces[0] is None:
            joined.append(None)
        else:
            at = pieces[0].ndim - (x.ndim - dim)
            joined.append(np.concatenate(pieces, axis=at))
    return tuple(joined)


def _sum_to(array, shape: tuple):
    """Sum an array over the axes that broadcasting stretched to reach its shape."""
    lead = array.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, s in enumerate(shape) if s == 1 and array.shape[lead + i] != 1
    )
    # (leading dims only, LayerNorm's weight: the sums down the columns of one matrix)
    out = rows.sum_over(array, axes, keepdims=True) if axes else array
    return out.reshape(shape)


def _normalize_backward_graph(ctx, grad, x, weight):
    """The same gradients written with ember ops on x, for create_graph (double backward)."""
    from ._util import sum_to_shape

    axes = ctx.axes
    mean = x.mean(axes, keepdim=True)
    centred = x - mean
    invstd = ((centred * centred).mean(axes, keepdim=True) + ctx.eps).rsqrt()
    xhat = centred * invstd
    gh = grad * weight if weight is not None else grad
    g_mean = gh.mean(axes, keepdim=True)
    gx_mean = (gh * xhat).mean(axes, keepdim=True)
    gx = invstd * (gh - g_mean - xhat * gx_mean)
    gw = sum_to_shape(grad * xhat, weight.shape) if weight is not None else None
    gb = sum_to_shape(grad, ctx.bias_shape) if ctx.needs_input_grad[2] else None
    return gx, gw, gb, None, None, None


def _broadcast_channels(t: Tensor | None, ndim: int):
    """A (C,) tensor shaped (1, C, 1, ...) to act on dim 1 of an ``ndim`` input."""
    if t is None:
        return None
    return t.reshape((1, -1) + (1,) * (ndim - 2)) if ndim > 1 else t


def _affine(out: Tensor, weight, bias, ndim: int) -> Tensor:
    if weight is not None:
        out = out * _broadcast_channels(weight, ndim)
    if bias is not None:
        out = out + _broadcast_channels(bias, ndim)
    return out


def _update_running(running: Tensor, batch, momentum: float) -> None:
    """``running = (1 - momentum) running + momentum batch``, in place, outside autograd."""
    data = running._data
    data *= 1.0 - momentum
    data += momentum * batch.reshape(data.shape).astype(data.dtype, copy=False)
    running._vc[0] += 1


@bfloat16_in_float32
def batch_norm(
    input: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise each channel (dim 1) over the batch and spatial dims.

    Training uses the batch statistics and updates the running ones (the variance unbiased);
    eval uses the running statistics.
    """
    channels = input.shape[1] if input.dim() > 1 else input.shape[0]
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):  # fmt: skip
        if t is not None and t.numel() != channels:
            raise RuntimeError(f"{name} should contain {channels} elements not {t.numel()}")
    ndim = input.dim()
    axes = (0,) + tuple(range(2, ndim))
    if training:
        count = input.numel() // max(channels, 1)
        if count <= 1:
            raise ValueError(
                f"Expected more than 1 value per channel when training, got input size "
                f"{input.shape}"
            )
        stats = {} if running_mean is not None or running_var is not None else None
        w, b = _broadcast_channels(weight, ndim), _broadcast_channels(bias, ndim)
        out = Normalize.apply(input, w, b, axes, eps, stats)
        if running_mean is not None:
            _update_running(running_mean, stats["mean"], momentum)
        if running_var is not None:
            _update_running(running_var, stats["var"] * (count / (count - 1)), momentum)
        return out
    if running_mean is None or running_var is None:
        raise RuntimeError("running_mean and running_var must be defined in evaluation mode")
    mean = _broadcast_channels(running_mean.to(input.dtype), ndim)
    invstd = (_broadcast_channels(running_var.to(input.dtype), ndim) + eps).rsqrt()
    return _affine((input - mean) * invstd, weight, bias, ndim)


def _normalized_axes(input: Tensor, normalized_shape) -> tuple:
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    normalized_shape = tuple(normalized_shape)
    k = len(normalized_shape)
    if k == 0 or tuple(input.shape[input.dim() - k :]) != normalized_shape or input.dim() < k:
        expected = ", ".join(["*"] + [str(s) for s in normalized_shape])
        raise RuntimeError(
            f"Given normalized_shape={list(normalized_shape)}, expected input with shape "
            f"[{expected}], but got input of size{list(input.shape)}"
        )
    return tuple(range(input.dim() - k, input.dim()))


def layer_norm(
    input: Tensor,
    normalized_shape,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise over the trailing ``normalized_shape`` dims, then ``* weight + bias``."""
    axes = _normalized_axes(input, normalized_shape)
    return Normalize.apply(input, weight, bias, axes, eps)


def rms_norm(
    input: Tensor, normalized_shape, weight: Tensor | None = None, eps: float | None = None
) -> Tensor:
    """math: ``x / sqrt(mean(x^2) + eps) * weight`` over the trailing dims; eps defaults to
    the dtype's machine epsilon."""
    axes = _normalized_axes(input, normalized_shape)
    if eps is None:
        eps = _dtype.finfo(input.dtype).eps
    out = input * ((input * input).mean(axes, keepdim=True) + eps).rsqrt()
    return out * weight if weight is not None else out


def group_norm(
    input: Tensor,
    num_groups: int,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise each group of channels (with its spatial dims) per sample."""
    if input.dim() < 2:
        raise RuntimeError(
            f"Expected at least 2 dimensions for input tensor but received {input.dim()}"
        )
    n, c = input.shape[0], input.shape[1]
    if c % num_groups:
        raise RuntimeError(
            f"Expected number of channels in input to be divisible by num_groups, but got "
            f"input of shape {list(input.shape)} and num_groups={num_groups}"
        )
    # the group size spelled out: -1 cannot be inferred for an empty batch
    grouped = input.reshape(n, num_groups, math.prod(input.shape[1:]) // num_groups)
    out = Normalize.apply(grouped, None, None, (2,), eps).reshape(input.shape)
    return _affine(out, weight, bias, input.dim())


@bfloat16_in_float32
def instance_norm(
    input: Tensor,
    running_mean: Tensor | None = None,
    running_var: Tensor | None = None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    use_input_stats: bool = True,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise each channel of each sample over its spatial dims."""
    ndim = input.dim()
    if not use_input_stats:
        return batch_norm(input, running_mean, running_var, weight, bias, False, momentum, eps)
    axes = tuple(range(2, ndim))
    stats = {} if running_mean is not None or running_var is not None else None
    w, b = _broadcast_channels(weight, ndim), _broadcast_channels(bias, ndim)
    out = Normalize.apply(input, w, b, axes, eps, stats)
    if stats is not None:
        count = math.prod(input.shape[2:])
        n = input.shape[0]
        if running_mean is not None:
            _update_running(running_mean, stats["mean"].reshape(n, -1).mean(0), momentum)
        if running_var is not None:
            var = stats["var"].reshape(n, -1).mean(0) * (count / max(count - 1, 1))
            _update_running(running_var, var, momentum)
    return out


def local_response_norm(
    input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0
) -> Tensor:
    """math: ``x_c / (k + alpha / n * sum_{c' near c} x_c'^2)^beta`` over a window of ``size``
    channels (zero padded)."""
    if input.dim() < 3:
        raise ValueError(  # torch's message has this run of spaces
            "Expected 3D or higher dimensionality                          input (got "
            f"{input.dim()} dimensions)"
        )
    if input.numel() == 0:
        return input
    squared = input * input
    c = input.shape[1]
    before, after = size // 2, (size - 1) // 2
    zeros_shape = lambda n: (input.shape[0], n) + tuple(input.shape[2:])  # noqa: E731
    parts = []
    if before:
        parts.append(input.new_zeros(zeros_shape(before)))
    parts.append(squared)
    if after:
        parts.append(input.new_zeros(zeros_shape(after)))
    padded = shape.cat(parts, 1)
    window = padded[:, 0:c]
    for offset in range(1, size):
        window = window + padded[:, offset : offset + c]
    div = (window * (alpha / size) + k) ** beta
    return input / div


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out=None) -> Tensor:
    """``x / max(||x||_p, eps)`` along ``dim``."""
    norm = reduction.norm(input, p, dim, keepdim=True)
    result = input / norm.clamp_min(eps).expand_as(input)
    if out is not None:
        from ._util import handle_out

        return handle_out(result, out)
    return result
