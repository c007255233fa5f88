"""Pooling: max, average, adaptive, power-average pooling and max-unpooling, 1-D to 3-D.

Each pooling reads a strided window view of the input (``backends/im2col.py``); nothing loops
over batch, channels or positions. Max pooling remembers where each maximum sits in its window;
its backward sends each gradient there (and the backward of that is a gather at the same
places). Average pooling is linear: its backward spreads each window's share back, and the
backward of the backward is average pooling again.
"""

from __future__ import annotations

import math

import numpy as np

from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ..backends import im2col
from ._util import bfloat16_in_float32, xp_of
from .conv import _ntuple

# ---- the array functions -------------------------------------------------------------------


class _MaxPool(ArrayFunction):
    """math: y = max over the window;  dx = dy at the window's (first) maximum, 0 elsewhere"""

    node_name = "MaxPool2DWithIndicesBackward0"

    @staticmethod
    def forward(ctx, x, *, kernel, stride, pads, dilation, out, return_indices):
        y, arg = im2col.max_pool(x, kernel, stride, pads, dilation, out)
        if ctx.needs_input_grad[0]:
            ctx.arg = arg
            ctx.params = dict(
                size=x.shape[x.ndim - len(kernel) :],
                kernel=kernel,
                stride=stride,
                pads=pads,
                dilation=dilation,
            )
        if not return_indices:
            return y
        size = x.shape[x.ndim - len(kernel) :]
        indices = im2col.flat_indices(arg, size, kernel, stride, pads, dilation)
        ctx.mark_non_differentiable(indices)
        return y, indices

    @staticmethod
    def backward(ctx, grad, *_):
        return _MaxPoolGrad.apply(grad, arg=ctx.arg, **ctx.params)


class _MaxPoolGrad(ArrayFunction):
    """Each gradient sent to its window's maximum (the adjoint of `_WindowGather`)."""

    node_name = "MaxPool2DWithIndicesBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, *, arg, size, kernel, stride, pads, dilation):
        ctx.arg = arg
        ctx.params = dict(kernel=kernel, stride=stride, pads=pads, dilation=dilation)
        return im2col.max_pool_grad(grad, arg, size, kernel, stride, pads, dilation)

    @staticmethod
    def backward(ctx, grad):
        return _WindowGather.apply(grad, arg=ctx.arg, **ctx.params)


class _WindowGather(ArrayFunction):
    """Each window's value at its recorded position (the adjoint of `_MaxPoolGrad`)."""

    @staticmethod
    def forward(ctx, x, *, arg, kernel, stride, pads, dilation):
        ctx.arg = arg
        ctx.params = dict(
            size=x.shape[x.ndim - len(kernel) :],
            kernel=kernel,
            stride=stride,
            pads=pads,
            dilation=dilation,
        )
        out = arg.shape[arg.ndim - len(kernel) :]
        return im2col.window_gather(x, arg, kernel, stride, pads, dilation, out)

    @staticmethod
    def backward(ctx, grad):
        return _MaxPoolGrad.apply(grad, arg=ctx.arg, **ctx.params)


class _AvgPool(ArrayFunction):
    """math: y = (sum over the window) / divisor;  dx = the adjoint (`_AvgPoolGrad`)"""

    node_name = "AvgPool2DBackward0"

    @staticmethod
    def forward(ctx, x, *, kernel, stride, pads, out, divisor):
        divisor = xp_of(x).asarray(divisor)
        ctx.params = dict(
            size=x.shape[x.ndim - len(kernel) :],
            kernel=kernel,
            stride=stride,
            pads=pads,
            divisor=divisor,
        )
        return im2col.avg_pool(x, kernel, stride, pads, out, divisor)

    @staticmethod
    def backward(ctx, grad):
        return _AvgPoolGrad.apply(grad, **ctx.params)


class _AvgPoolGrad(ArrayFunction):
    """Each window's share ``g / divisor`` spread over the window; its adjoint is `_AvgPool`."""

    node_name = "AvgPool2DBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, *, size, kernel, stride, pads, divisor):
        ctx.params = dict(
            kernel=kernel, stride=stride, pads=pads, out=grad.shape[grad.ndim - len(kernel) :]
        )
        ctx.divisor = divisor
        return im2col.avg_pool_grad(grad, size, kernel, stride, pads, divisor)

    @staticmethod
    def backward(ctx, grad):
        return _AvgPool.apply(grad, divisor=ctx.divisor, **ctx.params)


class _GatherFlat(ArrayFunction):
    """``x[..., index]`` along the last dim, ``index`` broadcast against ``x``'s leading dims.

    math: the adjoint is a scatter-add (`_ScatterAddFlat`)"""

    node_name = "GatherBackward0"

    @staticmethod
    def forward(ctx, x, *, index):
        ctx.index = index
        ctx.length = x.shape[-1]
        lead = np.broadcast_shapes(x.shape[:-1], index.shape[:-1])
        x = xp_of(x).broadcast_to(x, lead + x.shape[-1:])
        ctx.shape = x.shape
        return xp_of(x).take_along_axis(x, index, axis=-1)

    @staticmethod
    def backward(ctx, grad):
        return _ScatterAddFlat.apply(grad, index=ctx.index, length=ctx.length)


class _ScatterAddFlat(ArrayFunction):
    """Zeros of length ``length`` along the last dim, ``src`` added at ``index``.

    math: the adjoint is a gather (`_GatherFlat`)"""

    node_name = "ScatterAddBackward0"

    @staticmethod
    def forward(ctx, src, *, index, length):
        ctx.index = index
        xp = xp_of(src)
        index = xp.broadcast_to(index, src.shape)
        rows = math.prod(src.shape[:-1])
        key = (xp.arange(rows).reshape(src.shape[:-1] + (1,)) * length + index).ravel()
        out = xp.bincount(key, weights=src.ravel(), minlength=rows * length)
        return out.astype(src.dtype, copy=False).reshape(src.shape[:-1] + (length,))

    @staticmethod
    def backward(ctx, grad):
        return _GatherFlat.apply(grad, index=ctx.index)


# ---- argument handling -------------------------------------------------------------------


def _check_rank(input: Tensor, nd: int, name: str):
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' must be Tensor, not {type(input).__name__}")
    # a zero batch is allowed, an empty channel or spatial dim is not
    if input.ndim not in (nd + 1, nd + 2) or 0 in input.shape[input.ndim - nd - 1 :]:
        raise RuntimeError(
            f"non-empty {nd + 1}D or {nd + 2}D (batch mode) tensor expected for input"
        )


def _pool_geometry(input, nd, kernel_size, stride, padding, dilation, ceil_mode):
    kernel = _ntuple(kernel_size, nd, "kernel_size")
    stride = kernel if stride is None or stride == [] or stride == () else stride
    stride = _ntuple(stride, nd, "stride")
    padding = _ntuple(padding, nd, "padding")
    dilation = _ntuple(dilation, nd, "dilation")
    if any(k <= 0 for k in kernel):
        raise RuntimeError(
            f"kernel size should be greater than zero, but got kernel size {list(kernel)}"
        )
    if any(s <= 0 for s in stride):
        raise RuntimeError("stride should not be zero")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"dilation should be greater than zero, but got {list(dilation)}")
    for p, k, d in zip(padding, kernel, dilation):
        if p > (d * (k - 1) + 1) // 2 or p < 0:
            raise RuntimeError(
                f"pad should be at most half of effective kernel size, but got pad={p}, "
                f"kernel_size={k} and dilation={d}"
            )
    size = tuple(input.shape[-nd:])
    out = []
    for n, k, s, p, d in zip(size, kernel, stride, padding, dilation):
        span = n + 2 * p - d * (k - 1) - 1
        o = (-(-span // s) if ceil_mode else span // s) + 1
        if ceil_mode and (o - 1) * s >= n + p:
            o -= 1
        out.append(o)
    if any(o <= 0 for o in out):
        lead = input.shape[-nd - 1]
        raise RuntimeError(
            f"Given input size: ({'x'.join(map(str, (lead,) + size))}). Calculated output size: "
            f"({'x'.join(map(str, [lead] + out))}). Output size is too small"
        )
    pads = tuple((p, p) for p in padding)
    return kernel, stride, pads, dilation, tuple(out)


def _max_pool(nd, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    _check_rank(input, nd, f"max_pool{nd}d")
    kernel, stride, pads, dilation, out = _pool_geometry(
        input, nd, kernel_size, stride, padding, dilation, ceil_mode
    )
    return _MaxPool.apply(
        input,
        kernel=kernel,
        stride=stride,
        pads=pads,
        dilation=dilation,
        out=out,
        return_indices=bool(return_indices),
    )


@bfloat16_in_float32
def max_pool1d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    """1-D max pooling over ``(N, C, L)``; with ``return_indices`` also each maximum's index."""
    return _max_pool(1, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


@bfloat16_in_float32
def max_pool2d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    """2-D max pooling; indices (with ``return_indices``) are flat over ``H*W``, as torch's."""
    return _max_pool(2, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


@bfloat16_in_float32
def max_pool3d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    """3-D max pooling over ``(N, C, D, H, W)``."""
    return _max_pool(3, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


@bfloat16_in_float32
def max_pool1d_with_indices(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=True
):
    """max_pool1d returning ``(values, indices)``."""
    return _max_pool(1, input, kernel_size, stride, padding, dilation, ceil_mode, True)


@bfloat16_in_float32
def max_pool2d_with_indices(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=True
):
    """max_pool2d returning ``(values, indices)``."""
    return _max_pool(2, input, kernel_size, stride, padding, dilation, ceil_mode, True)


@bfloat16_in_float32
def max_pool3d_with_indices(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=True
):
    """max_pool3d returning ``(values, indices)``."""
    return _max_pool(3, input, kernel_size, stride, padding, dilation, ceil_mode, True)


def _avg_pool(nd, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor):
    if nd == 2 and isinstance(input, Tensor) and input.ndim < 3:
        # torch reads size(-3) before checking the rank
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-max(input.ndim, 1)}, "
            f"{max(input.ndim, 1) - 1}], but got -3)"
        )
    _check_rank(input, nd, f"avg_pool{nd}d")
    if divisor is not None and divisor == 0:
        raise RuntimeError("divisor must be not zero")
    kernel, stride, pads, _, out = _pool_geometry(
        input, nd, kernel_size, stride, padding, 1, ceil_mode
    )
    size = tuple(input.shape[-nd:])
    div = im2col.avg_divisor(
        size, kernel, stride, pads, out, count_include_pad, divisor, input._data.dtype
    )
    return _AvgPool.apply(input, kernel=kernel, stride=stride, pads=pads, out=out, divisor=div)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """1-D average pooling."""
    return _avg_pool(1, input, kernel_size, stride, padding, ceil_mode, count_include_pad, None)


def avg_pool2d(
    input,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
):
    """2-D average pooling; the divisor counts padding cells unless ``count_include_pad`` is
    False, and ``divisor_override`` replaces it."""
    return _avg_pool(
        2, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override
    )


def avg_pool3d(
    input,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
):
    """3-D average pooling."""
    return _avg_pool(
        3, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override
    )


def _lp_pool(nd, input, norm_type, kernel_size, stride, ceil_mode):
    kernel = _ntuple(kernel_size, nd, "kernel_size")
    if stride is not None:
        out = _avg_pool(nd, input.pow(norm_type), kernel, stride, 0, ceil_mode, True, None)
    else:
        out = _avg_pool(nd, input.pow(norm_type), kernel, None, 0, ceil_mode, True, None)
    # torch's formulation, kept so that the gradient at zero windows matches
    return (out.sign() * out.abs().clamp(min=0)).mul(math.prod(kernel)).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False) -> Tensor:
    """Power-average pooling: ``(sum over the window of x^p)^(1/p)``."""
    return _lp_pool(1, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False) -> Tensor:
    """2-D power-average pooling: ``(sum over the window of x^p)^(1/p)``."""
    return _lp_pool(2, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False) -> Tensor:
    """3-D power-average pooling."""
    return _lp_pool(3, input, norm_type, kernel_size, stride, ceil_mode)


# ---- adaptive pooling ----------------------------------------------------------------------


def _adaptive_sizes(input, nd, output_size, name):
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' must be Tensor, not {type(input).__name__}")
    if isinstance(output_size, (list, tuple)) and nd > 1 and input.ndim <= len(output_size):
        raise ValueError(f"Input dimension should be at least {len(output_size) + 1}")
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(
            f"{name}(): Expected {nd + 1}D or {nd + 2}D tensor, but got {list(input.shape)}"
        )
    size = tuple(input.shape[-nd:])
    if not isinstance(output_size, (list, tuple)):
        output_size = (output_size,) * nd
    if len(output_size) != nd:
        raise RuntimeError(f"{name}: output_size must be {nd}")
    out = tuple(n if o is None else int(o) for o, n in zip(output_size, size))
    if any(o < 0 for o in out):
        raise RuntimeError(f"{name}: elements of output_size must be greater than or equal to 0")
    for d in range(input.ndim - nd):
        if input.shape[d] == 0 and d > 0:
            raise RuntimeError(
                f"{name}(): Expected input to have non-zero size for non-batch dimensions, but "
                f"input has sizes {list(input.shape)} with dimension {d} being empty"
            )
    return size, out


def _windows_1d(n: int, o: int):
    """Start and end of each adaptive window: [floor(i*n/o), ceil((i+1)*n/o))."""
    i = np.arange(o)
    return (i * n) // o, -((-(i + 1) * n) // o)


def _average_matrix(n: int, o: int, dtype) -> np.ndarray:
    start, end = _windows_1d(n, o)
    cols = np.arange(n)
    inside = (cols >= start[:, None]) & (cols < end[:, None])
    return (inside / (end - start)[:, None]).astype(dtype)


def _along_last_dims(x: Tensor, mats) -> Tensor:
    """Apply matrix ``mats[d]`` (``out_d x in_d``) along each of ``x``'s last dims."""
    nd = len(mats)
    for d, m in enumerate(mats):
        dim = x.ndim - nd + d
        t = Tensor._make(xp_of(x._data).asarray(np.ascontiguousarray(m.T)))
        if dim == x.ndim - 1:
            x = x.matmul(t)
        else:
            x = x.transpose(dim, -1).matmul(t).transpose(dim, -1)
    return x


def _adaptive_avg_pool(nd, input, output_size, name):
    size, out = _adaptive_sizes(input, nd, output_size, name)
    if all(o == 1 for o in out):
        return input.mean(dim=tuple(range(-nd, 0)), keepdim=True)
    if all(o > 0 and n % o == 0 for n, o in zip(size, out)):
        kernel = tuple(n // o for n, o in zip(size, out))
        return _avg_pool(nd, input, kernel, kernel, 0, False, True, None)
    dtype = input._data.dtype
    return _along_last_dims(input, [_average_matrix(n, o, dtype) for n, o in zip(size, out)])


def adaptive_avg_pool1d(input, output_size) -> Tensor:
    """Average pooling to a given output length (windows ``[floor(i*n/o), ceil((i+1)*n/o))``)."""
    return _adaptive_avg_pool(1, input, output_size, "adaptive_avg_pool1d")


def adaptive_avg_pool2d(input, output_size) -> Tensor:
    """Average pooling to a given output size; ``None`` keeps that dim's size."""
    return _adaptive_avg_pool(2, input, output_size, "adaptive_avg_pool2d")


def adaptive_avg_pool3d(input, output_size) -> Tensor:
    """Average pooling of ``(N, C, D, H, W)`` to a given output size."""
    return _adaptive_avg_pool(3, input, output_size, "adaptive_avg_pool3d")


def _adaptive_max_pool(nd, input, output_size, return_indices, name):
    size, out = _adaptive_sizes(input, nd, output_size, name)
    if all(o > 0 and n % o == 0 for n, o in zip(size, out)):
        kernel = tuple(n // o for n, o in zip(size, out))
        return _max_pool(nd, input, kernel, kernel, 0, 1, False, return_indices)
    # every window as a row of flat input positions, short windows padded with their own last
    # element (a repeat changes neither the maximum nor which position comes first)
    table = 0
    for d, (n, o) in enumerate(zip(size, out)):
        start, end = _windows_1d(n, o)
        width = int((end - start).max())
        idx = np.minimum(start[:, None] + np.arange(width), end[:, None] - 1)
        shape = [1] * (2 * nd)
        shape[d], shape[nd + d] = o, width
        table = table * n + idx.reshape(shape)
    table = table.reshape(out + (-1,))
    xp = xp_of(input._data)
    lead = input.shape[: input.ndim - nd]
    flat = input._data.reshape(lead + (-1,))
    table = xp.asarray(table)
    rows = flat[..., table.reshape(-1)].reshape(lead + out + (-1,))
    arg = rows.argmax(axis=-1)[..., None]
    index = xp.take_along_axis(xp.broadcast_to(table, arg.shape[:-1] + table.shape[-1:]), arg, -1)
    index = index.reshape(lead + (-1,))
    values = _GatherFlat.apply(input.reshape(lead + (-1,)), index=index).reshape(lead + out)
    if return_indices:
        return values, Tensor._make(index.reshape(lead + out))
    return values


@bfloat16_in_float32
def adaptive_max_pool1d(input, output_size, return_indices=False):
    """Max pooling to a given output length."""
    return _adaptive_max_pool(1, input, output_size, return_indices, "adaptive_max_pool1d")


@bfloat16_in_float32
def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max pooling to a given output size; indices are flat over ``H*W``."""
    return _adaptive_max_pool(2, input, output_size, return_indices, "adaptive_max_pool2d")


@bfloat16_in_float32
def adaptive_max_pool3d(input, output_size, return_indices=False):
    """Max pooling of ``(N, C, D, H, W)`` to a given output size."""
    return _adaptive_max_pool(3, input, output_size, return_indices, "adaptive_max_pool3d")


# ---- max unpooling -------------------------------------------------------------------------


def _max_unpool(nd, input, indices, kernel_size, stride, padding, output_size, name):
    kernel = _ntuple(kernel_size, nd, "kernel_size")
    stride = kernel if stride is None else _ntuple(stride, nd, "stride")
    padding = _ntuple(padding, nd, "padding")
    size = tuple(
        (n - 1) * s - 2 * p + k for n, s, p, k in zip(input.shape[-nd:], stride, padding, kernel)
    )
    if output_size is not None:
        output_size = tuple(int(s) for s in output_size)[-nd:]
        for o, s, d in zip(output_size, size, stride):
            if not s - d < o < s + d:
                raise ValueError(
                    f"invalid output_size {output_size} (dim should be in the range "
                    f"{s - d} to {s + d})"
                )
        size = output_size
    if tuple(indices.shape) != tuple(input.shape):
        raise RuntimeError(
            f"Expected shape of indices to be same as that of the input tensor "
            f"({list(input.shape)}) but got indices tensor with shape: {list(indices.shape)}"
        )
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(
            f"Input to {name} should be a {nd + 1}d or {nd + 2}d Tensor, but got a tensor with "
            f"{input.ndim} dimensions."
        )
    length = math.prod(size)
    idx = indices._data
    if idx.size and (int(idx.min()) < 0 or int(idx.max()) >= length):
        raise RuntimeError(f"Found an invalid max index: {int(idx.max())} (output volumes are "
                           f"of size {'x'.join(map(str, size))}")  # fmt: skip
    lead = input.shape[: input.ndim - nd]
    flat = _ScatterAddFlat.apply(
        input.reshape(lead + (-1,)), index=idx.reshape(lead + (-1,)), length=length
    )
    return flat.reshape(lead + size)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The partial inverse of max_pool1d: each value placed at its index, zeros elsewhere."""
    return _max_unpool(1, input, indices, kernel_size, stride, padding, output_size, "max_unpool1d")


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The partial inverse of max_pool2d: each value placed at its flat ``H*W`` index."""
    return _max_unpool(2, input, indices, kernel_size, stride, padding, output_size, "max_unpool2d")


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The partial inverse of max_pool3d."""
    return _max_unpool(3, input, indices, kernel_size, stride, padding, output_size, "max_unpool3d")
