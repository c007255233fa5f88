"""Activation functions: relu and its relatives, the smooth ones (gelu, silu, softplus...),
softmax and log_softmax.

The hot and the delicate ones are fused Functions: the piecewise-linear family (relu,
hardtanh, leaky_relu, threshold, shrinks) shares `PiecewiseLinear`; the ELU family shares
`ExpLinear`; gelu, softmax and log_softmax (which must not overflow) have their own. Their
backward works on arrays, and switches to ember ops under create_graph so double backward
holds. The rest (silu, mish, softplus, logsigmoid, glu...) are compositions of ember ops.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ..autograd.grad_mode import state as _grad_state
from ..backends import elementwise, rows, special
from . import comparison, shape, unary
from ._util import float_input, in_float32, wrap_dim, xp_of

_SQRT_HALF = math.sqrt(0.5)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _result(input: Tensor, result: Tensor, inplace: bool) -> Tensor:
    """Write ``result`` into ``input`` when the caller asked for the in-place form."""
    if not inplace:
        return result
    from .indexing import _assign

    return _assign(input, result)


class PiecewiseLinear(ArrayFunction):
    """An op that is linear on pieces of its input (relu, hardtanh, leaky_relu, shrink...).

    The caller computes the output and the local slope from x's array; backward multiplies
    the gradient by the slope. The gradient still hangs off the output in the graph (as
    torch's ``threshold_backward`` does), so a double backward through it sees a (zero)
    dependence; saving the output rather than x keeps the in-place forms (relu_) valid.
    """

    node_name = "PiecewiseLinearBackward0"

    @staticmethod
    def forward(ctx, x, out, slope):
        if any(ctx.needs_input_grad):  # (nothing is kept when no graph is recorded)
            ctx.save_for_backward(out)
            ctx.slope = slope
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return ScaleGrad.apply(grad, out, ctx.slope), None, None


class ScaleGrad(ArrayFunction):
    """``grad * slope`` for a constant slope array; ``x`` only links the result to the graph."""

    @staticmethod
    def forward(ctx, grad, x, slope):
        if any(ctx.needs_input_grad):
            ctx.slope = slope
        return grad * slope

    @staticmethod
    def backward(ctx, g):
        return ScaleGrad.apply(g, None, ctx.slope), None, None


def _piecewise(input: Tensor, out, slope, inplace: bool) -> Tensor:
    dtype = input._data.dtype
    result = PiecewiseLinear.apply(input, out.astype(dtype, copy=False), slope.astype(dtype))
    return _result(input, result, inplace)


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """Rectified linear unit: ``max(x, 0)`` (NaN stays NaN, as in torch)."""
    x = input._data
    # the bool mask is the slope: the gradient is multiplied by it without a float copy
    out = elementwise.against_scalar(xp_of(x).maximum, x, x.dtype.type(0))
    # the gradient passes where x is not <= 0: NaN included, as torch's threshold_backward
    result = PiecewiseLinear.apply(input, out, ~(x <= 0))
    return _result(input, result, inplace)


def relu_(input: Tensor) -> Tensor:
    """In-place :func:`relu`."""
    return relu(input, inplace=True)


def hardtanh(
    input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False
) -> Tensor:
    """``clamp(x, min_val, max_val)``; gradient 1 strictly inside the band (torch's rule)."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    x = input._data
    inside = (x > min_val) & (x < max_val)
    return _piecewise(input, xp_of(x).clip(x, min_val, max_val), inside, inplace)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """``min(max(x, 0), 6)``"""
    return hardtanh(input, 0.0, 6.0, inplace)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """``x`` where positive, ``negative_slope * x`` elsewhere."""
    x = input._data
    slope = xp_of(x).where(x > 0, 1.0, negative_slope).astype(x.dtype, copy=False)
    return _piecewise(input, x * slope, slope, inplace)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """``x`` where ``x > threshold``, else ``value``."""
    x = input._data
    keep = x > threshold
    return _piecewise(input, xp_of(x).where(keep, x, value), keep, inplace)


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """``x - lambd`` above lambd, ``x + lambd`` below -lambd, 0 between."""
    if lambd < 0:
        raise RuntimeError(f"lambda must be greater or equal to 0, but found to be {float(lambd)}.")
    x = input._data
    xp = xp_of(x)
    outside = xp.abs(x) > lambd
    return _piecewise(input, xp.where(outside, x - xp.sign(x) * lambd, 0), outside, False)


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """``x`` where ``|x| > lambd``, else 0."""
    x = input._data
    outside = xp_of(x).abs(x) > lambd
    return _piecewise(input, xp_of(x).where(outside, x, 0), outside, False)


class ExpLinear(ArrayFunction):
    """The ELU family: ``scale * (x if x > 0 else alpha * (exp(x * input_scale) - 1))``.

    The slope is written from the output, ``scale`` or ``input_scale * (y + scale * alpha)``,
    so backward needs only y (the in-place forms stay valid) and double backward follows y.
    """

    node_name = "EluBackward0"

    @staticmethod
    def forward(ctx, x, alpha, scale, input_scale):
        xp = xp_of(x)
        negative = xp.expm1(xp.minimum(x, 0) * input_scale) * alpha
        out = xp.where(x > 0, x, negative) * scale
        out = out.astype(x.dtype, copy=False)
        ctx.params = (alpha, scale, input_scale)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        alpha, scale, input_scale = ctx.params
        slope = comparison.where(out > 0, scale, (out + scale * alpha) * input_scale)
        return grad * slope, None, None, None


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """math: ``x if x > 0 else alpha * (exp(x) - 1)``"""
    return _result(input, ExpLinear.apply(input, alpha, 1.0, 1.0), inplace)


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """``scale * elu(x, alpha)`` with the self-normalising constants."""
    return _result(input, ExpLinear.apply(input, _SELU_ALPHA, _SELU_SCALE, 1.0), inplace)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """math: ``x if x > 0 else alpha * (exp(x / alpha) - 1)``"""
    return _result(input, ExpLinear.apply(input, alpha, 1.0, 1.0 / alpha), inplace)


def rrelu(
    input: Tensor,
    lower: float = 1.0 / 8,
    upper: float = 1.0 / 3,
    training: bool = False,
    inplace: bool = False,
) -> Tensor:
    """Leaky relu with a random slope in [lower, upper] per element while training, and the
    mean slope in eval."""
    if not training:
        return leaky_relu(input, (lower + upper) / 2, inplace)
    from .random import _rng

    x = input._data
    noise = _rng(None).uniform(lower, upper, x.shape)
    slope = xp_of(x).where(x > 0, 1.0, xp_of(x).asarray(noise))
    return _piecewise(input, x * slope.astype(x.dtype), slope, inplace)


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """Leaky relu with a learned slope: one for all channels or one per channel (dim 1)."""
    if weight.numel() != 1:
        channels = input.shape[1] if input.dim() >= 2 else input.shape[0] if input.dim() else 1
        if weight.numel() != channels:
            raise RuntimeError(
                f"Mismatch of parameter numbers and input channel size. Found parameter "
                f"numbers = {weight.numel()} and channel size = {channels}."
            )
        if input.dim() >= 2:
            weight = weight.reshape((channels,) + (1,) * (input.dim() - 2))
    return comparison.where(input > 0, input, input * weight)


def _normal_cdf(x):
    """Phi(x) = (1 + erf(x / sqrt 2)) / 2 on an array, with ember's vectorised erf."""
    return (special.erf(x * x.dtype.type(_SQRT_HALF)) + 1) * x.dtype.type(0.5)


def _gelu_parts(x, approximate: str, slope: bool = True):
    """(gelu(x), d gelu / dx) on arrays (the slope None unless asked for)."""
    xp = xp_of(x)
    if approximate == "tanh":
        k = x.dtype.type(_SQRT_2_OVER_PI)
        c = x.dtype.type(0.044715)
        t = xp.tanh(k * (x + c * x * x * x))
        half_x = x * x.dtype.type(0.5)
        if not slope:
            return half_x * (1 + t), None
        d = (1 + t) * x.dtype.type(0.5) + half_x * (1 - t * t) * k * (1 + 3 * c * x * x)
        return half_x * (1 + t), d
    if x.dtype in (np.float32, np.float64):  # value and slope in one blocked pass
        value, d = special.gelu(x)
        return value, d if slope else None
    cdf = _normal_cdf(x)
    if not slope:
        return x * cdf, None
    pdf = xp.exp(x * x * x.dtype.type(-0.5)) * x.dtype.type(1 / math.sqrt(2 * math.pi))
    return x * cdf, cdf + x * pdf


def _gelu_slope_graph(x: Tensor, approximate: str) -> Tensor:
    """d gelu / dx written with ember ops, so that double backward sees how it depends on x."""
    if approximate == "tanh":
        t = unary.tanh((x + x * x * x * 0.044715) * _SQRT_2_OVER_PI)
        return (t + 1) * 0.5 + x * 0.5 * (1 - t * t) * _SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x)
    cdf = (unary.erf(x * _SQRT_HALF) + 1) * 0.5
    return cdf + x * unary.exp(x * x * -0.5) * (1 / math.sqrt(2 * math.pi))


class Gelu(ArrayFunction):
    """``x * Phi(x)`` (or its tanh approximation), fused: the slope is kept from forward."""

    node_name = "GeluBackward0"

    @staticmethod
    def forward(ctx, x, approximate):
        out, slope = _gelu_parts(x, approximate, slope=any(ctx.needs_input_grad))
        ctx.approximate = approximate
        ctx.slope = slope
        ctx.save_for_backward(x)
        return out.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        if _grad_state.enabled:  # create_graph: the slope must stay a function of x
            return grad * _gelu_slope_graph(x, ctx.approximate), None
        return ScaleGrad.apply(grad, None, ctx.slope.astype(grad._data.dtype, copy=False)), None


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """math: ``x * Phi(x)``; with ``approximate='tanh'``,
    ``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError(f"approximate argument must be either none or tanh, got {approximate}")
    return Gelu.apply(float_input(input), approximate)


def _composed(input: Tensor, fn, inplace: bool) -> Tensor:
    """``fn(input)``, written back into input for the in-place form. The composition saves
    its input for backward, so the in-place form computes from a copy."""
    x = input.clone() if inplace and input.requires_grad else input
    return _result(input, fn(x), inplace)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * sigmoid(x)`` (swish)."""
    return _composed(input, lambda x: x * unary.sigmoid(x), inplace)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """math: ``log(1 + exp(beta x)) / beta``, and ``x`` itself once ``beta x > threshold``."""
    scaled = input * beta
    safe = comparison.clamp(scaled, max=threshold)
    return comparison.where(scaled > threshold, input, unary.log1p(unary.exp(safe)) / beta)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * tanh(softplus(x))``"""
    return _composed(input, lambda x: x * unary.tanh(softplus(x)), inplace)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """``relu6(x + 3) / 6``"""
    x = input._data
    xp = xp_of(x)
    # torch's backward uses 1/6 rounded to float32 even for float64 inputs
    slope = xp.where((x > -3) & (x < 3), float(xp.float32(1 / 6)), 0.0)
    return _piecewise(input, xp.clip(x + 3, 0, 6) / 6, slope, inplace)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * relu6(x + 3) / 6``"""
    x = input._data
    xp = xp_of(x)
    # the slope depends on x (no double backward, as in torch)
    slope = xp.where(x < -3, 0.0, xp.where(x <= 3, x / 3 + 0.5, 1.0))
    return _piecewise(input, x * xp.clip(x + 3, 0, 6) / 6, slope, inplace)


def softsign(input: Tensor) -> Tensor:
    """``x / (1 + |x|)``"""
    return input / (unary.abs(input) + 1)


def tanhshrink(input: Tensor) -> Tensor:
    """``x - tanh(x)``"""
    return input - unary.tanh(input)


def logsigmoid(input: Tensor) -> Tensor:
    """math: ``log(sigmoid(x)) = min(x, 0) - log(1 + exp(-|x|))`` (no overflow)."""
    return comparison.clamp(input, max=0) - unary.log1p(unary.exp(-unary.abs(input)))


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """Gated linear unit: split ``dim`` in halves a, b and return ``a * sigmoid(b)``."""
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = wrap_dim(dim, input.dim())
    size = input.shape[d]
    if size % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {size}")
    a, b = shape.chunk(input, 2, d)
    return a * unary.sigmoid(b)


# ---- softmax family -------------------------------------------------------------------------


class Softmax(ArrayFunction):
    """``exp(x - max) / sum(exp(x - max))`` along ``dim``; backward reuses the output:
    ``y * (g - sum(g * y))``."""

    @staticmethod
    def forward(ctx, x, dim):
        xp = xp_of(x)
        out = _softmax_last(x) if dim == x.ndim - 1 else None
        if out is None:
            out = x - x.max(axis=dim, keepdims=True) if x.size else x.copy()
            xp.exp(out, out=out)
            if x.size:
                out /= out.sum(axis=dim, keepdims=True)
        ctx.dim = dim
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        if _grad_state.enabled:  # create_graph: written with ember ops
            gy = grad * out
            return gy - out * gy.sum(ctx.dim, keepdim=True), None
        g, y = grad._data, out._data
        if ctx.dim == y.ndim - 1:  # the rows' sums of g y without writing g y out
            gx = g - rows.dots(g, y)
        else:
            gx = g * y
            xp_of(g).subtract(g, _sums(gx, ctx.dim), out=gx)
        gx *= y
        return Tensor._make(gx), None


# a row whose sum of exponentials is not within these is redone with its own maximum
_SUM_FLOOR = 2.0**-20


def _softmax_last(x):
    """Softmax along the last axis of a C-ordered float array, or None where it does not apply.

    Softmax does not change when a row is shifted, and any shift that keeps exp from
    overflowing and the row's sum well away from zero is as good as the row's own maximum.
    Finding each short row's maximum costs NumPy a loop per row (0.49 ms over (32, 4, 64, 64),
    as much as the exp), so no row is shifted: exp of x itself, and only rows whose sum is
    not finite (a value over ~88, an inf, a NaN) or under 2^-20 (a row maximum below ~-14)
    are redone with their own maximum. That takes two passes fewer than one shift for the
    whole array (0.41 against 0.25 ms out of cache). The row sums are one product
    (``backends.rows``).
    """
    if not rows.by_product(x):
        return None
    with np.errstate(over="ignore"):
        out = np.exp(x)
        total = rows.sums(out)
    redo = ~((total >= _SUM_FLOOR) & (total <= np.finfo(x.dtype).max))[..., 0]
    if redo.any():
        again = x[redo]
        with np.errstate(invalid="ignore"):  # an inf row gives NaN, as torch's
            again = np.exp(again - again.max(axis=-1, keepdims=True))
        out[redo] = again
        total[redo] = again.sum(axis=-1, keepdims=True)
    out /= total
    return out


def _sums(x, dim):
    """``x.sum(axis=dim, keepdims=True)``, the last axis by one product (``backends.rows``)."""
    return rows.sum_over(x, (dim,), keepdims=True)


class LogSoftmax(ArrayFunction):
    """``x - logsumexp(x)`` along ``dim``; backward: ``g - exp(y) * sum(g)``."""

    @staticmethod
    def forward(ctx, x, dim):
        xp = xp_of(x)
        if x.size:
            with np.errstate(invalid="ignore"):  # inf - inf in a row with an inf: NaN, as torch
                out = x - x.max(axis=dim, keepdims=True)
            out -= xp.log(_sums(xp.exp(out), dim))
        else:
            out = x.copy()
        ctx.dim = dim
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        if _grad_state.enabled:
            return grad - unary.exp(out) * grad.sum(ctx.dim, keepdim=True), None
        g = grad._data
        xp = xp_of(g)
        gx = xp.exp(out._data)
        gx *= _sums(g, ctx.dim)
        xp.subtract(g, gx, out=gx)
        return Tensor._make(gx), None


def _softmax_dim(name: str, ndim: int, stacklevel: int) -> int:
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. Change the call to "
        "include dim=X as an argument.",
        UserWarning,
        stacklevel=stacklevel,
    )
    return 0 if ndim in (0, 1, 3) else 1


def _softmax_input(input: Tensor, dim, dtype, name: str, stacklevel=None) -> tuple:
    if isinstance(stacklevel, _dtype.dtype):  # torch.softmax(x, dim, dtype): dtype third
        dtype = stacklevel
    if dim is None:
        dim = _softmax_dim(name, input.dim(), 4)
    if dtype is not None:
        input = input.to(dtype)
    elif not input.is_floating_point():
        raise NotImplementedError(
            f"\"{name}_kernel_impl\" not implemented for '{_dtype_label(input.dtype)}'"
        )
    return input, wrap_dim(dim, input.dim())


def _dtype_label(d) -> str:
    return {"int64": "Long", "int32": "Int", "bool": "Bool", "uint8": "Byte"}.get(d.name, d.name)


@in_float32
def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """math: ``softmax(x)_i = exp(x_i) / sum_j exp(x_j)`` along ``dim``."""
    x, d = _softmax_input(input, dim, dtype, "softmax", _stacklevel)
    return Softmax.apply(x, d)


@in_float32
def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """math: ``log_softmax(x)_i = x_i - log sum_j exp(x_j)`` along ``dim``."""
    x, d = _softmax_input(input, dim, dtype, "log_softmax", _stacklevel)
    return LogSoftmax.apply(x, d)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """``softmax(-x)``"""
    x, d = _softmax_input(input, dim, dtype, "softmin", _stacklevel)
    return Softmax.apply(-x, d)


def gumbel_softmax(
    logits: Tensor, tau: float = 1.0, hard: bool = False, eps: float = 1e-10, dim: int = -1
) -> Tensor:
    """A sample from the Gumbel-softmax distribution: ``softmax((logits + g) / tau)`` with
    Gumbel noise g; ``hard`` returns the one-hot argmax with the soft sample's gradient."""
    from .random import _rng

    noise = -xp_of(logits._data).log(_rng(None).exponential(1.0, logits.shape))
    noise = Tensor._make(noise.astype(logits._data.dtype))
    soft = softmax((logits + noise) / tau, dim)
    if not hard:
        return soft
    d = wrap_dim(dim, soft.dim())
    xp = xp_of(soft._data)
    index = soft._data.argmax(axis=d)
    one_hot = xp.expand_dims(index, d) == xp.expand_dims(
        xp.arange(soft.shape[d]).reshape((-1,) + (1,) * (soft.dim() - d - 1)), 0
    )
    hard_sample = Tensor._make(one_hot.astype(soft._data.dtype))
    return hard_sample - soft.detach() + soft
