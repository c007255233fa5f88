"""Helpers shared by the op families: dims, promotion, undoing broadcasting, `out=`."""

from __future__ import annotations

import collections
import functools
import numbers

import numpy as np

from .. import _dtype
from .._tensor import Tensor


def wrap_dim(dim: int, ndim: int) -> int:
    """A possibly negative dim as an index in ``range(ndim)`` (0-dim tensors accept 0 and -1)."""
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})"
        )
    return dim % n if ndim else 0


def wrap_dims(dim, ndim: int) -> tuple:
    """``dim`` (None, int, or a sequence) as a sorted tuple of axes; None means all."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (int, np.integer)):
        return (wrap_dim(int(dim), ndim),) if ndim else ()
    dims = tuple(wrap_dim(int(d), ndim) for d in dim)
    if len(set(dims)) != len(dims):
        raise RuntimeError(f"dim {dims[0]} appears multiple times in the list of dims")
    if ndim == 0:
        return ()
    return tuple(sorted(dims))


def is_scalar(x) -> bool:
    return isinstance(x, (numbers.Number, np.bool_)) and not isinstance(x, Tensor)


def result_type(*operands) -> _dtype.dtype:
    """PyTorch's result dtype of Tensors and Python numbers taken together."""
    dims, zeros, scalars = [], [], []
    for x in operands:
        if isinstance(x, Tensor):
            (dims if x._data.ndim else zeros).append(x.dtype)
        elif x is not None:
            scalars.append(x)
    return _dtype.result_type_of(dims, zeros, scalars)


def check_same_device(a: Tensor, b: Tensor) -> None:
    if type(a._data) is not type(b._data) and a._data.ndim and b._data.ndim:
        raise RuntimeError(
            "Expected all tensors to be on the same device, but found at least two devices, "
            f"{a.device} and {b.device}!"
        )


def promote(a, b, to_float: bool = False):
    """Cast two operands (Tensors or numbers) to their common dtype as PyTorch would.

    Returns ``(a, b)``; numbers stay numbers (NumPy treats them as weakly typed, as PyTorch
    does). With ``to_float`` an integral result becomes the default float dtype.
    """
    a_t = isinstance(a, Tensor)
    b_t = isinstance(b, Tensor)
    if a_t and b_t:
        check_same_device(a, b)
        if a._data.dtype == b._data.dtype and not (to_float and a._data.dtype.kind in "biu"):
            return a, b
    out = result_type(a, b)
    if to_float and not (out.is_floating_point or out.is_complex):
        out = _dtype.get_default_dtype()
    target = out.np
    if a_t and a._data.dtype != target:
        a = a.to(out)
    if b_t and b._data.dtype != target:
        b = b.to(out)
    if not a_t and not b_t:
        raise TypeError("expected at least one Tensor operand")
    if not a_t:
        a = _scalar_as(a, out)
    if not b_t:
        b = _scalar_as(b, out)
    return a, b


def _scalar_as(value, dtype: _dtype.dtype):
    if isinstance(value, Tensor):
        return value
    if dtype is _dtype.bfloat16:
        return dtype.np.type(value)  # numpy treats a Python float as weak, but not beside bf16
    if dtype.is_floating_point:
        return float(value)
    if dtype is _dtype.bool_:
        return bool(value)
    if dtype.is_complex:
        return complex(value)
    if isinstance(value, float):
        return value
    value = int(value)
    info = np.iinfo(dtype.np)
    if not info.min <= value <= info.max:  # wraps around, as in torch (NumPy would raise)
        value = int(np.array(value).astype(dtype.np))
    return value


def float_input(x: Tensor) -> Tensor:
    """Integer and bool tensors become the default float dtype (for exp, log, sqrt...)."""
    if x._data.dtype.kind in "biu":
        return x.to(_dtype.get_default_dtype())
    return x


def sum_to_shape(grad: Tensor, shape) -> Tensor:
    """Undo broadcasting: sum ``grad`` over the dims that broadcasting added or stretched."""
    shape = tuple(shape)
    gshape = grad._data.shape
    if gshape == shape:
        return grad
    lead = len(gshape) - len(shape)
    dims = list(range(lead))
    for i, s in enumerate(shape):
        if s == 1 and gshape[lead + i] != 1:
            dims.append(lead + i)
    out = grad.sum(dim=tuple(dims), keepdim=True) if dims else grad
    if lead:
        out = out.reshape(shape)
    elif out._data.shape != shape:
        out = out.reshape(shape)
    return out


def handle_out(result: Tensor, out: Tensor | None) -> Tensor:
    """Write ``result`` into ``out`` as PyTorch's ``out=`` does; return ``out``."""
    if out is None:
        return result
    if not isinstance(out, Tensor):
        raise TypeError(f"argument 'out' must be Tensor, not {type(out).__name__}")
    from ..autograd.grad_mode import state

    if state.enabled and (result._requires_grad or out._requires_grad):
        raise RuntimeError(
            "functions with out=... arguments don't support automatic differentiation, but "
            "one of the arguments requires grad."
        )
    if not _dtype.can_cast(result.dtype, out.dtype):
        raise RuntimeError(
            f"result type {_type_name(result.dtype)} can't be cast to the desired output type "
            f"{_type_name(out.dtype)}"
        )
    if out._data.shape != result._data.shape:
        if out._data.size != 0:
            import warnings

            warnings.warn(
                f"An output with one or more elements was resized since it had shape "
                f"{list(out.shape)}, which does not match the required output shape "
                f"{list(result.shape)}. This behavior is deprecated.",
                UserWarning,
                stacklevel=3,
            )
        out._data = np.empty(result._data.shape, out._data.dtype)
    out._data[...] = result._data
    out._vc[0] += 1
    return out


def _type_name(d: _dtype.dtype) -> str:
    names = {
        "float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
        "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
        "bool": "Bool", "complex64": "ComplexFloat", "complex128": "ComplexDouble",
    }  # fmt: skip
    return names.get(d.name, d.name)


type_name = _type_name


def xp_of(array):
    """The array module (numpy or cupy) of an array."""
    if type(array) is np.ndarray:
        return np
    from ..backends import array_module

    return array_module(array)


@functools.cache
def return_type(name: str, fields: tuple):
    """A named tuple like ``torch.return_types.<name>``: fields by name, unpackable, and
    printed as torch prints it (``torch.return_types.max(\nvalues=...,\nindices=...)``)."""
    cls = collections.namedtuple(name, fields)

    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self))
        return f"torch.return_types.{name}(\n{body})"

    cls.__repr__ = __repr__
    return cls


def in_float32(fn):
    """Run a reduction of float16 or bfloat16 input in float32 and round its result once, as
    torch does (float32 is its accumulate type for both): NumPy would round every partial sum
    to the input's precision (a float16 sum of 20000 values of 0.1 stalls at 256, a bfloat16
    one at 32, and float16 variances overflow). An explicit ``dtype=`` is left to ``fn``."""

    @functools.wraps(fn)
    def op(input, *args, **kwargs):
        if not (isinstance(input, Tensor) and input.dtype in _HALF and kwargs.get("dtype") is None):
            return fn(input, *args, **kwargs)
        out = kwargs.pop("out", None)
        result = _rounded(fn(input.float(), *args, **kwargs), input.dtype)
        return handle_out(result, out) if out is not None else result

    return op


_HALF = (_dtype.float16, _dtype.bfloat16)


def _rounded(result, dtype):
    if isinstance(result, Tensor):
        return result.to(dtype) if result.dtype == _dtype.float32 else result
    if isinstance(result, tuple):
        return (
            type(result)(*(_rounded(r, dtype) for r in result))
            if hasattr(result, "_fields")
            else tuple(_rounded(r, dtype) for r in result)
        )
    return result


def bfloat16_in_float32(fn):
    """Run an op on bfloat16 tensors in float32 and round its floating results back once, as
    torch's CPU kernels compute bfloat16: NumPy has no bfloat16 products, einsum or
    convolutions (ml_dtypes' type gives float32 results there, or none), so such ops take
    this. Other dtypes pass straight through."""

    @functools.wraps(fn)
    def op(*args, **kwargs):
        if not (any(map(_is_bf16, args)) or any(map(_is_bf16, kwargs.values()))):
            return fn(*args, **kwargs)
        args = tuple(_widened(a) for a in args)
        kwargs = {k: _widened(v) for k, v in kwargs.items()}
        return _rounded(fn(*args, **kwargs), _dtype.bfloat16)

    return op


def _is_bf16(a) -> bool:
    if isinstance(a, Tensor):
        return a._data.dtype.kind == "V" and a.dtype is _dtype.bfloat16
    if isinstance(a, (list, tuple)):  # einsum's list of operands
        return any(map(_is_bf16, a))
    return False


def _widened(a):
    if isinstance(a, Tensor):
        return a.float() if a.dtype is _dtype.bfloat16 else a
    if isinstance(a, (list, tuple)) and any(isinstance(x, Tensor) for x in a):
        return type(a)(_widened(x) for x in a)
    return a


def np_kind(np_dtype) -> str:
    """NumPy's dtype kind, with ml_dtypes' bfloat16 (kind ``'V'``) counted as ``'f'``: NumPy's
    ufuncs run on it through ml_dtypes, and torch treats it as a floating dtype."""
    k = np_dtype.kind
    return "f" if k == "V" and np_dtype.name == "bfloat16" else k


def accepts_out(fn):
    """Give an op torch's ``out=`` keyword: the result written into ``out`` (``handle_out``)."""

    @functools.wraps(fn)
    def op(*args, out=None, **kwargs):
        return handle_out(fn(*args, **kwargs), out)

    return op


def no_complex_kernel(kernel: str, *operands) -> None:
    """torch's NotImplementedError for an op with no complex kernel, raised where an operand (a
    tensor or a Python number) is complex, instead of NumPy's TypeError from inside the op."""
    dtypes = [o.dtype for o in operands if isinstance(o, Tensor)]
    if any(d.is_complex for d in dtypes) or any(isinstance(o, complex) for o in operands):
        wide = any(d == _dtype.complex128 for d in dtypes)
        name = "ComplexDouble" if wide else "ComplexFloat"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{name}'")
