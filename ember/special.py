"""``ember.special``: torch.special's common functions. Most are ember ops under their
scipy-style names (``expit`` is sigmoid, ``gammaln`` is lgamma, ``multigammaln`` is mvlgamma);
xlog1py, entr, ndtr, ndtri, log_ndtr and i1 are written here from ember ops, so their gradients
come from autograd."""

from __future__ import annotations

import math

from . import _dtype
from ._tensor import Tensor
from .autograd.function import ArrayFunction
from .backends import gamma as _kernels
from .ops import activation as _activation
from .ops import comparison as _comparison
from .ops import gamma as _gamma
from .ops import pointwise as _pointwise
from .ops import reduction as _reduction
from .ops import unary as _unary
from .ops._util import float_input, handle_out

erf = _unary.erf
erfc = _unary.erfc
erfinv = _unary.erfinv
expit = _unary.sigmoid
logit = _unary.logit
exp2 = _unary.exp2
expm1 = _unary.expm1
log1p = _unary.log1p
sinc = _unary.sinc
round = _unary.round  # noqa: A001 - torch.special.round
gammaln = _gamma.lgamma
digamma = _gamma.digamma
psi = _gamma.digamma
polygamma = _gamma.polygamma
multigammaln = _gamma.mvlgamma
i0 = _gamma.i0
gammainc = _gamma.igamma
gammaincc = _gamma.igammac
xlogy = _pointwise.xlogy
logsumexp = _reduction.logsumexp


def softmax(input: Tensor, dim: int, *, dtype=None) -> Tensor:
    return _activation.softmax(input, dim, dtype=dtype)


def log_softmax(input: Tensor, dim: int, *, dtype=None) -> Tensor:
    return _activation.log_softmax(input, dim, dtype=dtype)


def i1(input: Tensor, *, out=None) -> Tensor:
    """The modified Bessel function of the first kind of order 1."""
    return handle_out(_gamma.I1.apply(float_input(input)), out)


def xlog1py(input, other, *, out=None) -> Tensor:
    """``input * log1p(other)``, 0 where input is 0 (unless other is nan)."""
    x, y = _pointwise._float_tensors(input, other)
    value = x * _unary.log1p(y)
    zero = (x == 0) & ~_comparison.isnan(y)
    return handle_out(_comparison.where(zero, 0.0, value).to(value.dtype), out)


def entr(input: Tensor, *, out=None) -> Tensor:
    """``-x log x`` for x > 0, 0 at 0, -inf below."""
    x = float_input(input)
    positive = x > 0
    safe = _comparison.where(positive, x, 1.0).to(x.dtype)
    value = _comparison.where(positive, -x * _unary.log(safe), 0.0).to(x.dtype)
    value = _comparison.where(x < 0, -math.inf, value).to(x.dtype)
    return handle_out(value, out)


def ndtr(input: Tensor, *, out=None) -> Tensor:
    """The standard normal CDF: ``(1 + erf(x / sqrt 2)) / 2``, via erfc for the left tail."""
    x = float_input(input)
    return handle_out(0.5 * _unary.erfc(x * (-1 / math.sqrt(2))), out)


def ndtri(input: Tensor, *, out=None) -> Tensor:
    """The inverse of ndtr: ``sqrt 2 erfinv(2 p - 1)``."""
    p = float_input(input)
    return handle_out(math.sqrt(2) * _unary.erfinv(2 * p - 1), out)


def log_ndtr(input: Tensor, *, out=None) -> Tensor:
    """``log(ndtr(x))``; below -20 the asymptotic expansion of the tail, which does not
    underflow: ``-x^2/2 - log(-x sqrt(2 pi)) + log(1 - 1/x^2 + 3/x^4 - 15/x^6 + ...)``
    (below -7 in float32, where the second derivative of log(ndtr) would underflow)."""
    x = float_input(input)
    tail = x < (-20 if x.dtype == _dtype.float64 else -7)
    direct = _unary.log(ndtr(_comparison.where(tail, 0.0, x).to(x.dtype)))
    z = _comparison.where(tail, x, -30.0).to(x.dtype)
    inv2 = 1 / (z * z)
    series = 1 - inv2 * (1 - inv2 * (3 - inv2 * (15 - inv2 * (105 - inv2 * 945))))
    asym = -0.5 * z * z - _unary.log(-z * math.sqrt(2 * math.pi)) + _unary.log(series)
    return handle_out(_comparison.where(tail, asym, direct).to(x.dtype), out)


class _I0e(ArrayFunction):
    """math: d/dx i0e x = i1e x - sgn(x) i0e x"""

    @staticmethod
    def forward(ctx, x):
        out = _kernels.i0e(x)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        return grad * (_I1e.apply(x) - _unary.sign(x) * out)


class _I1e(ArrayFunction):
    """math: d/dx i1e x = i0e x - i1e x (sgn(x) + 1/x), 1/2 at 0"""

    @staticmethod
    def forward(ctx, x):
        out = _kernels.i1e(x)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        zero = x == 0
        safe = _comparison.where(zero, 1.0, x).to(x.dtype)
        slope = _I0e.apply(x) - out * (_unary.sign(x) + 1 / safe)
        return grad * _comparison.where(zero, 0.5, slope).to(x.dtype)


def i0e(input: Tensor, *, out=None) -> Tensor:
    """The exponentially scaled Bessel function ``i0(x) e^(-|x|)``."""
    return handle_out(_I0e.apply(float_input(input)), out)


def i1e(input: Tensor, *, out=None) -> Tensor:
    """The exponentially scaled Bessel function ``i1(x) e^(-|x|)``."""
    return handle_out(_I1e.apply(float_input(input)), out)
