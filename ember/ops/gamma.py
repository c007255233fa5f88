"""The gamma family: lgamma, digamma, polygamma, mvlgamma, and the Bessel function i0. The
kernels on arrays are in ``backends/gamma.py``; each gradient is the next function of the
family, so higher derivatives follow."""

from __future__ import annotations

import math

from .._dtype import scalar_type_name
from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ..backends import gamma as _kernels
from . import comparison as _comparison
from ._util import float_input, handle_out, promote, sum_to_shape


class Lgamma(ArrayFunction):
    """log |Gamma(x)|; math: d/dx lgamma x = digamma x"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _kernels.lgamma(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * digamma(x)


class Polygamma(ArrayFunction):
    """The n-th derivative of digamma; math: d/dx psi^(n) x = psi^(n+1) x"""

    @staticmethod
    def forward(ctx, x, n):
        ctx.save_for_backward(x)
        ctx.n = n
        return _kernels.polygamma(n, x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * Polygamma.apply(x, ctx.n + 1), None


class I1(ArrayFunction):
    """The modified Bessel function of order 1; math: d/dx I1 x = I0 x - I1 x / x (1/2 at 0)"""

    @staticmethod
    def forward(ctx, x):
        out = _kernels.i1(x)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        zero = x == 0
        ratio = out / _comparison.where(zero, 1.0, x).to(x.dtype)
        return grad * _comparison.where(zero, 0.5, i0(x) - ratio).to(x.dtype)


class I0(ArrayFunction):
    """The modified Bessel function of order 0; math: d/dx I0 x = I1 x"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _kernels.i0(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * I1.apply(x)


def lgamma(input: Tensor, *, out=None) -> Tensor:
    """The log of the absolute value of the gamma function."""
    return handle_out(Lgamma.apply(float_input(input)), out)


def digamma(input: Tensor, *, out=None) -> Tensor:
    """The logarithmic derivative of the gamma function (-inf at 0, nan at negative integers)."""
    return handle_out(Polygamma.apply(float_input(input), 0), out)


def polygamma(n: int, input: Tensor, *, out=None) -> Tensor:
    """The n-th derivative of digamma (n >= 0)."""
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    return handle_out(Polygamma.apply(float_input(input), int(n)), out)


def mvlgamma(input: Tensor, p: int, *, out=None) -> Tensor:
    """The multivariate log-gamma of dimension p;
    math: p (p - 1) / 4 log(pi) + sum_{j < p} lgamma(x - j / 2)"""
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    x = float_input(input)
    total = lgamma(x)
    for j in range(1, p):
        total = total + lgamma(x - j / 2)
    return handle_out(total + p * (p - 1) / 4 * math.log(math.pi), out)


def i0(input: Tensor, *, out=None) -> Tensor:
    """The modified Bessel function of the first kind of order 0."""
    return handle_out(I0.apply(float_input(input)), out)


class Igamma(ArrayFunction):
    """The regularized incomplete gamma functions P(a, x) (``upper=False``) and Q(a, x);
    math: d/dx P(a, x) = x^(a-1) e^(-x) / Gamma(a) = -d/dx Q(a, x)"""

    @staticmethod
    def forward(ctx, a, x, upper):
        ctx.save_for_backward(a, x)
        ctx.upper = upper
        return (_kernels.igammac if upper else _kernels.igamma)(a, x)

    @staticmethod
    def backward(ctx, grad):
        a, x = ctx.saved_tensors
        if ctx.needs_input_grad[0]:
            raise NotImplementedError("the derivative for 'igamma: input' is not implemented.")
        a = a.detach()
        density = ((a - 1) * x.log() - x - lgamma(a)).exp()
        return None, sum_to_shape(grad * (-density if ctx.upper else density), x.shape), None


def _igamma_args(input, other):
    a, x = promote(input, other)
    if not a.dtype.is_floating_point:
        raise NotImplementedError(
            f"\"igamma_cpu\" not implemented for '{scalar_type_name(a.dtype)}'"
        )
    return a, x


def igamma(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """The regularized lower incomplete gamma function P(input, other)."""
    a, x = _igamma_args(input, other)
    result = Igamma.apply(a, x, False)
    return handle_out(result, out)


def igammac(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """The regularized upper incomplete gamma function Q(input, other) = 1 - P."""
    a, x = _igamma_args(input, other)
    return handle_out(Igamma.apply(a, x, True), out)
