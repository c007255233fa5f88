"""Elementwise math of one tensor: exp, log, trig, rounding, clamp, and friends.

Each op is a forward on arrays and a backward written with ember ops, side by side. Ops that
only make sense on floats (exp, sin, sqrt...) turn integer input into the default float dtype
first, as PyTorch does.
"""

from __future__ import annotations

import math

import numpy as np

from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ..backends import special
from ._util import float_input, handle_out, np_kind, type_name, xp_of


def _no_kernel(x, kernel: str, kinds: str):
    """torch's NotImplementedError for a dtype its kernel does not cover."""
    if np_kind(x.dtype) in kinds:
        from .._dtype import from_numpy_dtype

        raise NotImplementedError(
            f"\"{kernel}\" not implemented for '{type_name(from_numpy_dtype(x.dtype))}'"
        )


def _unary(cls, float_only: bool = True):
    """The public function for a one-input op class."""

    def op(input: Tensor, *, out=None) -> Tensor:
        x = float_input(input) if float_only else input
        return handle_out(cls.apply(x), out)

    op.__name__ = cls.__name__.lower()
    op.__doc__ = cls.__doc__
    return op


class Neg(ArrayFunction):
    """``-x``"""

    @staticmethod
    def forward(ctx, x):
        if np_kind(x.dtype) == "b":
            raise RuntimeError(
                "Negation, the `-` operator, on a bool tensor is not supported. If you are "
                "trying to invert a mask, use the `~` or `logical_not()` operator instead."
            )
        return -x

    @staticmethod
    def backward(ctx, grad):
        return -grad


class Abs(ArrayFunction):
    """``|x|``; the gradient at 0 is 0."""

    @staticmethod
    def forward(ctx, x):
        _no_kernel(x, "abs_cpu", "b")
        ctx.save_for_backward(x)
        return xp_of(x).abs(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * x.sign()


class Sign(ArrayFunction):
    """-1, 0 or 1 by the sign of x, and 0 for NaN as in torch (gradient 0)."""

    @staticmethod
    def forward(ctx, x):
        if np_kind(x.dtype) == "b":
            return x.copy()
        xp = xp_of(x)
        if np_kind(x.dtype) == "f":
            return xp.where(xp.isnan(x), 0, xp.sign(x)).astype(x.dtype, copy=False)
        return xp.sign(x)

    @staticmethod
    def backward(ctx, grad):
        return grad * 0


class Exp(ArrayFunction):
    """``e^x``; backward reuses the output."""

    @staticmethod
    def forward(ctx, x):
        out = xp_of(x).exp(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out


class Exp2(ArrayFunction):
    """``2^x``"""

    @staticmethod
    def forward(ctx, x):
        out = xp_of(x).exp2(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out * math.log(2.0)


class Expm1(ArrayFunction):
    """``e^x - 1``, accurate near 0."""

    @staticmethod
    def forward(ctx, x):
        out = xp_of(x).expm1(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (out + 1)


class Log(ArrayFunction):
    """Natural logarithm; math: d/dx log x = 1/x"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return xp_of(x).log(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / x


class Log2(ArrayFunction):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return xp_of(x).log2(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (x * math.log(2.0))


class Log10(ArrayFunction):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return xp_of(x).log10(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (x * math.log(10.0))


class Log1p(ArrayFunction):
    """``log(1 + x)``, accurate near 0."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return xp_of(x).log1p(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (x + 1)


class Sqrt(ArrayFunction):
    """math: d/dx sqrt(x) = 1 / (2 sqrt(x))"""

    @staticmethod
    def forward(ctx, x):
        out = xp_of(x).sqrt(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad / (out * 2)


class Rsqrt(ArrayFunction):
    """``1 / sqrt(x)``"""

    @staticmethod
    def forward(ctx, x):
        xp = xp_of(x)
        with _quiet():
            out = 1 / xp.sqrt(x)  # (NumPy's reciprocal: twice as long, same values)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out.pow(3) * -0.5


class Reciprocal(ArrayFunction):
    """``1 / x``"""

    @staticmethod
    def forward(ctx, x):
        xp = xp_of(x)
        with _quiet():
            if np_kind(x.dtype) == "f":  # divide: twice as fast as NumPy's reciprocal, same values
                out = xp.divide(x.dtype.type(1), x)
            else:
                out = xp.reciprocal(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return -grad * out * out


class Sin(ArrayFunction):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return xp_of(x).sin(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * x.cos()


class Cos(ArrayFunction):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return xp_of(x).cos(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return -grad * x.sin()


class Tan(ArrayFunction):
    """math: d/dx tan x = 1 + tan^2 x"""

    @staticmethod
    def forward(ctx, x):
        out = xp_of(x).tan(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (out * out + 1)


class Asin(ArrayFunction):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return xp_of(x).arcsin(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (1 - x * x).rsqrt()


class Acos(ArrayFunction):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return xp_of(x).arccos(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return -grad * (1 - x * x).rsqrt()


class Atan(ArrayFunction):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return xp_of(x).arctan(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (x * x + 1)


class Sinh(ArrayFunction):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return xp_of(x).sinh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * x.cosh()


class Cosh(ArrayFunction):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return xp_of(x).cosh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * x.sinh()


class Tanh(ArrayFunction):
    """math: d/dx tanh x = 1 - tanh^2 x"""

    @staticmethod
    def forward(ctx, x):
        out = xp_of(x).tanh(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (1 - out * out)


class Asinh(ArrayFunction):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return xp_of(x).arcsinh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (x * x + 1).rsqrt()


class Acosh(ArrayFunction):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return xp_of(x).arccosh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (x * x - 1).rsqrt()


class Atanh(ArrayFunction):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return xp_of(x).arctanh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (1 - x * x)


class Sigmoid(ArrayFunction):
    """``1 / (1 + e^-x)``, computed without overflow; math: d/dx = s (1 - s)"""

    @staticmethod
    def forward(ctx, x):
        xp = xp_of(x)
        w = x.astype(np.float32) if x.dtype == np.float16 else x  # as torch: half in float32
        # e^-|x| never overflows; pick the form that is stable for each sign
        z = xp.exp(-xp.abs(w))
        out = xp.where(w >= 0, 1 / (1 + z), z / (1 + z)).astype(x.dtype, copy=False)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out * (1 - out)


class Erf(ArrayFunction):
    """The error function; math: d/dx erf x = 2/sqrt(pi) e^(-x^2)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return special.erf(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (-(x * x)).exp() * (2 / math.sqrt(math.pi))


class Erfc(ArrayFunction):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return special.erfc(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (-(x * x)).exp() * (-2 / math.sqrt(math.pi))


class Erfinv(ArrayFunction):
    """The inverse of erf; math: d/dy erfinv y = sqrt(pi)/2 e^(erfinv(y)^2)"""

    @staticmethod
    def forward(ctx, x):
        out = special.erfinv(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (out * out).exp() * (math.sqrt(math.pi) / 2)


class _Rounding(ArrayFunction):
    """Piecewise constant ops: the gradient is zero everywhere it exists."""

    @staticmethod
    def backward(ctx, grad):
        return grad * 0


class Floor(_Rounding):
    @staticmethod
    def forward(ctx, x):
        _no_kernel(x, "floor_vml_cpu", "b")
        return xp_of(x).floor(x) if np_kind(x.dtype) == "f" else x.copy()


class Ceil(_Rounding):
    @staticmethod
    def forward(ctx, x):
        _no_kernel(x, "ceil_vml_cpu", "b")
        return xp_of(x).ceil(x) if np_kind(x.dtype) == "f" else x.copy()


class Trunc(_Rounding):
    @staticmethod
    def forward(ctx, x):
        _no_kernel(x, "trunc_vml_cpu", "b")
        return xp_of(x).trunc(x) if np_kind(x.dtype) == "f" else x.copy()


class Round(_Rounding):
    """Round half to even, optionally to ``decimals`` places."""

    @staticmethod
    def forward(ctx, x, decimals=0):
        _no_kernel(x, "round_vml_cpu", "b")
        if np_kind(x.dtype) != "f":
            return x.copy()
        xp = xp_of(x)
        if decimals == 0:
            return xp.round(x)
        scale = x.dtype.type(10.0**decimals)
        return xp.round(x * scale) / scale

    @staticmethod
    def backward(ctx, grad):
        return grad * 0, None


class Frac(ArrayFunction):
    """``x - trunc(x)``"""

    @staticmethod
    def forward(ctx, x):
        _no_kernel(x, "frac_cpu", "biu")
        return x - xp_of(x).trunc(x)

    @staticmethod
    def backward(ctx, grad):
        return grad


neg = _unary(Neg, float_only=False)
negative = neg
abs = _unary(Abs, float_only=False)
absolute = abs
sign = _unary(Sign, float_only=False)
exp = _unary(Exp)
exp2 = _unary(Exp2)
expm1 = _unary(Expm1)
log = _unary(Log)
log2 = _unary(Log2)
log10 = _unary(Log10)
log1p = _unary(Log1p)
sqrt = _unary(Sqrt)
rsqrt = _unary(Rsqrt)
reciprocal = _unary(Reciprocal)
sin = _unary(Sin)
cos = _unary(Cos)
tan = _unary(Tan)
asin = arcsin = _unary(Asin)
acos = arccos = _unary(Acos)
atan = arctan = _unary(Atan)
sinh = _unary(Sinh)
cosh = _unary(Cosh)
tanh = _unary(Tanh)
asinh = arcsinh = _unary(Asinh)
acosh = arccosh = _unary(Acosh)
atanh = arctanh = _unary(Atanh)
sigmoid = _unary(Sigmoid)
erf = _unary(Erf)
erfc = _unary(Erfc)
erfinv = _unary(Erfinv)
floor = _unary(Floor, float_only=False)
ceil = _unary(Ceil, float_only=False)
trunc = fix = _unary(Trunc, float_only=False)
frac = _unary(Frac, float_only=False)


def round(input: Tensor, *, decimals: int = 0, out=None) -> Tensor:
    """Round half to even (to ``decimals`` places)."""
    return handle_out(Round.apply(input, decimals=decimals), out)


def square(input: Tensor, *, out=None) -> Tensor:
    """``x * x`` (bool squares to int64, as in torch)."""
    if np_kind(input._data.dtype) == "b":
        from .. import _dtype

        input = input.to(_dtype.int64)
    return handle_out(input * input, out)


def logit(input: Tensor, eps: float | None = None, *, out=None) -> Tensor:
    """``log(p / (1 - p))``, with p clamped to [eps, 1 - eps] when eps is given."""
    x = float_input(input)
    if eps is not None:
        x = x.clamp(eps, 1 - eps)
    return handle_out((x / (1 - x)).log(), out)


def deg2rad(input: Tensor, *, out=None) -> Tensor:
    """Degrees to radians: ``x * pi / 180``."""
    return handle_out(float_input(input) * (math.pi / 180), out)


def rad2deg(input: Tensor, *, out=None) -> Tensor:
    """Radians to degrees: ``x * 180 / pi``."""
    return handle_out(float_input(input) * (180 / math.pi), out)


class Sinc(ArrayFunction):
    """The normalized sinc ``sin(pi x) / (pi x)``, 1 at 0.

    math: d/dx = (cos(pi x) pi x - sin(pi x)) / (pi x^2), 0 at x = 0
    """

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        xp = xp_of(x)
        w = x.astype(np.float32) if x.dtype == np.float16 else x  # as torch: half in float32
        px = w * w.dtype.type(math.pi)
        with _quiet():
            out = xp.sin(px) / px
        return xp.where(x == 0, 1, out).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        from .comparison import where

        (x,) = ctx.saved_tensors
        zero = x == 0
        safe = where(zero, 1.0, x)
        px = safe * math.pi
        slope = (px.cos() * px - px.sin()) / (px * safe)
        return grad * where(zero, 0.0, slope)


sinc = _unary(Sinc)


def positive(input: Tensor) -> Tensor:
    """``+input``: the tensor itself (bool tensors raise, as in torch)."""
    if np_kind(input._data.dtype) == "b":
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


class _quiet:
    """Silence NumPy's divide-by-zero warnings where torch gives inf silently."""

    def __enter__(self):
        import numpy as np

        self._old = np.seterr(divide="ignore", invalid="ignore")

    def __exit__(self, *exc):
        import numpy as np

        np.seterr(**self._old)
