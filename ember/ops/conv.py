"""Convolution: conv1d/2d/3d, conv_transpose1d/2d/3d, and F.unfold / F.fold.

A convolution is bilinear in its input and weight, and three products make up its whole
calculus: the output ``conv(x, w)``, the input gradient ``conv_input_grad(g, w)`` (which is also
the transposed convolution) and the weight gradient ``conv_weight_grad(x, g)``. The backward of
each is written with the other two, so gradients of any order come out of the same three
kernels (``backends/im2col.py``).

math: <conv(x, w), g> = <x, conv_input_grad(g, w)> = <w, conv_weight_grad(x, g)>
"""

from __future__ import annotations

import math

from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ..autograd.grad_mode import state as _grad_state
from ..backends import im2col, rows
from ._util import bfloat16_in_float32, np_kind, type_name


def _ntuple(value, n: int, name: str) -> tuple:
    if isinstance(value, (list, tuple)):
        if len(value) == 1:
            value = tuple(value) * n
        if len(value) != n:
            raise RuntimeError(
                f"expected {name} to be a single integer value or a list of {n} values"
            )
        return tuple(int(v) for v in value)
    return (int(value),) * n


def _bias_shape(nd: int) -> tuple:
    return (-1,) + (1,) * nd


class _Conv(ArrayFunction):
    """math: y = conv(x, w) + b;  dx = conv_input_grad(dy, w),  dw = conv_weight_grad(x, dy),
    db = sum of dy over batch and space"""

    node_name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, x, w, b, *, stride, pads, dilation, groups):
        # the padded planes of x, kept for the weight gradient when both gradients will be
        # taken in one pass (a transposing copy of x saved per convolution)
        ctx.planes = {} if all(ctx.needs_input_grad[:2]) else None
        y = im2col.conv_forward(x, w, b, stride, pads, dilation, groups, ctx.planes)
        ctx.save_for_backward(x, w)
        ctx.params = dict(stride=stride, pads=pads, dilation=dilation, groups=groups)
        return y

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        gx = gw = gb = None
        both = None
        if need_x and need_w and not _grad_state.enabled:  # no double backward: one pass
            planes, ctx.planes = ctx.planes, None  # freed once used
            both = im2col.conv_backward(x._data, grad._data, w._data, **ctx.params,
                                        planes=planes)  # fmt: skip
        if both is not None:
            gx, gw = Tensor._make(both[0]), Tensor._make(both[1])
        else:
            if need_x:
                gx = _ConvInputGrad.apply(grad, w, None, size=x.shape[2:], **ctx.params)
            if need_w:
                gw = _ConvWeightGrad.apply(x, grad, w_shape=w.shape, **ctx.params)
        if need_b:
            gb = _bias_grad(grad)
        return gx, gw, gb


class _ConvInputGrad(ArrayFunction):
    """The transposed convolution ``conv_input_grad(g, w) + b``, input ``size`` given.

    math: d/dg = conv(., w),  d/dw = conv_weight_grad(., g)"""

    node_name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, g, w, b, *, size, stride, pads, dilation, groups):
        y = im2col.conv_input_grad(g, w, size, stride, pads, dilation, groups)
        if b is not None:
            y += b.reshape(_bias_shape(len(stride)))
        ctx.save_for_backward(g, w)
        ctx.params = dict(stride=stride, pads=pads, dilation=dilation, groups=groups)
        return y

    @staticmethod
    def backward(ctx, grad):
        g, w = ctx.saved_tensors
        need_g, need_w, need_b = ctx.needs_input_grad[:3]
        gg = gw = gb = None
        if need_g:
            gg = _Conv.apply(grad, w, None, **ctx.params)
        if need_w:
            gw = _ConvWeightGrad.apply(grad, g, w_shape=w.shape, **ctx.params)
        if need_b:
            gb = _bias_grad(grad)
        return gg, gw, gb


def _bias_grad(grad: Tensor) -> Tensor:
    """The bias gradient: ``grad`` summed over batch and space (each image's channel rows
    summed by one product, ``backends.rows``, in a plain backward)."""
    if _grad_state.enabled:
        return grad.sum(dim=(0,) + tuple(range(2, grad.ndim)))
    return Tensor._make(rows.channel_sums(grad._data))


class _ConvWeightGrad(ArrayFunction):
    """``conv_weight_grad(x, g)``: the weight gradient of ``conv(x, w)`` for output grad ``g``.

    math: d/dx = conv_input_grad(g, .),  d/dg = conv(x, .)"""

    node_name = "ConvolutionBackwardBackward0"

    @staticmethod
    def forward(ctx, x, g, *, w_shape, stride, pads, dilation, groups):
        ctx.save_for_backward(x, g)
        ctx.params = dict(stride=stride, pads=pads, dilation=dilation, groups=groups)
        return im2col.conv_weight_grad(x, g, tuple(w_shape), stride, pads, dilation, groups)

    @staticmethod
    def backward(ctx, grad):
        x, g = ctx.saved_tensors
        need_x, need_g = ctx.needs_input_grad[:2]
        gx = gg = None
        if need_x:
            gx = _ConvInputGrad.apply(g, grad, None, size=x.shape[2:], **ctx.params)
        if need_g:
            gg = _Conv.apply(x, grad, None, **ctx.params)
        return gx, gg


# ---- argument checks shared by the public functions ----------------------------------------


def _check_operands(name: str, nd: int, input: Tensor, weight: Tensor, bias) -> bool:
    """Raise torch's errors for ranks and dtypes; return whether ``input`` is unbatched."""
    if not isinstance(input, Tensor) or not isinstance(weight, Tensor):
        bad = input if not isinstance(input, Tensor) else weight
        raise TypeError(f"{name}() argument must be Tensor, not {type(bad).__name__}")
    rank = input._data.ndim
    if rank not in (nd + 1, nd + 2):
        raise RuntimeError(
            f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {name}, but got "
            f"input of size: {list(input.shape)}"
        )
    if weight._data.ndim != nd + 2:
        raise RuntimeError(
            f"weight should have at least three dimensions, got {weight._data.ndim}"
            if weight._data.ndim < 3
            else f"Expected {nd + 2}-dimensional weight for {nd + 2}-dimensional input "
            f"{list(input.shape)}, but got {weight._data.ndim}-dimensional weight of size "
            f"{list(weight.shape)} instead"
        )
    if input._data.dtype != weight._data.dtype:
        raise RuntimeError(
            f"Input type ({type_name(input.dtype)}) and weight type "
            f"({type_name(weight.dtype)}) should be the same"
        )
    if bias is not None and bias._data.dtype != input._data.dtype:
        raise RuntimeError(
            f"Input type ({type_name(input.dtype)}) and bias type ({type_name(bias.dtype)}) "
            "should be the same"
        )
    if np_kind(input._data.dtype) not in "fc":
        raise RuntimeError(f"\"{name}\" not implemented for '{type_name(input.dtype)}'")
    return rank == nd + 1


def _check_sizes(input, kernel, stride, pads, dilation):
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("dilation should be greater than zero")
    if any(lo < 0 or hi < 0 for lo, hi in pads):
        raise RuntimeError("negative padding is not supported")
    size = input.shape[2:]
    padded = [n + lo + hi for n, (lo, hi) in zip(size, pads)]
    extent = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    if any(p < e for p, e in zip(padded, extent)):
        raise RuntimeError(
            f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). "
            f"Kernel size: ({' x '.join(map(str, extent))}). Kernel size can't be greater than "
            "actual input size"
        )


def _conv(name, nd, input, weight, bias, stride, padding, dilation, groups) -> Tensor:
    unbatched = _check_operands(name, nd, input, weight, bias)
    if unbatched:
        input = input.unsqueeze(0)
    stride = _ntuple(stride, nd, "stride")
    dilation = _ntuple(dilation, nd, "dilation")
    kernel = tuple(weight.shape[2:])
    if isinstance(padding, str):
        if padding == "valid":
            pads = ((0, 0),) * nd
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            # an odd total pads one more at the end, as torch does
            total = [d * (k - 1) for k, d in zip(kernel, dilation)]
            pads = tuple((t // 2, t - t // 2) for t in total)
        else:
            raise ValueError(
                f"Invalid padding string '{padding}', should be one of {{'valid', 'same'}}"
            )
    else:
        pads = tuple((p, p) for p in _ntuple(padding, nd, "padding"))
    channels = input.shape[1]
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if channels != weight.shape[1] * groups or weight.shape[0] % groups:
        if weight.shape[0] % groups:
            raise RuntimeError(
                f"Given groups={groups}, expected weight to be divisible by {groups} at dimension "
                f"0, but got weight of size {list(weight.shape)} instead"
            )
        raise RuntimeError(
            f"Given groups={groups}, weight of size {list(weight.shape)}, expected input"
            f"{list(input.shape)} to have {weight.shape[1] * groups} channels, but got "
            f"{channels} channels instead"
        )
    if bias is not None and tuple(bias.shape) != (weight.shape[0],):
        raise RuntimeError(
            f"Given weight of size {list(weight.shape)}, expected bias to be 1-dimensional with "
            f"{weight.shape[0]} elements, but got bias of size {list(bias.shape)} instead"
        )
    _check_sizes(input, kernel, stride, pads, dilation)
    out = _Conv.apply(
        input, weight, bias, stride=stride, pads=pads, dilation=dilation, groups=groups
    )
    return out.squeeze(0) if unbatched else out


@bfloat16_in_float32
def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) -> Tensor:
    """1-D convolution (cross-correlation) over ``(N, C, L)``; ``padding`` may be
    ``'same'`` or ``'valid'``."""
    return _conv("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


@bfloat16_in_float32
def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) -> Tensor:
    """2-D convolution over ``(N, C, H, W)``.

    math: y[n, o, i, j] = b[o] + sum_{c,p,q} w[o, c, p, q] x[n, c, s*i + d*p - pad, s*j + d*q - pad]
    """
    return _conv("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


@bfloat16_in_float32
def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) -> Tensor:
    """3-D convolution over ``(N, C, D, H, W)``."""
    return _conv("conv3d", 3, input, weight, bias, stride, padding, dilation, groups)


def _conv_transpose(
    name, nd, input, weight, bias, stride, padding, output_padding, groups, dilation
) -> Tensor:
    unbatched = _check_operands(name, nd, input, weight, bias)
    if unbatched:
        input = input.unsqueeze(0)
    if isinstance(padding, str):
        raise TypeError(f"{name}(): argument 'padding' must be tuple of ints, not str")
    stride = _ntuple(stride, nd, "stride")
    dilation = _ntuple(dilation, nd, "dilation")
    padding = _ntuple(padding, nd, "padding")
    output_padding = _ntuple(output_padding, nd, "output_padding")
    kernel = tuple(weight.shape[2:])
    if input.shape[1] != weight.shape[0]:
        raise RuntimeError(
            f"Given transposed=1, weight of size {list(weight.shape)}, expected input"
            f"{list(input.shape)} to have {weight.shape[0]} channels, but got {input.shape[1]} "
            "channels instead"
        )
    if groups <= 0 or weight.shape[0] % groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
            f"but got weight of size {list(weight.shape)} instead"
        )
    out_channels = weight.shape[1] * groups
    if bias is not None and tuple(bias.shape) != (out_channels,):
        raise RuntimeError(
            f"Given transposed=1, weight of size {list(weight.shape)}, expected bias to be "
            f"1-dimensional with {out_channels} elements, but got bias of size "
            f"{list(bias.shape)} instead"
        )
    for op, s, d in zip(output_padding, stride, dilation):
        if op >= s and op >= d:
            raise RuntimeError(
                "output padding must be smaller than either stride or dilation, but got "
                f"output_padding_height: {op} output_padding_width: {op} stride_height: {s} "
                f"stride_width: {s} dilation_height: {d} dilation_width: {d}"
            )
    size = tuple(
        (n - 1) * s - 2 * p + d * (k - 1) + op + 1
        for n, s, p, d, k, op in zip(
            input.shape[2:], stride, padding, dilation, kernel, output_padding
        )
    )
    if any(n <= 0 for n in size):
        raise RuntimeError(
            f"Given input size per channel: ({' x '.join(map(str, input.shape[2:]))}). "
            f"Calculated output size per channel: ({' x '.join(map(str, size))}). Output size "
            "is too small"
        )
    pads = tuple((p, p) for p in padding)
    out = _ConvInputGrad.apply(
        input,
        weight,
        bias,
        size=size,
        stride=stride,
        pads=pads,
        dilation=dilation,
        groups=groups,
    )
    return out.squeeze(0) if unbatched else out


@bfloat16_in_float32
def conv_transpose1d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
) -> Tensor:
    """1-D transposed convolution: the input gradient of conv1d, as a layer."""
    return _conv_transpose(
        "conv_transpose1d", 1, input, weight, bias, stride, padding, output_padding, groups,
        dilation,
    )  # fmt: skip


@bfloat16_in_float32
def conv_transpose2d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
) -> Tensor:
    """2-D transposed convolution; ``weight`` is ``(C_in, C_out / groups, kH, kW)``.

    math: output size = (in - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1
    """
    return _conv_transpose(
        "conv_transpose2d", 2, input, weight, bias, stride, padding, output_padding, groups,
        dilation,
    )  # fmt: skip


@bfloat16_in_float32
def conv_transpose3d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
) -> Tensor:
    """3-D transposed convolution."""
    return _conv_transpose(
        "conv_transpose3d", 3, input, weight, bias, stride, padding, output_padding, groups,
        dilation,
    )  # fmt: skip


# ---- F.unfold / F.fold: im2col and col2im as ops -------------------------------------------


class _Unfold(ArrayFunction):
    """math: the adjoint of unfold is fold (overlapping windows sum)"""

    node_name = "Im2ColBackward0"

    @staticmethod
    def forward(ctx, x, *, kernel, stride, pads, dilation):
        ctx.params = dict(kernel=kernel, stride=stride, pads=pads, dilation=dilation)
        ctx.size = x.shape[2:]
        return im2col.unfold(x, kernel, stride, pads, dilation)

    @staticmethod
    def backward(ctx, grad):
        return _Fold.apply(grad, size=ctx.size, **ctx.params)


class _Fold(ArrayFunction):
    """math: the adjoint of fold is unfold"""

    node_name = "Col2ImBackward0"

    @staticmethod
    def forward(ctx, cols, *, size, kernel, stride, pads, dilation):
        ctx.params = dict(kernel=kernel, stride=stride, pads=pads, dilation=dilation)
        return im2col.fold(cols, tuple(size), kernel, stride, pads, dilation)

    @staticmethod
    def backward(ctx, grad):
        return _Unfold.apply(grad, **ctx.params)


def _window_args(kernel_size, dilation, padding, stride):
    kernel = _ntuple(kernel_size, 2, "kernel_size")
    dilation = _ntuple(dilation, 2, "dilation")
    pads = tuple((p, p) for p in _ntuple(padding, 2, "padding"))
    stride = _ntuple(stride, 2, "stride")
    if any(v <= 0 for v in kernel + dilation + stride):
        raise RuntimeError(
            f"kernel size, dilation and stride should be greater than zero, but got "
            f"kernel_size {kernel}, dilation {dilation}, stride {stride}"
        )
    return dict(kernel=kernel, stride=stride, pads=pads, dilation=dilation)


@bfloat16_in_float32
def unfold(input, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Sliding local blocks of a ``(N, C, H, W)`` input as columns ``(N, C*kH*kW, L)``."""
    if input.ndim < 3:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-input.ndim}, "
            f"{input.ndim - 1}], but got 2)"
        )
    if input.ndim > 4:
        raise RuntimeError(
            "Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero "
            f"dimensions for input, but got: {list(input.shape)}"
        )
    params = _window_args(kernel_size, dilation, padding, stride)
    unbatched = input.ndim == 3
    x = input.unsqueeze(0) if unbatched else input
    _check_sizes(x, params["kernel"], params["stride"], params["pads"], params["dilation"])
    out = _Unfold.apply(x, **params)
    return out.squeeze(0) if unbatched else out


@bfloat16_in_float32
def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Sum columns ``(N, C*kH*kW, L)`` back into ``(N, C, *output_size)`` (the adjoint of
    unfold)."""
    if input.ndim not in (2, 3):
        raise NotImplementedError(
            f"Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported "
            f"(got {input.ndim}D)"
        )
    params = _window_args(kernel_size, dilation, padding, stride)
    size = _ntuple(output_size, 2, "output_size")
    unbatched = input.ndim == 2
    cols = input.unsqueeze(0) if unbatched else input
    k = math.prod(params["kernel"])
    if cols.shape[1] % k:
        raise RuntimeError(
            f"Expected size of input's dimension 1 to be divisible by the product of "
            f"kernel_size, but got input.size(1)={cols.shape[1]} and kernel_size="
            f"{params['kernel']}"
        )
    blocks = [
        im2col.out_size(n, lo, hi, kk, s, d)
        for n, (lo, hi), kk, s, d in zip(
            size, params["pads"], params["kernel"], params["stride"], params["dilation"]
        )
    ]
    if cols.shape[2] != math.prod(blocks) or any(b <= 0 for b in blocks):
        raise RuntimeError(
            f"Given output_size={size}, kernel_size={params['kernel']}, dilation="
            f"{params['dilation']}, padding={tuple(p for p, _ in params['pads'])}, stride="
            f"{params['stride']}, expected size of input's dimension 2 to match the calculated "
            f"number of sliding blocks {' * '.join(map(str, blocks))} = {math.prod(blocks)}, "
            f"but got input.size(2)={cols.shape[2]}."
        )
    out = _Fold.apply(cols, size=size, **params)
    return out.squeeze(0) if unbatched else out
