"""Normalisation: batch_norm, layer_norm, group_norm, instance_norm, rms_norm,
local_response_norm, normalize.

One fused primitive, `Normalize`, standardises x over some axes (``(x - mean) / sqrt(var +
eps)``); each norm is that primitive over its own axes plus an affine map.
"""

from __future__ import annotations

import math

from .. import _dtype
from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ..autograd.grad_mode import state as _grad_state
from . import reduction, shape
from ._util import xp_of


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
        mean = x.mean(axis=axes, keepdims=True)
        xhat = x - mean
        out = xhat * xhat  # a scratch buffer first, the output at the end (fewer allocations)
        var = out.mean(axis=axes, keepdims=True)
        invstd = 1.0 / xp.sqrt(var + eps)
        xhat *= invstd
        if stats is not None:
            stats["mean"] = mean
            stats["var"] = var
        ctx.axes = axes
        ctx.eps = eps
        ctx.bias_shape = bias.shape if bias is not None else None
        ctx.save_for_backward(x, weight, xhat, invstd)
        if weight is not None:
            xp.multiply(xhat, weight, out=out)
        else:
            out[...] = xhat
        if bias is not None:
            out += bias
        return out

    @staticmethod
    def backward(ctx, grad):
        x, weight, xhat, invstd = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        if _grad_state.enabled:
            return _normalize_backward_graph(ctx, grad, x, weight)
        axes = ctx.axes
        g = grad._data
        xh = xhat._data
        gx = gw = gb = None
        if need_b:
            gb = Tensor._make(_sum_to(g, ctx.bias_shape))
        if not (need_x or need_w):
            return gx, gw, gb, None, None, None
        g_xhat = g * xh
        if need_w:
            gw = Tensor._make(_sum_to(g_xhat, weight._data.shape))
        if need_x:
            w = weight._data if weight is not None else None
            gh = g * w if w is not None else g.copy()
            if w is not None:
                g_xhat *= w  # now gh * xhat
            proj = g_xhat.mean(axis=axes, keepdims=True)
            gh -= gh.mean(axis=axes, keepdims=True)
            gh -= xp_of(g).multiply(xh, proj, out=g_xhat)
            gh *= invstd._data
            gx = Tensor._make(gh)
        return gx, gw, gb, None, None, None


def _sum_to(array, shape: tuple):
    """Sum an array over the axes that broadcasting stretched to reach its shape."""
    lead = array.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, s in enumerate(shape) if s == 1 and array.shape[lead + i] != 1
    )
    out = array.sum(axis=axes, keepdims=True) if axes else array
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
    grouped = input.reshape(n, num_groups, -1)
    out = Normalize.apply(grouped, None, None, (2,), eps).reshape(input.shape)
    return _affine(out, weight, bias, input.dim())


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
