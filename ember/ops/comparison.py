"""Comparisons, logical and bitwise ops, predicates, and selection (where, clamp, max/min).

Comparisons, logical and bitwise ops give tensors that never require grad, so they skip the
graph entirely; selections (where, clamp, maximum) route the gradient to the chosen input.
"""

from __future__ import annotations

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ..backends import elementwise
from ._util import accepts_out, handle_out, np_kind, promote, result_type, sum_to_shape, xp_of
from .arithmetic import _broadcasting, _check_tensors


def _compare(ufunc_name: str, symbol: str):
    def op(input, other, *, out=None) -> Tensor:
        _check_tensors(ufunc_name, input)
        a, b = promote(input, other)
        x = a._data if isinstance(a, Tensor) else a
        y = b._data if isinstance(b, Tensor) else b
        xp = xp_of(x if isinstance(a, Tensor) else y)
        return handle_out(Tensor._make(_broadcasting(getattr(xp, ufunc_name), x, y)), out)

    op.__doc__ = f"Elementwise ``input {symbol} other`` as a bool tensor."
    return op


eq = _compare("equal", "==")
ne = not_equal = _compare("not_equal", "!=")
lt = less = _compare("less", "<")
le = less_equal = _compare("less_equal", "<=")
gt = greater = _compare("greater", ">")
ge = greater_equal = _compare("greater_equal", ">=")


def equal(input: Tensor, other: Tensor) -> bool:
    """True when both tensors have the same shape and elements."""
    if input._data.shape != other._data.shape:
        return False
    return bool((input == other).all())


def isclose(
    input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> Tensor:
    if input._data.dtype != other._data.dtype:
        raise RuntimeError(f"{input.dtype} did not match {other.dtype}")
    xp = xp_of(input._data)
    return Tensor._make(
        xp.isclose(input._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan)
    )


def allclose(
    input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> bool:
    return bool(isclose(input, other, rtol, atol, equal_nan).all())


def _predicate(fn_name: str, doc: str):
    def op(input: Tensor) -> Tensor:
        data = input._data
        if np_kind(data.dtype) in "biu":
            fill = fn_name == "isfinite"
            return Tensor._make(xp_of(data).full(data.shape, fill, dtype=bool))
        return Tensor._make(getattr(xp_of(data), fn_name)(data))

    op.__doc__ = doc
    return op


isnan = _predicate("isnan", "True where the element is NaN.")
isinf = _predicate("isinf", "True where the element is +inf or -inf.")
isfinite = _predicate("isfinite", "True where the element is neither inf nor NaN.")
isposinf = _predicate("isposinf", "True where the element is +inf.")
isneginf = _predicate("isneginf", "True where the element is -inf.")


def isreal(input: Tensor) -> Tensor:
    return Tensor._make(xp_of(input._data).isreal(input._data))


@accepts_out
def signbit(input: Tensor) -> Tensor:
    return Tensor._make(xp_of(input._data).signbit(input._data))


def _logical(ufunc_name: str):
    def op(input, other=None, *, out=None) -> Tensor:
        _check_tensors(ufunc_name, input, *(() if ufunc_name == "logical_not" else (other,)))
        x = input._data
        xp = xp_of(x)
        if ufunc_name == "logical_not":
            res = xp.logical_not(x)
        else:
            y = other._data if isinstance(other, Tensor) else other
            res = _broadcasting(getattr(xp, ufunc_name), x, y)
        return handle_out(Tensor._make(res), out)

    op.__doc__ = f"Elementwise {ufunc_name.replace('_', ' ')}, as a bool tensor."
    return op


logical_and = _logical("logical_and")
logical_or = _logical("logical_or")
logical_xor = _logical("logical_xor")
logical_not = _logical("logical_not")


def _bitwise(ufunc_name: str):
    def op(input, other, *, out=None) -> Tensor:
        a, b = promote(input, other)
        t = a if isinstance(a, Tensor) else b
        if np_kind(t._data.dtype) not in "biu" or (
            "shift" in ufunc_name and np_kind(t._data.dtype) == "b"
        ):
            # torch's type for an op that has no kernel for this dtype
            raise NotImplementedError(
                f"\"{ufunc_name}_cpu\" not implemented for '{_type_name(t.dtype)}'"
            )
        x = a._data if isinstance(a, Tensor) else a
        y = b._data if isinstance(b, Tensor) else b
        result = _broadcasting(getattr(xp_of(t._data), ufunc_name), x, y)
        return handle_out(Tensor._make(result), out)

    op.__doc__ = f"Elementwise {ufunc_name.replace('_', ' ')} of integer or bool tensors."
    return op


def _type_name(d):
    from ._util import type_name

    return type_name(d)


bitwise_and = _bitwise("bitwise_and")
bitwise_or = _bitwise("bitwise_or")
bitwise_xor = _bitwise("bitwise_xor")
bitwise_left_shift = _bitwise("left_shift")
bitwise_right_shift = _bitwise("right_shift")


def bitwise_not(input: Tensor, *, out=None) -> Tensor:
    if np_kind(input._data.dtype) not in "biu":
        raise NotImplementedError(
            f"\"bitwise_not_cpu\" not implemented for '{_type_name(input.dtype)}'"
        )
    return handle_out(Tensor._make(xp_of(input._data).invert(input._data)), out)


# ---- selection -------------------------------------------------------------------------------


class Where(ArrayFunction):
    @staticmethod
    def forward(ctx, cond, a, b):
        ctx.cond = cond
        ctx.shapes = (getattr(a, "shape", ()), getattr(b, "shape", ()))
        try:
            return xp_of(cond).where(cond, a, b)
        except ValueError:
            shapes = [getattr(v, "shape", ()) for v in (cond, a, b)]
            raise RuntimeError(f"shape mismatch: where got shapes {shapes}") from None

    @staticmethod
    def backward(ctx, grad):
        cond = Tensor._make(ctx.cond)
        zero = grad.new_zeros(())
        _, ga, gb = ctx.needs_input_grad
        return (
            None,
            sum_to_shape(where(cond, grad, zero), ctx.shapes[0]) if ga else None,
            sum_to_shape(where(cond, zero, grad), ctx.shapes[1]) if gb else None,
        )


def where(condition: Tensor, input=None, other=None, *, out=None):
    """``input`` where ``condition`` holds, else ``other``; one argument: ``nonzero`` tuple."""
    if input is None and other is None:
        return condition.nonzero(as_tuple=True)
    if np_kind(condition._data.dtype) != "b":
        raise RuntimeError(
            f"where expected condition to be a boolean tensor, but got a tensor with dtype "
            f"{_type_name(condition.dtype)}"
        )
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        # two Python numbers: their dtype as torch types them (1, 0.5: the default float)
        from .creation import tensor

        input = tensor(input, device=condition.device)
    a, b = promote(input, other)
    dtype = result_type(a, b)
    if not isinstance(a, Tensor):
        a = np.asarray(a, dtype=dtype.np)
    if not isinstance(b, Tensor):
        b = np.asarray(b, dtype=dtype.np)
    return handle_out(Where.apply(condition, a, b), out)


class Maximum(ArrayFunction):
    """The larger of two tensors; ties split the gradient evenly, as torch does."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _broadcasting(xp_of(a).maximum, a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return _split_by_mask(ctx, grad, a > b, a == b, a.shape, b.shape)


class Minimum(ArrayFunction):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _broadcasting(xp_of(a).minimum, a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return _split_by_mask(ctx, grad, a < b, a == b, a.shape, b.shape)


def _split_by_mask(ctx, grad, first, tie, shape_a, shape_b):
    ga, gb = ctx.needs_input_grad
    weight_a = first.to(grad.dtype) + tie.to(grad.dtype) * 0.5
    return (
        sum_to_shape(grad * weight_a, shape_a) if ga else None,
        sum_to_shape(grad * (1 - weight_a), shape_b) if gb else None,
    )


def _no_complex_order(name: str, *operands) -> None:
    """Complex numbers have no order: torch refuses, where NumPy would compare lexically."""
    if any(isinstance(o, Tensor) and o.is_complex() for o in operands):
        raise RuntimeError(f"{name} not implemented for complex tensors.")


def maximum(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    _no_complex_order("maximum", input, other)
    _check_tensors("maximum", input, other)
    a, b = promote(input, other)
    return handle_out(Maximum.apply(a, b), out)


def minimum(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    _no_complex_order("minimum", input, other)
    _check_tensors("minimum", input, other)
    a, b = promote(input, other)
    return handle_out(Minimum.apply(a, b), out)


def fmax(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """Like maximum, but a NaN loses to a number."""
    _no_complex_order("fmax", input, other)
    _check_tensors("fmax", input, other)
    a, b = promote(input, other)
    nan_a = a.isnan()
    return handle_out(where(nan_a, b, where(b.isnan(), a, maximum(a, b))), out)


def fmin(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    _no_complex_order("fmin", input, other)
    _check_tensors("fmin", input, other)
    a, b = promote(input, other)
    return handle_out(where(a.isnan(), b, where(b.isnan(), a, minimum(a, b))), out)


class Clamp(ArrayFunction):
    """Clamp into [min, max] (numbers); the gradient passes where the input was inside."""

    @staticmethod
    def forward(ctx, x, lo, hi):
        ctx.save_for_backward(x)
        ctx.bounds = (lo, hi)
        xp = xp_of(x)
        out = x
        if lo is not None:
            out = elementwise.against_scalar(xp.maximum, out, lo)
        if hi is not None:
            out = elementwise.against_scalar(xp.minimum, out, hi)
        if out is x:
            out = x.copy()
        # NumPy keeps NaN in maximum/minimum as torch does; but its dtype rules may widen
        return out.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        lo, hi = ctx.bounds
        mask = None
        if lo is not None:
            mask = x >= lo
        if hi is not None:
            upper = x <= hi
            mask = upper if mask is None else mask & upper
        return grad * mask.to(grad.dtype), None, None


def clamp(input: Tensor, min=None, max=None, *, out=None) -> Tensor:
    """Clamp each element into [min, max]; bounds may be numbers or tensors."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        result = input
        if min is not None:
            result = maximum(result, min if isinstance(min, Tensor) else input.new_tensor(min))
        if max is not None:
            result = minimum(result, max if isinstance(max, Tensor) else input.new_tensor(max))
        return handle_out(result, out)
    dtype = result_type(input, *(v for v in (min, max) if v is not None))
    x = input if input._data.dtype == dtype.np else input.to(dtype)
    return handle_out(Clamp.apply(x, _bound(min, dtype), _bound(max, dtype)), out)


def _bound(v, dtype):
    if v is None:
        return None
    if dtype.np.kind == "u" and isinstance(v, int) and v < 0:
        top = int(np.iinfo(dtype.np).max) + 1
        if v > -top:  # torch wraps a negative bound down to -max of an unsigned type (-2 -> 254)
            v += top
    try:
        return dtype.np.type(v)
    except OverflowError:  # a bound an integer dtype cannot hold: torch's error
        ctype = {"int32": "int", "int64": "int64_t"}.get(dtype.name, f"{dtype.name}_t")
        raise RuntimeError(f"value cannot be converted to type {ctype} without overflow") from None


clip = clamp


def clamp_min(input: Tensor, min) -> Tensor:
    return clamp(input, min=min)


def clamp_max(input: Tensor, max) -> Tensor:
    return clamp(input, max=max)


def nan_to_num(
    input: Tensor,
    nan: float = 0.0,
    posinf: float | None = None,
    neginf: float | None = None,
    *,
    out=None,
) -> Tensor:
    """Replace NaN, +inf and -inf by finite numbers (the dtype's extremes by default)."""
    if np_kind(input._data.dtype) not in "fc":
        return handle_out(input.clone(), out)
    info = _dtype.finfo(input.dtype)
    posinf = info.max if posinf is None else posinf
    neginf = info.min if neginf is None else neginf
    result = where(input.isnan(), nan, input)
    result = where(input == float("inf"), posinf, result)
    result = where(input == float("-inf"), neginf, result)
    return handle_out(result, out)


class Heaviside(ArrayFunction):
    """The step function: 0 below zero, 1 above, ``values`` at zero (and 0 at NaN, as torch)."""

    @staticmethod
    def forward(ctx, x, values):
        xp = xp_of(x)
        return xp.where(x == 0, values, x > 0).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError("derivative for aten::heaviside is not implemented")


def heaviside(input: Tensor, values: Tensor, *, out=None) -> Tensor:
    """The Heaviside step of ``input``, taking ``values`` where input is 0."""
    if not isinstance(values, Tensor):
        raise TypeError(
            f"heaviside(): argument 'values' (position 2) must be Tensor, not "
            f"{type(values).__name__}"
        )
    if input._data.dtype != values._data.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    return handle_out(Heaviside.apply(input, values), out)
