"""Sliding windows on raw arrays: im2col as a strided view, col2im, and the three products of a
convolution (output, input gradient, weight gradient). No Tensor here.

Arrays are laid out as torch's: ``(N, C, *spatial)``; ``nd`` spatial dims (1, 2 or 3).
``pads`` is a tuple of ``(low, high)`` pairs, one per spatial dim (a pair may be negative:
cropping). A convolution is im2col (a strided view, copied once into a contiguous
``(N, G, C/G*K, L)`` block) and one batched matrix product; the input gradient is one matrix
product and col2im, which adds each kernel offset's slice in turn (K iterations of whole-array
strided adds, never a loop over batch, channels or positions).
"""

from __future__ import annotations

import itertools
import math

import numpy as np


def _xp(a):
    if type(a) is np.ndarray:
        return np
    from . import array_module

    return array_module(a)


def _as_strided(xp, a, shape, strides):
    return xp.lib.stride_tricks.as_strided(a, shape=shape, strides=strides)


def out_size(size: int, lo: int, hi: int, k: int, s: int, d: int) -> int:
    """Number of windows of extent ``d*(k-1)+1`` and step ``s`` over ``size + lo + hi``."""
    return (size + lo + hi - d * (k - 1) - 1) // s + 1


def pad(x, pads, value=0.0):
    """``x`` with its last ``len(pads)`` dims grown (or cropped) by ``pads``; new cells hold
    ``value``."""
    xp = _xp(x)
    lead = x.ndim - len(pads)
    if all(lo == 0 and hi == 0 for lo, hi in pads):
        return x
    shape = x.shape[:lead] + tuple(n + lo + hi for n, (lo, hi) in zip(x.shape[lead:], pads))
    if any(s < 0 for s in shape):
        raise RuntimeError(f"padding {pads} gives a negative size {shape}")
    if value == 0:
        out = xp.zeros(shape, dtype=x.dtype)
    else:
        out = xp.full(shape, value, dtype=x.dtype)
    src = [slice(None)] * lead
    dst = [slice(None)] * lead
    for n, (lo, hi) in zip(x.shape[lead:], pads):
        src.append(slice(max(-lo, 0), n - max(-hi, 0)))
        dst.append(slice(max(lo, 0), max(lo, 0) + max(n - max(-lo, 0) - max(-hi, 0), 0)))
    out[tuple(dst)] = x[tuple(src)]
    return out


def windows(x, kernel, stride, dilation, out):
    """The strided view ``(*lead, *kernel, *out)`` of windows over the last ``nd`` dims of an
    already padded ``x``; no copy."""
    xp = _xp(x)
    nd = len(kernel)
    lead = x.ndim - nd
    sp = x.strides[lead:]
    shape = x.shape[:lead] + tuple(kernel) + tuple(out)
    strides = (
        x.strides[:lead]
        + tuple(s * d for s, d in zip(sp, dilation))
        + tuple(s * st for s, st in zip(sp, stride))
    )
    return _as_strided(xp, x, shape, strides)


def col2im(cols, size, kernel, stride, pads, dilation):
    """The adjoint of ``windows(pad(x))``: ``cols`` ``(*lead, *kernel, *out)`` summed back into
    an array ``(*lead, *size)``; one strided add per kernel offset."""
    xp = _xp(cols)
    nd = len(kernel)
    lead = cols.ndim - 2 * nd
    out = cols.shape[lead + nd :]
    padded = tuple(n + lo + hi for n, (lo, hi) in zip(size, pads))
    # room for windows that run past the padded input (ceil_mode pooling)
    padded = tuple(
        max(p, (o - 1) * s + d * (k - 1) + 1)
        for p, o, s, d, k in zip(padded, out, stride, dilation, kernel)
    )
    buf = xp.zeros(cols.shape[:lead] + padded, dtype=cols.dtype)
    head = (slice(None),) * lead
    for offset in itertools.product(*(range(k) for k in kernel)):
        dst = tuple(
            slice(i * d, i * d + (o - 1) * s + 1, s)
            for i, d, o, s in zip(offset, dilation, out, stride)
        )
        buf[head + dst] += cols[head + offset]
    return buf[head + tuple(slice(lo, lo + n) for n, (lo, _) in zip(size, pads))]


def _out_shape(size, kernel, stride, pads, dilation):
    return tuple(
        out_size(n, lo, hi, k, s, d)
        for n, (lo, hi), k, s, d in zip(size, pads, kernel, stride, dilation)
    )


def im2col(x, kernel, stride, pads, dilation, groups=1):
    """Contiguous columns ``(N, G, C/G*K, L)`` of a ``(N, C, *spatial)`` input, and the output's
    spatial shape."""
    xp = _xp(x)
    n, c = x.shape[:2]
    out = _out_shape(x.shape[2:], kernel, stride, pads, dilation)
    view = windows(pad(x, pads), kernel, stride, dilation, out)
    cols = xp.ascontiguousarray(view).reshape(n, groups, c // groups * math.prod(kernel), -1)
    return cols, out


def conv_forward(x, w, stride, pads, dilation, groups):
    """``y[n, o] = sum_{c, k} w[o, c, k] x[n, c, s*out + d*k - pad]``, by im2col and one
    batched matrix product."""
    xp = _xp(x)
    kernel = w.shape[2:]
    cols, out = im2col(x, kernel, stride, pads, dilation, groups)
    wm = w.reshape(groups, w.shape[0] // groups, -1)
    y = xp.matmul(wm, cols)  # (N, G, O/G, L)
    return y.reshape((x.shape[0], w.shape[0]) + out)


def conv_weight_grad(x, g, w_shape, stride, pads, dilation, groups):
    """The weight gradient of ``conv_forward`` for an output gradient ``g``: one product of
    ``g`` with the columns of ``x`` per image, summed over the batch."""
    xp = _xp(x)
    kernel = tuple(w_shape[2:])
    cols, _ = im2col(x, kernel, stride, pads, dilation, groups)
    n = g.shape[0]
    gm = g.reshape(n, groups, w_shape[0] // groups, -1)
    gw = xp.matmul(gm, cols.swapaxes(-1, -2)).sum(axis=0)  # (G, O/G, C/G*K)
    return gw.reshape(w_shape)


def conv_input_grad(g, w, size, stride, pads, dilation, groups):
    """The input gradient of ``conv_forward`` (for an input of spatial ``size``): one product
    of the transposed weight with ``g`` gives columns, col2im sums them back."""
    xp = _xp(g)
    nd = w.ndim - 2
    kernel = w.shape[2:]
    o, cg = w.shape[:2]
    n = g.shape[0]
    out = g.shape[2:]
    # weight as (G, K*C/G, O/G) so that the columns come out as (N, G, *K, C/G, *out)
    wt = w.reshape((groups, o // groups, cg) + kernel)
    wt = wt.transpose((0,) + tuple(range(3, 3 + nd)) + (2, 1)).reshape(groups, -1, o // groups)
    gm = g.reshape(n, groups, o // groups, -1)
    cols = xp.matmul(xp.ascontiguousarray(wt), gm)
    cols = cols.reshape((n, groups) + kernel + (cg,) + out)
    order = (0, 1, 2 + nd) + tuple(range(2, 2 + nd)) + tuple(range(3 + nd, 3 + 2 * nd))
    cols = cols.transpose(order)  # (N, G, C/G, *K, *out), a view
    gx = col2im(cols, tuple(size), kernel, stride, pads, dilation)
    return gx.reshape((n, groups * cg) + tuple(size))


def unfold(x, kernel, stride, pads, dilation):
    """F.unfold: ``(N, C*K, L)`` columns of ``(N, C, *spatial)``."""
    cols, _ = im2col(x, kernel, stride, pads, dilation)
    return cols.reshape(x.shape[0], -1, cols.shape[-1])


def fold(cols, size, kernel, stride, pads, dilation):
    """F.fold: sum ``(N, C*K, L)`` columns back into ``(N, C, *size)``."""
    out = _out_shape(size, kernel, stride, pads, dilation)
    n = cols.shape[0]
    c = cols.shape[1] // math.prod(kernel)
    return col2im(cols.reshape((n, c) + tuple(kernel) + out), size, kernel, stride, pads, dilation)


# ---- pooling: windows over the last nd dims, any number of leading dims -------------------


def _pool_windows(x, kernel, stride, pads, dilation, out, value):
    # the high pad grows so that ceil_mode's last window fits
    nd = len(kernel)
    size = x.shape[x.ndim - nd :]
    pads = tuple(
        (lo, max(hi, (o - 1) * s + d * (k - 1) + 1 - n - lo))
        for n, (lo, hi), o, k, s, d in zip(size, pads, out, kernel, stride, dilation)
    )
    return windows(pad(x, pads, value), kernel, stride, dilation, out)


def _kernel_last(nd, lead):
    return (
        tuple(range(lead)) + tuple(range(lead + nd, lead + 2 * nd)) + tuple(range(lead, lead + nd))
    )


def max_pool(x, kernel, stride, pads, dilation, out):
    """Window maxima ``(*lead, *out)`` and the position of each maximum inside its window
    (flat over the kernel, first one on ties)."""
    xp = _xp(x)
    nd = len(kernel)
    lead = x.ndim - nd
    low = -xp.inf if x.dtype.kind == "f" else xp.iinfo(x.dtype).min
    view = _pool_windows(x, kernel, stride, pads, dilation, out, low)
    flat = xp.ascontiguousarray(view.transpose(_kernel_last(nd, lead)))
    flat = flat.reshape(x.shape[:lead] + tuple(out) + (-1,))
    arg = flat.argmax(axis=-1)
    return flat.max(axis=-1), arg


def max_pool_grad(g, arg, size, kernel, stride, pads, dilation):
    """The adjoint of ``max_pool``: each gradient goes to its window's maximum."""
    xp = _xp(g)
    nd = len(kernel)
    lead = g.ndim - nd
    onehot = arg[..., None] == xp.arange(math.prod(kernel))
    cols = (onehot * g[..., None]).reshape(g.shape + tuple(kernel))
    # (*lead, *out, *K) -> (*lead, *K, *out): the same swap of the two blocks
    cols = cols.transpose(_kernel_last(nd, lead))
    return col2im(cols, size, kernel, stride, pads, dilation)


def window_gather(x, arg, kernel, stride, pads, dilation, out):
    """``x``'s value at each window's recorded position (the adjoint of ``max_pool_grad``)."""
    xp = _xp(x)
    nd = len(kernel)
    view = _pool_windows(x, kernel, stride, pads, dilation, out, 0)
    view = view.transpose(_kernel_last(nd, x.ndim - nd))
    view = view.reshape(view.shape[: x.ndim] + (-1,))
    return xp.take_along_axis(view, arg[..., None], axis=-1)[..., 0]


def flat_indices(arg, size, kernel, stride, pads, dilation):
    """torch's ``return_indices``: each maximum's flat position in the input's spatial dims."""
    xp = _xp(arg)
    nd = len(kernel)
    out = arg.shape[arg.ndim - nd :]
    flat = 0
    for d in range(nd):
        inner = math.prod(kernel[d + 1 :])
        k = (arg // inner) % kernel[d]
        shape = [1] * nd
        shape[d] = out[d]
        origin = (xp.arange(out[d]) * stride[d] - pads[d][0]).reshape(shape)
        flat = flat * size[d] + origin + k * dilation[d]
    return flat


def avg_divisor(size, kernel, stride, pads, out, count_include_pad, divisor_override, dtype):
    """The divisor of each average-pooling window, ``out``-shaped (one factor per dim)."""
    if divisor_override:
        return np.full(out, divisor_override, dtype=dtype)
    div = np.ones(())
    for n, (lo, hi), k, s, o in zip(size, pads, kernel, stride, out):
        start = np.arange(o) * s - lo
        end = np.minimum(start + k, n + hi)
        if count_include_pad:
            count = end - start
        else:
            count = np.minimum(end, n) - np.maximum(start, 0)
        div = np.multiply.outer(div, count)
    return div.astype(dtype)


def avg_pool(x, kernel, stride, pads, out, divisor):
    """Window sums over a zero-padded ``x`` divided by ``divisor``."""
    nd = len(kernel)
    lead = x.ndim - nd
    view = _pool_windows(x, kernel, stride, pads, (1,) * nd, out, 0)
    total = view.sum(axis=tuple(range(lead, lead + nd)))
    return total / divisor


def avg_pool_grad(g, size, kernel, stride, pads, divisor):
    """The adjoint of ``avg_pool``: each window's share spread back over the window."""
    xp = _xp(g)
    nd = len(kernel)
    lead = g.ndim - nd
    share = g / divisor
    share = share.reshape(g.shape[:lead] + (1,) * nd + g.shape[lead:])
    cols = xp.broadcast_to(share, g.shape[:lead] + tuple(kernel) + g.shape[lead:])
    return col2im(cols, size, kernel, stride, pads, (1,) * nd)
