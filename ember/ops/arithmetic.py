"""Binary arithmetic: add, sub, mul, div, pow, floor division and remainders (two-input math
functions such as atan2, and blends such as lerp, are in ``pointwise.py``).

Each op promotes its operands as PyTorch does (``promote``), then runs one NumPy/CuPy ufunc.
Backward undoes broadcasting with ``sum_to_shape``, the one place where that happens.
"""

from __future__ import annotations

from .. import _dtype
from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ._util import handle_out, no_complex_kernel, np_kind, promote, sum_to_shape, xp_of
from .unary import _quiet


def _shape(x):
    return getattr(x, "shape", ())


def broadcast_error(a, b) -> RuntimeError:
    """torch's message for operands whose shapes do not broadcast."""
    sa, sb = _shape(a), _shape(b)
    n = max(len(sa), len(sb))
    pa, pb = (1,) * (n - len(sa)) + tuple(sa), (1,) * (n - len(sb)) + tuple(sb)
    for i in range(n - 1, -1, -1):
        if pa[i] != pb[i] and pa[i] != 1 and pb[i] != 1:
            return RuntimeError(
                f"The size of tensor a ({pa[i]}) must match the size of tensor b ({pb[i]}) at "
                f"non-singleton dimension {i}"
            )
    return RuntimeError(f"shapes {list(sa)} and {list(sb)} cannot be broadcast")


class Add(ArrayFunction):
    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (_shape(a), _shape(b))
        try:
            return a + b
        except ValueError:
            raise broadcast_error(a, b) from None

    @staticmethod
    def backward(ctx, grad):
        ga, gb = ctx.needs_input_grad
        return (
            sum_to_shape(grad, ctx.shapes[0]) if ga else None,
            sum_to_shape(grad, ctx.shapes[1]) if gb else None,
        )


class Sub(ArrayFunction):
    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (_shape(a), _shape(b))
        try:
            return a - b
        except ValueError:
            raise broadcast_error(a, b) from None

    @staticmethod
    def backward(ctx, grad):
        ga, gb = ctx.needs_input_grad
        return (
            sum_to_shape(grad, ctx.shapes[0]) if ga else None,
            sum_to_shape(-grad, ctx.shapes[1]) if gb else None,
        )


class Mul(ArrayFunction):
    @staticmethod
    def forward(ctx, a, b):
        ga, gb = ctx.needs_input_grad
        ctx.save_for_backward(a if gb else None, b if ga else None)
        ctx.shapes = (_shape(a), _shape(b))
        try:
            return a * b
        except ValueError:
            raise broadcast_error(a, b) from None

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        ga, gb = ctx.needs_input_grad
        return (
            sum_to_shape(grad * b, ctx.shapes[0]) if ga else None,
            sum_to_shape(grad * a, ctx.shapes[1]) if gb else None,
        )


class Div(ArrayFunction):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, b)
        ctx.shapes = (_shape(a), _shape(b))
        try:
            return a / b
        except ValueError:
            raise broadcast_error(a, b) from None

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        ga, gb = ctx.needs_input_grad
        return (
            sum_to_shape(grad / b, ctx.shapes[0]) if ga else None,
            sum_to_shape(-grad * a / (b * b), ctx.shapes[1]) if gb else None,
        )


def _check_int_division(b):
    """Integer division by zero raises in torch (NumPy would warn and give 0)."""
    if (b == 0).any() if hasattr(b, "shape") else b == 0:
        raise RuntimeError("ZeroDivisionError")


def add(input, other, *, alpha=1, out=None) -> Tensor:
    """``input + alpha * other``."""
    if alpha != 1:
        other = mul(other, alpha)
    a, b = promote(input, other)
    return handle_out(Add.apply(a, b), out)


def sub(input, other, *, alpha=1, out=None) -> Tensor:
    """``input - alpha * other``."""
    if _is_bool(input) or _is_bool(other):
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the "
            "`^` or `logical_xor()` operator instead."
            if _is_bool(input) and _is_bool(other)
            else "Subtraction, the `-` operator, with a bool tensor is not supported. If you "
            "are trying to invert a mask, use the `~` or `logical_not()` operator instead."
        )
    if alpha != 1:
        other = mul(other, alpha)
    a, b = promote(input, other)
    return handle_out(Sub.apply(a, b), out)


subtract = sub


def _is_bool(x) -> bool:
    if isinstance(x, bool):
        return True
    return isinstance(x, Tensor) and np_kind(x._data.dtype) == "b"


def rsub(input, other, *, alpha=1) -> Tensor:
    return sub(other, input, alpha=alpha)


def mul(input, other, *, out=None) -> Tensor:
    a, b = promote(input, other)
    return handle_out(Mul.apply(a, b), out)


multiply = mul


def div(input, other, *, rounding_mode=None, out=None) -> Tensor:
    """True division (integers give floats); ``rounding_mode`` 'trunc' or 'floor' rounds."""
    if rounding_mode is None:
        a, b = promote(input, other, to_float=True)
        return handle_out(Div.apply(a, b), out)
    if rounding_mode == "floor":
        return handle_out(floor_divide(input, other), out)
    if rounding_mode == "trunc":
        a, b = promote(input, other)
        if a.dtype.is_floating_point if isinstance(a, Tensor) else b.dtype.is_floating_point:
            return handle_out(Div.apply(a, b).trunc(), out)
        _check_int_division(b._data if isinstance(b, Tensor) else b)
        return handle_out(_IntTrunc.apply(a, b), out)
    raise RuntimeError(
        f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
        f"'{rounding_mode}'"
    )


divide = true_divide = div


class _IntTrunc(ArrayFunction):
    @staticmethod
    def forward(ctx, a, b):
        xp = xp_of(a if hasattr(a, "shape") else b)
        q = xp.floor_divide(a, b)
        fix = (xp.remainder(a, b) != 0) & ((xp.asarray(a) < 0) != (xp.asarray(b) < 0))
        return q + fix.astype(q.dtype)


class FloorDivide(ArrayFunction):
    @staticmethod
    def forward(ctx, a, b):
        return xp_of(a if hasattr(a, "shape") else b).floor_divide(a, b)

    @staticmethod
    def backward(ctx, grad):
        return None, None  # piecewise constant: zero almost everywhere, as torch treats it


def floor_divide(input, other, *, out=None) -> Tensor:
    no_complex_kernel("div_floor_cpu", input, other)
    a, b = promote(input, other)
    _no_bool(a, b, "div_floor_cpu")
    if not _floating(a, b):
        _check_int_division(b._data if isinstance(b, Tensor) else b)
    return handle_out(FloorDivide.apply(a, b), out)


def _floating(a, b) -> bool:
    t = a if isinstance(a, Tensor) else b
    return np_kind(t._data.dtype) in "fc"


def _no_bool(a, b, kernel: str):
    """torch has no bool kernel for arithmetic such as division, remainders and powers."""
    t = a if isinstance(a, Tensor) else b
    if np_kind(t._data.dtype) == "b":
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


class Remainder(ArrayFunction):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        ctx.shapes = (_shape(a), _shape(b))
        xp = xp_of(a if hasattr(a, "shape") else b)
        if xp.result_type(a, b).kind != "f":
            return xp.remainder(a, b)
        # torch's rule: fmod, moved into the divisor's sign (a zero keeps the dividend's sign)
        with _quiet():
            mod = xp.fmod(a, b)
            return xp.where((mod != 0) & ((b < 0) != (mod < 0)), mod + b, mod)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        ga, gb = ctx.needs_input_grad
        return (
            sum_to_shape(grad, ctx.shapes[0]) if ga else None,
            sum_to_shape(-grad * (a / b).floor(), ctx.shapes[1]) if gb else None,
        )


class Fmod(ArrayFunction):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        ctx.shapes = (_shape(a), _shape(b))
        return xp_of(a if hasattr(a, "shape") else b).fmod(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        ga, gb = ctx.needs_input_grad
        return (
            sum_to_shape(grad, ctx.shapes[0]) if ga else None,
            sum_to_shape(-grad * (a / b).trunc(), ctx.shapes[1]) if gb else None,
        )


def remainder(input, other, *, out=None) -> Tensor:
    """Python's modulo: the result takes the sign of the divisor."""
    no_complex_kernel("remainder_cpu", input, other)
    a, b = promote(input, other)
    _no_bool(a, b, "remainder_cpu")
    if not _floating(a, b):
        _check_int_division(b._data if isinstance(b, Tensor) else b)
    return handle_out(Remainder.apply(a, b), out)


def fmod(input, other, *, out=None) -> Tensor:
    """C's fmod: the result takes the sign of the dividend."""
    no_complex_kernel("fmod_cpu", input, other)
    _check_tensors("fmod", input)
    a, b = promote(input, other)
    _no_bool(a, b, "fmod_cpu")
    if not _floating(a, b):
        _check_int_division(b._data if isinstance(b, Tensor) else b)
    return handle_out(Fmod.apply(a, b), out)


class Pow(ArrayFunction):
    @staticmethod
    def forward(ctx, a, b):
        with _quiet():
            out = _int_power(a, b) if _negative_int_exponent(b) else _power(a, b)
        ctx.save_for_backward(a, b, out)
        ctx.shapes = (_shape(a), _shape(b))
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        ga, gb = ctx.needs_input_grad
        grad_a = grad_b = None
        if ga:
            if isinstance(b, Tensor):
                grad_a = _where_zero(b == 0, grad * b * a ** (b - 1))
            else:
                grad_a = grad * 0.0 if b == 0 else grad * b * a ** (b - 1)
            grad_a = sum_to_shape(grad_a, ctx.shapes[0])
        if gb:
            # d(a^b)/db = a^b log(a); torch defines it as 0 where a == 0 and b >= 0
            log_a = a.log() if isinstance(a, Tensor) else _const_log(a, out)
            grad_b = grad * out * log_a
            if isinstance(a, Tensor):
                grad_b = _where_zero((a == 0) & (b >= 0), grad_b)
            grad_b = sum_to_shape(grad_b, ctx.shapes[1])
        return grad_a, grad_b


def _power(a, b):
    """``a ** b``; the exponents +-1/2 are square roots as in torch (``(-inf) ** 0.5`` is NaN,
    ``(-0.) ** -0.5`` is -inf), where C's pow says inf and +inf."""
    if isinstance(b, float) and b in (0.5, -0.5) and hasattr(a, "dtype"):
        root = xp_of(a).sqrt(a)
        return root if b > 0 else 1 / root
    return a**b


def _negative_int_exponent(b) -> bool:
    return hasattr(b, "dtype") and np_kind(b.dtype) in "iu" and bool((b < 0).any())


def _int_power(a, b):
    """Integer powers with some negative exponents: 1/a^n truncates to 0 unless |a| is 1."""
    xp = xp_of(b)
    positive = a ** xp.maximum(b, 0)
    sign = 1 - 2 * (b & 1)  # (-1)^b
    negative = xp.where(a == 1, 1, xp.where(a == -1, sign, 0))
    return xp.where(b < 0, negative, positive).astype(positive.dtype, copy=False)


def _where_zero(mask: Tensor, values: Tensor) -> Tensor:
    from .comparison import where

    return where(mask, 0.0, values)


def _const_log(a, like: Tensor):
    import math

    return math.log(a) if a > 0 else (float("-inf") if a == 0 else float("nan"))


def pow(input, exponent, *, out=None) -> Tensor:
    """``input ** exponent``; an integer tensor to a negative number raises, as in torch."""
    a, b = promote(input, exponent)
    _no_bool(a, b, "pow")
    if not _floating(a, b) and not isinstance(exponent, Tensor) and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    return handle_out(Pow.apply(a, b), out)


def float_power(input, exponent, *, out=None) -> Tensor:
    """``pow`` computed in float64, as torch.float_power."""
    a = input.to(_dtype.float64) if isinstance(input, Tensor) else float(input)
    b = exponent.to(_dtype.float64) if isinstance(exponent, Tensor) else float(exponent)
    return pow(a, b, out=out)


def _broadcasting(ufunc, a, b):
    """``ufunc(a, b)``, with torch's error for shapes that do not broadcast."""
    try:
        return ufunc(a, b)
    except ValueError:
        raise broadcast_error(a, b) from None


def _check_tensors(name: str, *args):
    """torch's TypeError for an op whose operands must be tensors (not Python numbers)."""
    for position, (arg, value) in enumerate(zip(("input", "other"), args), start=1):
        if not isinstance(value, Tensor):
            raise TypeError(
                f"{name}(): argument '{arg}' (position {position}) must be Tensor, not "
                f"{type(value).__name__}"
            )
