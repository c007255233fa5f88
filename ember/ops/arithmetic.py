"""Binary arithmetic: add, sub, mul, div, pow, floor division, remainders, and their blends.

Each op promotes its operands as PyTorch does (``promote``), then runs one NumPy/CuPy ufunc.
Backward undoes broadcasting with ``sum_to_shape``, the one place where that happens.
"""

from __future__ import annotations

from .. import _dtype
from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ._util import handle_out, promote, result_type, sum_to_shape, type_name, xp_of
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
    return isinstance(x, Tensor) and x._data.dtype.kind == "b"


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
    a, b = promote(input, other)
    _no_bool(a, b, "div_floor_cpu")
    if not _floating(a, b):
        _check_int_division(b._data if isinstance(b, Tensor) else b)
    return handle_out(FloorDivide.apply(a, b), out)


def _floating(a, b) -> bool:
    t = a if isinstance(a, Tensor) else b
    return t._data.dtype.kind in "fc"


def _no_bool(a, b, kernel: str):
    """torch has no bool kernel for arithmetic such as division, remainders and powers."""
    t = a if isinstance(a, Tensor) else b
    if t._data.dtype.kind == "b":
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
    a, b = promote(input, other)
    _no_bool(a, b, "remainder_cpu")
    if not _floating(a, b):
        _check_int_division(b._data if isinstance(b, Tensor) else b)
    return handle_out(Remainder.apply(a, b), out)


def fmod(input, other, *, out=None) -> Tensor:
    """C's fmod: the result takes the sign of the dividend."""
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
    return hasattr(b, "dtype") and b.dtype.kind in "iu" and bool((b < 0).any())


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


# ---- two-input math: atan2, hypot, logaddexp, xlogy, copysign -------------------------------


def _broadcasting(ufunc, a, b):
    """``ufunc(a, b)``, with torch's error for shapes that do not broadcast."""
    try:
        return ufunc(a, b)
    except ValueError:
        raise broadcast_error(a, b) from None


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
    _check_tensors("atan2", input, other)
    a, b = _float_tensors(input, other)
    return handle_out(Atan2.apply(a, b), out)


arctan2 = atan2


def _check_tensors(name: str, *args):
    """torch's TypeError for an op whose operands must be tensors (not Python numbers)."""
    for position, (arg, value) in enumerate(zip(("input", "other"), args), start=1):
        if not isinstance(value, Tensor):
            raise TypeError(
                f"{name}(): argument '{arg}' (position {position}) must be Tensor, not "
                f"{type(value).__name__}"
            )


def _float_only(a: Tensor, name: str):
    if a._data.dtype.kind not in "fc":
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


def logaddexp(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """``log(exp(input) + exp(other))``, computed without overflow."""
    _check_tensors("logaddexp", input, other)
    a, b = promote(input, other)
    _float_only(a, "logaddexp")
    return handle_out(LogAddExp.apply(a, b, "e"), out)


def logaddexp2(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """``log2(2**input + 2**other)``, computed without overflow."""
    _check_tensors("logaddexp2", input, other)
    a, b = promote(input, other)
    _float_only(a, "logaddexp2")
    return handle_out(LogAddExp.apply(a, b, "2"), out)


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
        if input._data.dtype.kind not in "fc":
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
    if tensor1._data.dtype.kind in "biu" and tensor2._data.dtype.kind in "biu":
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future release "
            "addcdiv will perform a true division of tensor1 and tensor2. Use "
            "(input + value * tensor1 / tensor2) for float inputs."
        )
    quotient = div(tensor1, tensor2)
    return handle_out(add(input, _scaled(quotient, value, result_type(input, quotient))), out)
