"""Sliding windows on raw arrays: im2col as a strided view, col2im, and the three products of a
convolution (output, input gradient, weight gradient). No Tensor here.

Arrays are laid out as torch's: ``(N, C, *spatial)``; ``nd`` spatial dims (1, 2 or 3).
``pads`` is a tuple of ``(low, high)`` pairs, one per spatial dim (a pair may be negative:
cropping). A convolution is im2col (a strided view, copied once into a contiguous
``(G, C/G*K, N*L)`` block) and one matrix product per group; the input gradient is one product
and col2im, which adds each kernel offset's slice in turn (K iterations of whole-array strided
adds, never a loop over batch, channels or positions). Stride-1 convolutions with one group
skip im2col: products of shifted row slices of the channels-last padded plane (see
``_flat_forward``), in cache-sized blocks of rows. Pooling makes one whole-array pass per
kernel offset over strided slices of the (padded) input.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from . import parallel


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


def im2col(x, kernel, stride, pads, dilation):
    """Contiguous columns ``(N, C*K, L)`` of a ``(N, C, *spatial)`` input (F.unfold's layout),
    and the output's spatial shape."""
    xp = _xp(x)
    n, c = x.shape[:2]
    out = _out_shape(x.shape[2:], kernel, stride, pads, dilation)
    view = windows(pad(x, pads), kernel, stride, dilation, out)
    return xp.ascontiguousarray(view).reshape(n, c * math.prod(kernel), -1), out


def _columns(x, kernel, stride, pads, dilation, groups):
    """The columns of a convolution, laid out ``(G, C/G*K, N*L)`` so that each product below
    is one long matrix product per group, and the output's spatial shape."""
    xp = _xp(x)
    nd = len(kernel)
    n, c = x.shape[:2]
    out = _out_shape(x.shape[2:], kernel, stride, pads, dilation)
    view = windows(pad(x, pads), kernel, stride, dilation, out)  # (N, C, *K, *out)
    order = tuple(range(1, 2 + nd)) + (0,) + tuple(range(2 + nd, 2 + 2 * nd))
    cols = xp.ascontiguousarray(view.transpose(order))  # (C, *K, N, *out)
    return cols.reshape(groups, c // groups * math.prod(kernel), -1), out


def _channels_first(g, groups):
    """``(N, O, *out)`` as ``(G, O/G, N*L)``: one transposing copy."""
    xp = _xp(g)
    gt = xp.ascontiguousarray(g.swapaxes(0, 1))
    return gt.reshape(groups, g.shape[1] // groups, -1)


def conv_forward(x, w, b, stride, pads, dilation, groups, keep=None):
    """``y[n, o] = b[o] + sum_{c, k} w[o, c, k] x[n, c, s*out + d*k - pad]``: im2col and one
    matrix product per group; the bias is added while the result is laid out as (N, O, ...).

    ``keep`` (a dict, or None): where the shifted-plane path runs, it receives each slice of
    the batch's padded plane, for ``conv_backward`` to reuse."""
    xp = _xp(x)
    n = x.shape[0]
    o = w.shape[0]
    out = _out_shape(x.shape[2:], w.shape[2:], stride, pads, dilation)
    # the wide grid's extra product costs as much as the per-image im2col copy at about 1.4
    # (measured with the batch split over two threads: 14x14 images 1.31, 8x8 1.56)
    if _use_flat(x.shape[2:], pads, out, stride, groups, x.shape[1], 1.4):
        y = _flat_forward(x, w, pads, dilation, keep)
        if b is not None:
            y += b.reshape((o,) + (1,) * len(out))
        return y
    if groups == 1:
        return _forward_per_image(x, w, b, stride, pads, dilation, out)
    cols, out = _columns(x, w.shape[2:], stride, pads, dilation, groups)
    y = xp.matmul(w.reshape(groups, o // groups, -1), cols)  # (G, O/G, N*L)
    y = y.reshape((o, n) + out).swapaxes(0, 1)
    result = xp.empty((n, o) + out, dtype=y.dtype)
    if b is None:
        result[...] = y
    else:
        xp.add(y, b.reshape((o,) + (1,) * len(out)), out=result)
    return result


# below this many output positions per image, a product per image is too thin: the weight
# gradient then folds the batch into one product (measured)
_PER_IMAGE_MIN_LENGTH = 256


def _forward_per_image(x, w, b, stride, pads, dilation, out):
    """``conv_forward`` with one group, as ``W (O, C*K) @ cols[n] (C*K, L)`` for each image:
    the products land in (N, O, L) order, the result's own, so nothing is transposed after;
    the batch split over threads."""
    xp = _xp(x)
    n, o = x.shape[0], w.shape[0]
    length = math.prod(out)
    weight = w.reshape(o, -1)
    padded = pad(x, pads)
    y = xp.empty((n, o) + tuple(out), dtype=x.dtype)

    def images(lo, hi):
        view = windows(padded[lo:hi], w.shape[2:], stride, dilation, out)
        cols = xp.ascontiguousarray(view).reshape(hi - lo, weight.shape[1], length)
        part = y[lo:hi].reshape(hi - lo, o, length)
        xp.matmul(weight, cols, out=part)
        if b is not None:
            part += b.reshape(o, 1)

    _over_batch(xp, n, images, n * length * weight.size)
    return y


def conv_weight_grad(x, g, w_shape, stride, pads, dilation, groups):
    """The weight gradient of ``conv_forward`` for an output gradient ``g``: one product of
    ``g`` with the columns of ``x`` per group, the batch folded into the inner dimension."""
    xp = _xp(x)
    # as fast as im2col's in the measured cases, with a smaller copy
    if _use_flat(x.shape[2:], pads, g.shape[2:], stride, groups, x.shape[1], 2):
        return _flat_weight_grad(x, g, tuple(w_shape), pads, dilation)
    out = g.shape[2:]
    length = math.prod(out)
    o, ck = w_shape[0], math.prod(w_shape[1:])
    per_image = groups == 1 and length >= _PER_IMAGE_MIN_LENGTH
    padded = pad(x, pads) if per_image else None

    def images(lo, hi):
        if per_image:  # g as it lies, (n, O, L) @ (n, L, C*K): no transposing copy of g
            view = windows(padded[lo:hi], tuple(w_shape[2:]), stride, dilation, out)
            cols = xp.ascontiguousarray(view).reshape(hi - lo, ck, length)
            products = xp.matmul(g[lo:hi].reshape(hi - lo, o, length), cols.swapaxes(1, 2))
            return products.sum(axis=0)
        cols, _ = _columns(x[lo:hi], tuple(w_shape[2:]), stride, pads, dilation, groups)
        return xp.matmul(_channels_first(g[lo:hi], groups), cols.swapaxes(1, 2))

    # a partial sum per slice of the batch: (G, O/G, C/G*K) each
    parts = _over_batch(xp, x.shape[0], images, g.size * math.prod(w_shape[1:]))
    return _sum_parts(parts).reshape(w_shape)


def conv_input_grad(g, w, size, stride, pads, dilation, groups):
    """The input gradient of ``conv_forward`` (for an input of spatial ``size``): one product
    of the transposed weight with ``g`` gives columns, col2im sums them back."""
    if _use_flat(size, pads, g.shape[2:], stride, groups, w.shape[1], 2):
        return _flat_input_grad(g, w, size, pads, dilation)
    padded_row = size[-1] + pads[-1][0] + pads[-1][1]
    # the widened grid costs (padded_row / out_row - 1) more product: worth it up to ~25%
    if all(s == 1 for s in stride) and padded_row <= 1.25 * g.shape[-1]:
        kernel = _conv_input_grad_unit_stride
    else:
        kernel = _conv_input_grad_columns
    xp = _xp(g)
    n = g.shape[0]
    gx = xp.empty((n, w.shape[1] * groups) + tuple(size), dtype=g.dtype)

    def images(lo, hi):
        gx[lo:hi] = kernel(g[lo:hi], w, size, stride, pads, dilation, groups)

    _over_batch(xp, n, images, g.size * math.prod(w.shape[1:]))
    return gx


def _conv_input_grad_columns(g, w, size, stride, pads, dilation, groups):
    """``conv_input_grad`` as columns (one product) and col2im."""
    xp = _xp(g)
    nd = w.ndim - 2
    kernel = w.shape[2:]
    o, cg = w.shape[:2]
    n = g.shape[0]
    out = g.shape[2:]
    wt = w.reshape(groups, o // groups, -1).swapaxes(1, 2)  # (G, C/G*K, O/G)
    cols = xp.matmul(wt, _channels_first(g, groups))  # (G, C/G*K, N*L)
    cols = cols.reshape((groups, cg) + kernel + (n,) + out)
    order = (2 + nd, 0, 1) + tuple(range(2, 2 + nd)) + tuple(range(3 + nd, 3 + 2 * nd))
    gx = col2im(cols.transpose(order), tuple(size), kernel, stride, pads, dilation)
    return gx.reshape((n, groups * cg) + tuple(size))


def _conv_input_grad_unit_stride(g, w, size, stride, pads, dilation, groups):
    """``conv_input_grad`` for stride 1, with col2im's adds made long and contiguous.

    The output grid is widened to the padded input's row length (its extra cells hold zero
    gradient), so that each kernel offset becomes one shift of the flattened padded plane:
    the adds run over whole planes instead of single rows.
    """
    xp = _xp(g)
    kernel = w.shape[2:]
    o, cg = w.shape[:2]
    n = g.shape[0]
    out = g.shape[2:]
    padded = tuple(s + lo + hi for s, (lo, hi) in zip(size, pads))
    wide = (out[0],) + padded[1:]
    length = math.prod(wide)
    gt = xp.zeros((o, n) + wide, dtype=g.dtype)
    gt[(slice(None), slice(None)) + tuple(slice(0, e) for e in out)] = g.swapaxes(0, 1)
    wt = w.reshape(groups, o // groups, -1).swapaxes(1, 2)  # (G, C/G*K, O/G)
    cols = xp.matmul(wt, gt.reshape(groups, o // groups, -1))  # (G, C/G*K, N*wide)
    cols = cols.reshape(groups, cg, math.prod(kernel), n, length).transpose(
        3, 0, 1, 2, 4
    )  # (N, G, C/G, K, .)
    row = [math.prod(padded[d + 1 :]) for d in range(len(padded))]
    shifts = [
        sum(i * dil * r for i, dil, r in zip(offset, dilation, row))
        for offset in itertools.product(*(range(k) for k in kernel))
    ]
    plane = math.prod(padded)
    buf = xp.zeros((n, groups, cg, max(plane, max(shifts) + length)), dtype=g.dtype)
    for k, shift in enumerate(shifts):
        buf[..., shift : shift + length] += cols[:, :, :, k]
    gx = buf[..., :plane].reshape((n, groups * cg) + padded)
    return gx[
        (slice(None), slice(None)) + tuple(slice(lo, lo + s) for s, (lo, _) in zip(size, pads))
    ]


# ---- stride 1: shifted views of the flattened padded plane, no im2col copy -----------------
#
# The zero-padded input is laid out channels last as one matrix ``(N*P, C)`` (P: the cells of
# one padded plane, images back to back), and the output is computed on a "wide" grid with the
# same row strides (its extra cells are discarded). Kernel offset k then reads the input shifted
# by ``s_k`` flat cells: the weight gradient is one product of a shifted row slice (a view, no
# copy) per offset, and the forward and input gradient copy the windows of a block of rows at a
# time (runs of a kernel row's channels) into a buffer that stays in cache, one product each.
#
# Neighbouring rows share their padding: each row of the plane is its gap of zeros, then its
# data, and a window running off a row's end reads the next row's gap. So a 3x3 convolution
# with padding 1 needs one zero per row and one zero row per image, not two: over 14x14
# images the wide grid is 15x15 (15% more than the output) instead of 16x16 (31% more).

_FLAT_MIN_CHANNELS = 8  # narrower products (a 1-channel input grad) are faster as im2col
_BLOCK_BYTES = 1 << 21  # a block of window rows stays in cache


class _Layout:
    """Stride-1 layout of one image: ``padded`` (each dim its gap then its data), the data's
    offset ``lows`` in it, the flat ``steps`` of the kernel dims, ``top`` (the largest kernel
    offset's shift) and ``base``: where output cell 0's window starts, past the gaps the
    padding does not use."""

    def __init__(self, size, kernel, pads, dilation):
        gaps = _gaps(size, pads, _out_shape(size, kernel, (1,) * len(size), pads, dilation))
        self.padded = tuple(n + gap for n, gap in zip(size, gaps))
        self.lows = tuple(gaps)
        rows = [math.prod(self.padded[d + 1 :]) for d in range(len(size))]
        self.steps = [r * dil for r, dil in zip(rows, dilation)]
        self.top = sum(st * (k - 1) for st, k in zip(self.steps, kernel))
        self.base = sum((gap - lo) * r for gap, (lo, _), r in zip(gaps, pads, rows))
        self.cells = math.prod(self.padded)


def _gaps(size, pads, out):
    """Each dim's gap of zeros: it serves as the high padding of one row and the low padding
    of the next, and is wide enough for an output row to fit in the row."""
    return [max(lo, hi, o - n) for n, (lo, hi), o in zip(size, pads, out)]


def _use_flat(size, pads, out, stride, groups, width, waste) -> bool:
    """Whether the shifted-plane products beat im2col (measured, one thread): unit stride, one
    group, products at least ``_FLAT_MIN_CHANNELS`` wide, and a wide grid at most ``waste``
    times the output."""
    if groups != 1 or any(s != 1 for s in stride) or width < _FLAT_MIN_CHANNELS:
        return False
    cells = math.prod(n + gap for n, gap in zip(size, _gaps(size, pads, out)))
    return cells <= waste * math.prod(out)


def _plane(x, padded, lows, rows_before=0, rows_after=0):
    """``(N, C, *spatial)`` as the zero-padded channels-last matrix
    ``(rows_before + N*P + rows_after, C)``, the array placed at ``lows`` inside each padded
    plane."""
    xp = _xp(x)
    n, c = x.shape[:2]
    cells = n * math.prod(padded)
    buf = xp.zeros((rows_before + cells + rows_after, c), dtype=x.dtype)
    planes = buf[rows_before : rows_before + cells].reshape((n,) + padded + (c,))
    inner = tuple(slice(lo, lo + e) for lo, e in zip(lows, x.shape[2:]))
    # a channel's stride a multiple of 4 KiB makes the transposing read thrash the cache (the
    # channels map to one set): 8 channels at a time are then ~3x faster, otherwise slower
    step = 8 if x.strides[1] % 4096 == 0 else c
    for c0 in range(0, c, step):
        channels = slice(c0, c0 + step)
        planes[(slice(None),) + inner + (channels,)] = xp.moveaxis(x[:, channels], 1, -1)
    return buf


def _window_product(src, kernel, steps, mat, rows, total):
    """``out[r] = sum_k src[r + s_k] @ mat_k`` for ``r < rows``, ``s_k`` the kernel offset
    ``k``'s flat shift (``steps``: the flat step of each kernel dim): the channels-last windows
    of a block of rows are copied (contiguous runs of a kernel row's channels) into a buffer that
    stays in cache, then one product per block with ``mat`` ``(K*C, cols)``. The result has
    ``total`` rows, those past ``rows`` zero."""
    xp = _xp(src)
    c = src.shape[1]
    it = src.itemsize
    rows = max(rows, 0)  # an empty batch
    shape = (rows,) + tuple(kernel) + (c,)
    strides = (c * it,) + tuple(st * c * it for st in steps) + (it,)
    if steps[-1] == 1:  # a kernel row's cells are adjacent: one run of k*C values
        shape = shape[:-2] + (kernel[-1] * c,)
        strides = strides[:-2] + (it,)
    view = _as_strided(xp, src, shape, strides)
    out = xp.empty((total, mat.shape[1]), dtype=src.dtype)
    out[rows:] = 0
    block = max(64, _BLOCK_BYTES // (it * mat.shape[0]))
    buf = xp.empty((min(block, rows),) + shape[1:], dtype=src.dtype)
    for start in range(0, rows, block):
        stop = min(rows, start + block)
        part = buf[: stop - start]
        part[...] = view[start:stop]
        xp.matmul(part.reshape(stop - start, -1), mat, out=out[start:stop])
    return out


def _crop_planes(flat, padded, lows, into):
    """Write the ``(n, C, *size)`` array ``into`` from where it lies (at ``lows``) in the
    channels-last planes ``(n*P, C)``: one transposing copy."""
    xp = _xp(flat)
    n, c = into.shape[:2]
    planes = flat[: n * math.prod(padded)].reshape((n,) + padded + (c,))
    inner = tuple(slice(lo, lo + e) for lo, e in zip(lows, into.shape[2:]))
    into[...] = xp.moveaxis(planes[(slice(None),) + inner], -1, 1)


def _over_batch(xp, n, work, size):
    """``work(lo, hi)`` over slices of the batch, one per CPU thread (see ``parallel``)."""
    if xp is not np:
        return [work(0, n)]
    return parallel.over_batch(n, work, size)


def _sum_parts(parts):
    """The slices' partial sums added into the first."""
    total = parts[0]
    for part in parts[1:]:
        total += part
    return total


def _flat_forward(x, w, pads, dilation, keep=None):
    """``conv_forward`` for stride 1, one group, no bias; the batch split over threads (each
    slice's plane put in ``keep`` when given)."""
    xp = _xp(x)
    n = x.shape[0]
    o = w.shape[0]
    kernel = w.shape[2:]
    nd = len(kernel)
    lay = _Layout(x.shape[2:], kernel, pads, dilation)
    mat = xp.ascontiguousarray(w.transpose(tuple(range(2, 2 + nd)) + (1, 0))).reshape(-1, o)
    y = xp.empty((n, o) + _out_shape(x.shape[2:], kernel, (1,) * nd, pads, dilation), x.dtype)

    def images(lo, hi):
        # (n*P + base + top, C): every window of the output grid lies inside
        plane = _plane(x[lo:hi], lay.padded, lay.lows, rows_after=lay.base + lay.top)
        if keep is not None:
            keep[lo, hi] = plane
        rows = (hi - lo) * lay.cells
        product = _window_product(plane[lay.base :], kernel, lay.steps, mat, rows, rows)
        _crop_planes(product, lay.padded, (0,) * nd, y[lo:hi])

    _over_batch(xp, n, images, n * lay.cells * mat.size)
    return y


def _shifts(kernel, steps):
    """Each kernel offset's flat shift (row-major over the kernel)."""
    return [
        sum(i * st for i, st in zip(offset, steps))
        for offset in itertools.product(*(range(k) for k in kernel))
    ]


def _weight_grad_products(plane, grad, shifts, rows, c, o):
    """``(K, C, O)``: for each kernel offset, the shifted input rows times the gradient."""
    xp = _xp(plane)
    gw = xp.zeros((len(shifts), c, o), dtype=plane.dtype)
    if rows > 0:
        for k, s in enumerate(shifts):
            xp.matmul(plane[s : s + rows].T, grad[:rows], out=gw[k])
    return gw


def _summed(xp, parts, w_shape):
    """The partial ``(K, C, O)`` weight gradients of the slices, summed, as ``(O, C, *K)``."""
    return xp.ascontiguousarray(_sum_parts(parts).transpose(2, 1, 0)).reshape(w_shape)


def _flipped_matrix(w):
    """The kernel flipped, as the ``(K*O, C)`` matrix the input gradient's windows multiply."""
    xp = _xp(w)
    nd = w.ndim - 2
    flipped = w[(slice(None), slice(None)) + (slice(None, None, -1),) * nd]
    mat = xp.ascontiguousarray(flipped.transpose(tuple(range(2, 2 + nd)) + (0, 1)))
    return mat.reshape(-1, w.shape[1])


def _flat_weight_grad(x, g, w_shape, pads, dilation):
    """``conv_weight_grad`` for stride 1, one group: one product per kernel offset, summed
    over the threads' slices of the batch."""
    xp = _xp(x)
    o, c = w_shape[:2]
    kernel = tuple(w_shape[2:])
    lay = _Layout(x.shape[2:], kernel, pads, dilation)
    shifts = _shifts(kernel, lay.steps)

    def images(lo, hi):
        plane = _plane(x[lo:hi], lay.padded, lay.lows, rows_after=lay.base + lay.top)
        grad = _plane(g[lo:hi], lay.padded, (0,) * len(kernel))  # (n*P, O), zero off the grid
        return _weight_grad_products(plane[lay.base :], grad, shifts, grad.shape[0], c, o)

    n = x.shape[0]
    parts = _over_batch(xp, n, images, n * lay.cells * math.prod(w_shape))
    return _summed(xp, parts, w_shape)


def _flat_input_grad(g, w, size, pads, dilation):
    """``conv_input_grad`` for stride 1, one group; the batch split over threads."""
    xp = _xp(g)
    n = g.shape[0]
    c = w.shape[1]
    kernel = w.shape[2:]
    lay = _Layout(size, kernel, pads, dilation)
    mat = _flipped_matrix(w)
    dx = xp.empty((n, c) + tuple(size), dtype=g.dtype)

    def images(lo, hi):
        _input_grad_images(g[lo:hi], mat, kernel, lay, dx[lo:hi])

    _over_batch(xp, n, images, n * lay.cells * mat.size)
    return dx


def _input_grad_images(g, mat, kernel, lay, into):
    """The input gradient of some images written into ``into``; returns the gradient's plane
    (for the weight gradient).

    math: input cell p (on the padded grid) met output cell q through offset k where
    ``p = q + base + s_k``, so ``dx[p] = sum_k g[p - base - s_k] w_k``: the windows of the
    gradient's plane, shifted down by ``top + base`` zero rows, times the kernel flipped (an
    image's windows reach back into the previous plane only where its gradient is zero)."""
    shift = lay.top + lay.base
    grad = _plane(g, lay.padded, (0,) * len(kernel), rows_before=shift)  # (shift + n*P, O)
    rows = g.shape[0] * lay.cells
    product = _window_product(grad, kernel, lay.steps, mat, rows, rows)
    _crop_planes(product, lay.padded, lay.lows, into)
    return grad[shift:]


def conv_backward(x, g, w, stride, pads, dilation, groups, planes=None):
    """Both gradients of ``conv_forward`` at once, ``(dx, dw)``, where both take the stride-1
    shifted-plane path (else None): each slice of the batch lays the gradient's plane out
    once for the two, and the threads are handed work once. ``planes``: the forward's planes
    of x (``conv_forward``'s ``keep``), reused where the slices are the same."""
    size = x.shape[2:]
    if not _use_flat(size, pads, g.shape[2:], stride, groups, x.shape[1], 2):
        return None
    xp = _xp(x)
    n = x.shape[0]
    o, c = w.shape[:2]
    kernel = w.shape[2:]
    lay = _Layout(size, kernel, pads, dilation)
    shifts = _shifts(kernel, lay.steps)
    mat = _flipped_matrix(w)
    dx = xp.empty((n, c) + tuple(size), dtype=g.dtype)

    def images(lo, hi):
        grad = _input_grad_images(g[lo:hi], mat, kernel, lay, dx[lo:hi])  # (n*P, O)
        plane = None if planes is None else planes.get((lo, hi))
        if plane is None:
            plane = _plane(x[lo:hi], lay.padded, lay.lows, rows_after=lay.base + lay.top)
        return _weight_grad_products(plane[lay.base :], grad, shifts, grad.shape[0], c, o)

    parts = _over_batch(xp, n, images, 2 * n * lay.cells * mat.size)
    return dx, _summed(xp, parts, tuple(w.shape))


def unfold(x, kernel, stride, pads, dilation):
    """F.unfold: ``(N, C*K, L)`` columns of ``(N, C, *spatial)``."""
    return im2col(x, kernel, stride, pads, dilation)[0]


def fold(cols, size, kernel, stride, pads, dilation):
    """F.fold: sum ``(N, C*K, L)`` columns back into ``(N, C, *size)``."""
    out = _out_shape(size, kernel, stride, pads, dilation)
    n = cols.shape[0]
    c = cols.shape[1] // math.prod(kernel)
    return col2im(cols.reshape((n, c) + tuple(kernel) + out), size, kernel, stride, pads, dilation)


# ---- pooling: windows over the last nd dims, any number of leading dims -------------------


def _pool_input(x, kernel, stride, pads, dilation, out, value):
    """``x`` padded with ``value``; the high side grows so that ceil_mode's last window fits."""
    nd = len(kernel)
    size = x.shape[x.ndim - nd :]
    pads = tuple(
        (lo, max(hi, (o - 1) * s + d * (k - 1) + 1 - n - lo))
        for n, (lo, hi), o, k, s, d in zip(size, pads, out, kernel, stride, dilation)
    )
    return pad(x, pads, value)


def _pool_buffer(g, size, kernel, stride, pads, dilation):
    """Zeros shaped like ``_pool_input`` of an input of spatial ``size`` (g: the output)."""
    xp = _xp(g)
    nd = len(kernel)
    out = g.shape[g.ndim - nd :]
    shape = tuple(
        max(n + lo + hi, (o - 1) * s + d * (k - 1) + 1)
        for n, (lo, hi), o, k, s, d in zip(size, pads, out, kernel, stride, dilation)
    )
    return xp.zeros(g.shape[: g.ndim - nd] + shape, dtype=g.dtype)


def _offsets(x, kernel, stride, dilation, out):
    """For each kernel offset (row-major), the strided slice of a padded ``x`` it reads."""
    head = (slice(None),) * (x.ndim - len(kernel))
    for offset in itertools.product(*(range(k) for k in kernel)):
        yield head + tuple(
            slice(i * d, i * d + (o - 1) * s + 1, s)
            for i, d, o, s in zip(offset, dilation, out, stride)
        )


def _overlapping(kernel, stride, dilation) -> bool:
    return any(d * (k - 1) + 1 > s for k, s, d in zip(kernel, stride, dilation))


def max_pool(x, kernel, stride, pads, dilation, out):
    """``_max_pool`` with the leading dim (batch) split over threads."""
    if x.ndim == len(kernel):
        return _max_pool(x, kernel, stride, pads, dilation, out)
    parts = _over_batch(
        _xp(x),
        x.shape[0],
        lambda lo, hi: _max_pool(x[lo:hi], kernel, stride, pads, dilation, out),
        8 * x.size * math.prod(kernel),
    )
    if len(parts) == 1:
        return parts[0]
    return tuple(np.concatenate(p) for p in zip(*parts))


def _max_pool(x, kernel, stride, pads, dilation, out):
    """Window maxima ``(*lead, *out)`` and the position of each maximum inside its window
    (flat over the kernel, the first one on ties; a NaN wins, as in torch).

    A few whole-array operations per kernel offset: the maxima first, then each position is
    the smallest offset whose value equals the maximum (masked writes are slow in NumPy, so
    the index is found with arithmetic on uint8).
    """
    xp = _xp(x)
    floating = x.dtype.kind == "f"
    low = -xp.inf if floating else xp.iinfo(x.dtype).min
    padded = _pool_input(x, kernel, stride, pads, dilation, out, low)
    windows_ = list(_offsets(padded, kernel, stride, dilation, out))
    best = padded[windows_[0]].copy()
    for window in windows_[1:]:
        xp.maximum(best, padded[window], out=best)
    count = len(windows_)
    index_type = xp.uint8 if count < 255 else xp.int64
    none = count  # no offset matched yet
    arg = xp.full(best.shape, none, dtype=index_type)
    step = xp.empty(best.shape, dtype=index_type)
    for k, window in enumerate(windows_):
        match = xp.equal(padded[window], best)
        # step = k where matched, else `none`; arg keeps the smallest
        xp.multiply(match, index_type(none - k), out=step, casting="unsafe")
        xp.subtract(index_type(none), step, out=step)
        xp.minimum(arg, step, out=arg)
    if floating:
        unmatched = arg == none  # a NaN maximum equals nothing: torch keeps the last NaN
        if unmatched.any():
            for k, window in enumerate(windows_):
                arg = xp.where(unmatched & xp.isnan(padded[window]), index_type(k), arg)
    return best, arg


def max_pool_grad(g, arg, size, kernel, stride, pads, dilation):
    """``_max_pool_grad`` with the leading dim (batch) split over threads."""
    xp = _xp(g)
    if g.ndim == len(kernel) or xp is not np:  # nothing to split (a copy would be wasted)
        return _max_pool_grad(g, arg, size, kernel, stride, pads, dilation)
    gx = np.empty(g.shape[: g.ndim - len(kernel)] + tuple(size), dtype=g.dtype)

    def images(lo, hi):
        gx[lo:hi] = _max_pool_grad(g[lo:hi], arg[lo:hi], size, kernel, stride, pads, dilation)

    _over_batch(xp, g.shape[0], images, 4 * g.size * math.prod(kernel))
    return gx


def _max_pool_grad(g, arg, size, kernel, stride, pads, dilation):
    """The adjoint of ``max_pool``: each gradient goes to its window's maximum."""
    xp = _xp(g)
    out = g.shape[g.ndim - len(kernel) :]
    padded = _pool_buffer(g, size, kernel, stride, pads, dilation)
    overlap = _overlapping(kernel, stride, dilation)
    for k, window in enumerate(_offsets(padded, kernel, stride, dilation, out)):
        if overlap:
            padded[window] += g * (arg == k)
        else:  # each input cell lies in one window: write straight into it
            xp.multiply(g, arg == k, out=padded[window])
    return _crop(padded, size, pads)


def _crop(padded, size, pads):
    nd = len(size)
    head = (slice(None),) * (padded.ndim - nd)
    return padded[head + tuple(slice(lo, lo + n) for n, (lo, _) in zip(size, pads))]


def window_gather(x, arg, kernel, stride, pads, dilation, out):
    """``x``'s value at each window's recorded position (the adjoint of ``max_pool_grad``)."""
    xp = _xp(x)
    padded = _pool_input(x, kernel, stride, pads, dilation, out, 0)
    result = xp.zeros(arg.shape, dtype=x.dtype)
    for k, window in enumerate(_offsets(padded, kernel, stride, dilation, out)):
        result += padded[window] * (arg == k)
    return result


def flat_indices(arg, size, kernel, stride, pads, dilation):
    """torch's ``return_indices``: each maximum's flat position in the input's spatial dims."""
    xp = _xp(arg)
    nd = len(kernel)
    out = arg.shape[arg.ndim - nd :]
    arg = arg.astype(xp.int64)
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
    """Window sums over a zero-padded ``x`` divided by ``divisor``: one add per kernel offset."""
    nd = len(kernel)
    ones = (1,) * nd
    padded = _pool_input(x, kernel, stride, pads, ones, out, 0)
    total = None
    for window in _offsets(padded, kernel, stride, ones, out):
        if total is None:
            total = padded[window].copy()
        else:
            total += padded[window]
    total /= divisor
    return total


def avg_pool_grad(g, size, kernel, stride, pads, divisor):
    """The adjoint of ``avg_pool``: each window's share ``g / divisor`` added over the window."""
    nd = len(kernel)
    ones = (1,) * nd
    out = g.shape[g.ndim - nd :]
    share = g / divisor
    padded = _pool_buffer(g, size, kernel, stride, pads, ones)
    overlap = _overlapping(kernel, stride, ones)
    for window in _offsets(padded, kernel, stride, ones, out):
        if overlap:
            padded[window] += share
        else:
            padded[window] = share
    return _crop(padded, size, pads)
