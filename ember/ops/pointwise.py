"""Two-input math functions (atan2, hypot, logaddexp, xlogy, copysign) and blends of tensors
(lerp, addcmul, addcdiv).

As in ``arithmetic.py``, operands are promoted as torch does and backward undoes broadcasting
with ``sum_to_shape``.
"""

from __future__ import annotations

from .. import _dtype
from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ._util import (
    handle_out,
    no_complex_kernel,
    np_kind,
    promote,
    result_type,
    sum_to_shape,
    type_name,
    xp_of,
)
from .arithmetic import _broadcasting, _check_tensors, _shape, add, broadcast_error, div, mul
from .unary import _quiet


def _float_tensors(input, other):
    """Both operands as tensors of their common float dtype (integers become the default
    float; a number becomes a 0-dim tensor)."""
    a, b = promote(input, other, to_float=True)
    if not isinstance(a, Tensor):
        a = b.new_full((), a)
    if not isinstance(b, Tensor):
        b = a.new_full((), b)
    return a, b


class Atan2(ArrayFunction):
    """The angle of the point (other, input); math: d/da = b / (a^2 + b^2), d/db = -a / (...)"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        ctx.shapes = (_shape(a), _shape(b))
        return _broadcasting(xp_of(a).arctan2, a, b)

    @staticmethod
    def backward(ctx, grad):
        from .comparison import where

        a, b = ctx.saved_tensors
        ga, gb = ctx.needs_input_grad
        denom = a * a + b * b
        # torch gives 0 (not NaN) at the origin, where the angle has no derivative
        scale = where(denom == 0, 0.0, grad / where(denom == 0, 1.0, denom))
        return (
            sum_to_shape(scale * b, ctx.shapes[0]) if ga else None,
            sum_to_shape(-scale * a, ctx.shapes[1]) if gb else None,
        )


def atan2(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """Elementwise ``atan(input / other)`` in the quadrant of the point (other, input)."""
    no_complex_kernel("atan2_cpu", input, other)
    _check_tensors("atan2", input, other)
    a, b = _float_tensors(input, other)
    return handle_out(Atan2.apply(a, b), out)


arctan2 = atan2


def _float_only(a: Tensor, name: str):
    if np_kind(a._data.dtype) not in "fc":
        raise NotImplementedError(f"\"{name}_cpu\" not implemented for '{type_name(a.dtype)}'")


class Hypot(ArrayFunction):
    """``sqrt(a^2 + b^2)`` without overflow; math: d/da = a / out"""

    @staticmethod
    def forward(ctx, a, b):
        out = _broadcasting(xp_of(a).hypot, a, b)
        ctx.save_for_backward(a, b, out)
        ctx.shapes = (_shape(a), _shape(b))
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        ga, gb = ctx.needs_input_grad
        return (
            sum_to_shape(grad * a / out, ctx.shapes[0]) if ga else None,
            sum_to_shape(grad * b / out, ctx.shapes[1]) if gb else None,
        )


def hypot(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """The hypotenuse ``sqrt(input^2 + other^2)`` (floating-point tensors only, as torch)."""
    no_complex_kernel("hypot_cpu", input, other)
    _check_tensors("hypot", input, other)
    a, b = promote(input, other)
    _float_only(a, "hypot")
    return handle_out(Hypot.apply(a, b), out)


class LogAddExp(ArrayFunction):
    """``log(e^a + e^b)`` (``base=2``: ``log2(2^a + 2^b)``), without overflow.

    math: d/da = 1 / (1 + base^(b - a))
    """

    @staticmethod
    def forward(ctx, a, b, base):
        ctx.save_for_backward(a, b)
        ctx.shapes, ctx.base = (_shape(a), _shape(b)), base
        xp = xp_of(a)
        return _broadcasting(xp.logaddexp if base == "e" else xp.logaddexp2, a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        ga, gb, _ = ctx.needs_input_grad
        power = (lambda d: d.exp()) if ctx.base == "e" else (lambda d: d.exp2())
        return (
            sum_to_shape(grad / (power(b - a) + 1), ctx.shapes[0]) if ga else None,
            sum_to_shape(grad / (power(a - b) + 1), ctx.shapes[1]) if gb else None,
            None,
        )


_LOGADDEXP = type("LogAddExp", (LogAddExp,), {"node_name": "LogaddexpBackward0"})
_LOGADDEXP2 = type("LogAddExp", (LogAddExp,), {"node_name": "Logaddexp2Backward0"})


def logaddexp(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """``log(exp(input) + exp(other))``, computed without overflow."""
    _check_tensors("logaddexp", input, other)
    a, b = promote(input, other)
    _float_only(a, "logaddexp")
    return handle_out(_LOGADDEXP.apply(a, b, "e"), out)


def logaddexp2(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """``log2(2**input + 2**other)``, computed without overflow."""
    _check_tensors("logaddexp2", input, other)
    a, b = promote(input, other)
    _float_only(a, "logaddexp2")
    return handle_out(_LOGADDEXP2.apply(a, b, "2"), out)


class Xlogy(ArrayFunction):
    """``x * log(y)``, and 0 where x == 0 (unless y is NaN).

    math: d/dx = xlogy(x != 0, y), d/dy = x / y
    """

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        ctx.shapes = (_shape(x), _shape(y))
        xp = xp_of(x)
        with _quiet():
            out = _broadcasting(xp.multiply, x, xp.log(y))
        return xp.where((x == 0) & ~xp.isnan(y), 0, out).astype(out.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        gx, gy = ctx.needs_input_grad
        grad_x = grad_y = None
        if gx:
            grad_x = sum_to_shape(grad * xlogy((x != 0).to(grad.dtype), y), ctx.shapes[0])
        if gy:
            grad_y = sum_to_shape(grad * x / y, ctx.shapes[1])
        return grad_x, grad_y


def xlogy(input, other, *, out=None) -> Tensor:
    """``input * log(other)``, defined as 0 where input is 0 (either may be a number)."""
    no_complex_kernel("xlogy_cpu", input, other)
    a, b = _float_tensors(input, other)
    return handle_out(Xlogy.apply(a, b), out)


class Copysign(ArrayFunction):
    """``|a|`` with the sign of b; math: d/da = out / a (0 where a == 0), d/db = 0"""

    @staticmethod
    def forward(ctx, a, b):
        out = _broadcasting(xp_of(a).copysign, a, b)
        ctx.save_for_backward(a, out)
        ctx.shapes = (_shape(a), _shape(b))
        return out

    @staticmethod
    def backward(ctx, grad):
        from .comparison import where

        a, out = ctx.saved_tensors
        ga, gb = ctx.needs_input_grad
        ratio = where(a == 0, 0.0, out / where(a == 0, 1.0, a))
        return (
            sum_to_shape(grad * ratio, ctx.shapes[0]) if ga else None,
            sum_to_shape(grad * 0, ctx.shapes[1]) if gb else None,
        )


def copysign(input: Tensor, other, *, out=None) -> Tensor:
    """The magnitude of ``input`` with the sign of ``other`` (a tensor or a number)."""
    no_complex_kernel("copysign_cpu", input, other)
    _check_tensors("copysign", input)
    a, b = _float_tensors(input, other)
    return handle_out(Copysign.apply(a, b), out)


# ---- blends: lerp, addcmul, addcdiv ----------------------------------------------------------


class Lerp(ArrayFunction):
    """``start + weight (end - start)``, written as ``end - (end - start)(1 - weight)`` where
    ``|weight| >= 1/2`` (as torch, so that weight 1 gives exactly ``end``).

    math: d/dstart = 1 - weight, d/dend = weight, d/dweight = end - start
    """

    @staticmethod
    def forward(ctx, start, end, weight):
        ctx.save_for_backward(start, end, weight)
        ctx.shapes = (_shape(start), _shape(end), _shape(weight))
        xp = xp_of(start)
        try:
            diff = end - start
            out = xp.where(xp.abs(weight) < 0.5, start + weight * diff, end - diff * (1 - weight))
        except ValueError:
            raise broadcast_error(start, end) from None
        return out.astype(start.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        start, end, weight = ctx.saved_tensors
        gs, ge, gw = ctx.needs_input_grad
        return (
            sum_to_shape(grad * (1 - weight), ctx.shapes[0]) if gs else None,
            sum_to_shape(grad * weight, ctx.shapes[1]) if ge else None,
            sum_to_shape(grad * (end - start), ctx.shapes[2]) if gw else None,
        )


def lerp(input: Tensor, end: Tensor, weight, *, out=None) -> Tensor:
    """Linear interpolation ``input + weight * (end - input)``; weight is a number or tensor.

    As torch: ``end`` (and a weight with dims) must have input's dtype; a 0-dim weight takes
    part in type promotion; integer input needs a floating 0-dim weight.
    """
    if end._data.dtype != input._data.dtype:
        raise RuntimeError(
            f"expected dtype {_c_name(input)} for `end` but got dtype {_c_name(end)}"
        )
    if not isinstance(weight, Tensor):
        if np_kind(input._data.dtype) not in "fc":
            raise NotImplementedError(
                f"\"lerp_kernel_scalar\" not implemented for '{type_name(input.dtype)}'"
            )
        return handle_out(Lerp.apply(input, end, float(weight)), out)
    if weight._data.ndim and weight._data.dtype != input._data.dtype:
        raise RuntimeError(
            f"expected dtype {_c_name(input)} for `weight` but got dtype {_c_name(weight)}"
        )
    dtype = result_type(input, end, weight)
    if not dtype.is_floating_point:
        raise NotImplementedError(
            f"\"lerp_kernel_tensor\" not implemented for '{type_name(dtype)}'"
        )
    input, end, weight = (t if t.dtype == dtype else t.to(dtype) for t in (input, end, weight))
    return handle_out(Lerp.apply(input, end, weight), out)


def _c_name(t: Tensor) -> str:
    """The C++ name torch's dtype checks print ("float", "double", "long int")."""
    names = {"float32": "float", "float64": "double", "int64": "long int", "float16": "c10::Half"}
    return names.get(t.dtype.name, t.dtype.name)


def _scaled(t: Tensor, value, dtype) -> Tensor:
    """``value * t`` where value takes the op's result dtype (it never promotes, as in torch)."""
    if dtype.is_floating_point or dtype.is_complex:
        value = float(value) if not isinstance(value, complex) else value
    else:
        value = int(value)
    return t if value == 1 else mul(t, value)


def addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value=1, out=None) -> Tensor:
    """``input + value * tensor1 * tensor2`` (value is cast to the tensors' common dtype)."""
    dtype = result_type(input, tensor1, tensor2)
    if dtype is _dtype.bool_:
        raise NotImplementedError("\"addcmul_cpu_out\" not implemented for 'Bool'")
    product = mul(tensor1, tensor2)
    return handle_out(add(input, _scaled(product, value, dtype)), out)


def addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value=1, out=None) -> Tensor:
    """``input + value * tensor1 / tensor2`` (integer tensor1 and tensor2 raise, as torch)."""
    if np_kind(tensor1._data.dtype) in "biu" and np_kind(tensor2._data.dtype) in "biu":
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future release "
            "addcdiv will perform a true division of tensor1 and tensor2. Use "
            "(input + value * tensor1 / tensor2) for float inputs."
        )
    quotient = div(tensor1, tensor2)
    return handle_out(add(input, _scaled(quotient, value, result_type(input, quotient))), out)
