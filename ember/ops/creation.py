"""Creating tensors: from data (tensor, as_tensor, from_numpy), filled (zeros, ones, full,
empty, eye), ranges (arange, linspace, logspace), and the ``*_like`` / ``new_*`` forms."""

from __future__ import annotations

import math
import numbers

import numpy as np

from .. import _default_device, _dtype
from .._device import CPU, array_module_for, as_device
from .._tensor import Tensor
from ._util import handle_out


def _xp(device):
    d = as_device(device if device is not None else _default_device.DEFAULT)
    return np if d is CPU or d.type == "cpu" else array_module_for(d)


def _place(array, device):
    """Move a freshly made numpy array to ``device`` (no-op for cpu)."""
    if device is None:
        device = _default_device.DEFAULT  # set_default_device; None is cpu
        if device is None:
            return array
    d = as_device(device)
    if d.type == "cpu":
        return array
    from .conversion import move_array

    return move_array(array, d)


def _finish(array, device, requires_grad: bool) -> Tensor:
    t = Tensor._make(_place(array, device))
    if requires_grad:
        t.requires_grad_(True)
    return t


def _infer_dtype(data) -> _dtype.dtype:
    """The dtype torch.tensor gives to nested Python data."""
    kinds = set()
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, Tensor):
            kinds.add(item.dtype)
        elif isinstance(item, np.ndarray):
            kinds.add(_dtype.from_numpy_dtype(item.dtype))
        elif isinstance(item, (bool, np.bool_)):
            kinds.add(_dtype.bool_)
        elif isinstance(item, np.generic):
            kinds.add(_dtype.from_numpy_dtype(item.dtype))
        elif isinstance(item, numbers.Integral):
            kinds.add(_dtype.int64)
        elif isinstance(item, numbers.Real):
            kinds.add(_dtype.get_default_dtype())
        elif isinstance(item, numbers.Complex):
            kinds.add(_dtype.default_complex_dtype())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        else:
            raise RuntimeError(f"Could not infer dtype of {type(item).__name__}")
    if not kinds:
        return _dtype.get_default_dtype()
    out = None
    for k in kinds:
        out = k if out is None else _dtype.promote_types(out, k)
    return out


def _array_from_data(data, dtype: _dtype.dtype | None):
    """A fresh numpy array holding ``data`` (nested lists, numbers, arrays, tensors)."""
    if isinstance(data, Tensor):
        array = data._host()
        return array.astype(dtype.np if dtype else array.dtype, copy=True)
    if isinstance(data, np.ndarray):
        return np.array(data, dtype=dtype.np if dtype else None, copy=True)
    if isinstance(data, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    if dtype is None:
        dtype = _infer_dtype(data)
    try:
        return np.array(_unwrap(data), dtype=_dtype.to_numpy_dtype(dtype))
    except OverflowError:
        if not _fits_int64(data):
            raise ValueError("Overflow when unpacking long long") from None
        return _wrapped_unsigned(np.array(_unwrap(data), dtype=np.int64), dtype)
    except ValueError:  # ragged nesting (say where, as torch does), or NaN/inf to integers
        _check_nesting(data, _nested_shape(data), 0)
        raise RuntimeError(
            f"value cannot be converted to type {dtype.name} without overflow"
        ) from None


def _wrapped_unsigned(values: np.ndarray, dtype: _dtype.dtype) -> np.ndarray:
    """Integers for an unsigned dtype: torch wraps -2**bits < v < 0 around (-1 becomes 255 in
    uint8) and refuses anything else that does not fit."""
    bits = dtype.itemsize * 8
    if dtype.is_signed or not ((values > -(1 << bits)) & (values < (1 << bits))).all():
        raise RuntimeError(f"value cannot be converted to type {dtype.name} without overflow")
    return values.astype(dtype.np)


def _fits_int64(data) -> bool:
    try:
        np.array(_unwrap(data), dtype=np.int64)
    except OverflowError:
        return False
    except (TypeError, ValueError):
        pass
    return True


def _unwrap(data):
    """Nested lists as numpy sees them; a tensor inside a list counts as one number, as torch."""
    if isinstance(data, (list, tuple)):
        return [_element(d) for d in data]
    return data


def _element(item):
    if isinstance(item, Tensor):
        if item._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return item._host().reshape(()).item()
    return _unwrap(item)


def _is_sequence(item) -> bool:
    return isinstance(item, (list, tuple)) or (isinstance(item, np.ndarray) and item.ndim > 0)


def _nested_shape(data) -> list:
    """The shape the first element at each level implies."""
    shape = []
    while _is_sequence(data):
        shape.append(len(data))
        if not len(data):
            break
        data = data[0]
    return shape


def _check_nesting(data, shape, dim):
    """Raise torch's error for the first place where ``data`` does not fit ``shape``."""
    if dim == len(shape):
        if _is_sequence(data):
            raise TypeError(f"'{type(data).__name__}' object cannot be interpreted as an integer")
        return
    if not _is_sequence(data):
        raise TypeError("not a sequence")
    if len(data) != shape[dim]:
        raise ValueError(f"expected sequence of length {shape[dim]} at dim {dim} (got {len(data)})")
    for item in data:
        _check_nesting(item, shape, dim + 1)


def tensor(
    data, *, dtype=None, device=None, requires_grad: bool = False, pin_memory: bool = False
) -> Tensor:
    """A new tensor copying ``data``; the dtype is inferred as torch.tensor infers it."""
    if isinstance(data, Tensor):
        import warnings

        warnings.warn(
            "To copy construct from a tensor, it is recommended to use "
            "sourceTensor.detach().clone() or sourceTensor.detach().clone().requires_grad_(True), "
            "rather than torch.tensor(sourceTensor).",
            UserWarning,
            stacklevel=2,
        )
    return _finish(_array_from_data(data, dtype), device, requires_grad)


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """Shares memory with ``data`` when it already is a tensor/array of the right kind."""
    if isinstance(data, Tensor):
        return data.to(device=device, dtype=dtype) if (dtype or device) else data
    if isinstance(data, np.ndarray) and (dtype is None or dtype.np == data.dtype):
        _dtype.from_numpy_dtype(data.dtype)
        return _finish(data, device, False)
    return tensor(data, dtype=dtype, device=device)


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad: bool = False) -> Tensor:
    """``data`` as a tensor, sharing memory where it can (unless ``copy``)."""
    if copy:
        return tensor(obj, dtype=dtype, device=device, requires_grad=requires_grad)
    out = as_tensor(obj, dtype=dtype, device=device)
    if requires_grad:
        out.requires_grad_(True)
    return out


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor sharing memory with ``ndarray``."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dtype.from_numpy_dtype(ndarray.dtype)
    return Tensor._make(ndarray)


def _size_arg(size, keyword=None, required: bool = False) -> tuple:
    """The shape from ``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])``, ``f(torch.Size)`` or
    ``f(size=(2, 3))``."""
    if keyword is not None:
        if size:
            raise TypeError("size given both as positional and keyword argument")
        size = (keyword,)
    elif required and not size:
        raise TypeError('missing 1 required positional arguments: "size"')
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    elif len(size) == 1 and hasattr(size[0], "__iter__") and not isinstance(size[0], Tensor):
        size = tuple(size[0])
    out = []
    for s in size:
        if isinstance(s, Tensor):
            s = s.item()
        if not isinstance(s, (int, np.integer)):
            raise TypeError(
                f"empty(): argument 'size' must be tuple of ints, but found element of type "
                f"{type(s).__name__} at pos 0"
            )
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
        out.append(int(s))
    return tuple(out)


def _filled(fill, size, dtype, device, requires_grad, out):
    shape = _size_arg(size)
    d = dtype or _dtype.get_default_dtype()
    xp = _xp(device)
    if fill is None:
        array = xp.empty(shape, dtype=_dtype.to_numpy_dtype(d))
    else:
        try:
            array = xp.full(shape, fill, dtype=_dtype.to_numpy_dtype(d))
        except OverflowError:
            value = _wrapped_unsigned(np.array(fill, dtype=np.int64), d)
            array = xp.full(shape, value, dtype=d.np)
    t = Tensor._make(array)
    if requires_grad:
        t.requires_grad_(True)
    return handle_out(t, out)


def zeros(
    *args,
    size=None,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    pin_memory=False,
) -> Tensor:
    """A tensor of zeros; the shape as ``zeros(2, 3)``, ``zeros((2, 3))`` or ``size=``."""
    return _filled(0, _size_arg(args, size, required=True), dtype, device, requires_grad, out)


def ones(
    *args,
    size=None,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    pin_memory=False,
) -> Tensor:
    """A tensor of ones; the shape as ``ones(2, 3)``, ``ones((2, 3))`` or ``size=``."""
    return _filled(1, _size_arg(args, size, required=True), dtype, device, requires_grad, out)


def empty(
    *args,
    size=None,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    pin_memory=False,
    memory_format=None,
) -> Tensor:
    """An uninitialised tensor (numpy's empty: the values are whatever memory held)."""
    return _filled(None, _size_arg(args, size, required=True), dtype, device, requires_grad, out)


def _check_size_sequence(fn: str, size) -> None:
    if not isinstance(size, (tuple, list)) and not hasattr(size, "__iter__"):
        raise TypeError(
            f"{fn}(): argument 'size' (position 1) must be tuple of ints, not {type(size).__name__}"
        )


def full(
    size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False
) -> Tensor:
    """A tensor of ``size`` filled with ``fill_value``; the dtype follows the value's kind."""
    _check_size_sequence("full", size)
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    if dtype is None:
        dtype = _dtype.scalar_dtype(fill_value)
    return _filled(fill_value, (size,), dtype, device, requires_grad, out)


def _like(fill, input: Tensor, dtype, device, requires_grad):
    d = dtype or input.dtype
    dev = device if device is not None else input.device
    return _filled(fill, (input._data.shape,), d, dev, requires_grad, None)


def zeros_like(
    input: Tensor, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None
) -> Tensor:
    """Zeros with the shape (and, unless given, dtype and device) of ``input``."""
    return _like(0, input, dtype, device, requires_grad)


def ones_like(
    input: Tensor, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None
) -> Tensor:
    """Ones with the shape (and, unless given, dtype and device) of ``input``."""
    return _like(1, input, dtype, device, requires_grad)


def empty_like(
    input: Tensor, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None
) -> Tensor:
    """An uninitialised tensor shaped like ``input``."""
    return _like(None, input, dtype, device, requires_grad)


def full_like(
    input: Tensor,
    fill_value,
    *,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    memory_format=None,
) -> Tensor:
    """``fill_value`` everywhere, shaped like ``input`` (its dtype unless given)."""
    return _like(fill_value, input, dtype, device, requires_grad)


# ---- Tensor.new_* : same dtype and device as self unless given -------------------------------


def new_tensor(self: Tensor, data, *, dtype=None, device=None, requires_grad=False) -> Tensor:
    """A copy of ``data`` with self's dtype and device unless given."""
    array = _array_from_data(data, dtype or self.dtype)
    return _finish(array, device or self.device, requires_grad)


def new_zeros(self: Tensor, *size, dtype=None, device=None, requires_grad=False) -> Tensor:
    """Zeros of ``size`` with self's dtype and device unless given."""
    return _filled(0, size, dtype or self.dtype, device or self.device, requires_grad, None)


def new_ones(self: Tensor, *size, dtype=None, device=None, requires_grad=False) -> Tensor:
    """Ones of ``size`` with self's dtype and device unless given."""
    return _filled(1, size, dtype or self.dtype, device or self.device, requires_grad, None)


def new_empty(self: Tensor, *size, dtype=None, device=None, requires_grad=False) -> Tensor:
    """An uninitialised tensor of ``size`` with self's dtype and device."""
    return _filled(None, size, dtype or self.dtype, device or self.device, requires_grad, None)


def new_full(
    self: Tensor, size, fill_value, *, dtype=None, device=None, requires_grad=False
) -> Tensor:
    """``fill_value`` everywhere, of ``size``, with self's dtype and device."""
    _check_size_sequence("new_full", size)
    return _filled(
        fill_value, (size,), dtype or self.dtype, device or self.device, requires_grad, None
    )


# ---- ranges ----------------------------------------------------------------------------------


def arange(
    start=0,
    end=None,
    step=1,
    *,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
) -> Tensor:
    """Values from ``start`` up to (not including) ``end``; integers give int64."""
    if end is None:
        start, end = 0, start
    values = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    start, end, step = values
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if not all(math.isfinite(v) for v in values):
        raise RuntimeError(f"unsupported range: {start} -> {end}")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if dtype is None:
        dtype = _dtype.result_type_of([], [], values)
    if dtype.is_complex:
        raise NotImplementedError(
            f"\"arange_cpu\" not implemented for '{_dtype.scalar_type_name(dtype)}'"
        )
    if dtype is _dtype.int64:
        # int64 truncates the bounds and the step to integers before anything else, as torch
        start, end, step = int(start), int(end), int(step)
        values = [start, end, step]
        if step == 0:
            raise ValueError("step must be nonzero")
    n = max(math.ceil((end - start) / step), 0)
    if not (dtype.is_floating_point or dtype.is_complex):
        # other integer dtypes count from the given values, then step in truncated integers
        start, step = int(start), int(step)
        values = [start, end, step]
    xp = _xp(device)
    # computed as start + i * step in double precision, then cast, as torch does
    array = (
        (start + xp.arange(n, dtype=np.float64) * step)
        if dtype.is_floating_point or any(isinstance(v, float) for v in values)
        else start + xp.arange(n, dtype=np.int64) * step
    )
    t = Tensor._make(array.astype(_dtype.to_numpy_dtype(dtype), copy=False))
    if requires_grad:
        t.requires_grad_(True)
    return handle_out(t, out)


def _range(start=0, end=None, step=1, *, dtype=None, device=None, requires_grad=False):
    """Deprecated ``torch.range``: like arange but including ``end``."""
    if end is None:
        start, end = 0, start
    n = int(math.floor((end - start) / step)) + 1
    dtype = dtype or _dtype.get_default_dtype()
    array = start + np.arange(n, dtype=np.float64) * step
    return _finish(array.astype(dtype.np), device, requires_grad)


def linspace(
    start, end, steps: int, *, out=None, dtype=None, layout=None, device=None, requires_grad=False
) -> Tensor:
    """``steps`` evenly spaced values from start to end inclusive."""
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    start = start.item() if isinstance(start, Tensor) else start
    end = end.item() if isinstance(end, Tensor) else end
    if dtype is None:
        complex_bounds = isinstance(start, complex) or isinstance(end, complex)
        dtype = _dtype.default_complex_dtype() if complex_bounds else _dtype.get_default_dtype()
    xp = _xp(device)
    if steps == 1:
        array = xp.asarray([start], dtype=np.complex128 if dtype.is_complex else np.float64)
    else:
        step = (end - start) / (steps - 1)
        i = xp.arange(steps, dtype=np.float64)
        # torch fills the first half from start and the second half from end (symmetric error)
        half = steps // 2
        array = xp.where(i < half, start + step * i, end - step * (steps - 1 - i))
    if not (dtype.is_floating_point or dtype.is_complex):
        array = xp.trunc(array)
    t = Tensor._make(array.astype(_dtype.to_numpy_dtype(dtype)))
    if requires_grad:
        t.requires_grad_(True)
    return handle_out(t, out)


def logspace(
    start,
    end,
    steps: int,
    base: float = 10.0,
    *,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
) -> Tensor:
    """``base ** linspace(start, end, steps)``."""
    exps = linspace(start, end, steps, dtype=_dtype.float64, device=device)
    dtype = dtype or _dtype.get_default_dtype()
    t = Tensor._make((base**exps._data).astype(_dtype.to_numpy_dtype(dtype)))
    if requires_grad:
        t.requires_grad_(True)
    return handle_out(t, out)


def eye(
    n: int,
    m: int | None = None,
    *,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
) -> Tensor:
    """The ``n`` x ``m`` identity matrix (ones on the main diagonal)."""
    if n < 0 or (m is not None and m < 0):
        raise RuntimeError(f"n must be greater or equal to 0, got {n if n < 0 else m}")
    dtype = dtype or _dtype.get_default_dtype()
    t = Tensor._make(
        _xp(device).eye(n, m if m is not None else n, dtype=_dtype.to_numpy_dtype(dtype))
    )
    if requires_grad:
        t.requires_grad_(True)
    return handle_out(t, out)


def scalar_tensor(s, *, dtype=None, device=None, requires_grad=False) -> Tensor:
    """A 0-dim tensor holding the number ``s`` (the default float dtype unless given)."""
    if isinstance(s, Tensor):
        s = s.item()
    if not isinstance(s, (numbers.Number, np.generic)):
        raise TypeError(
            f"scalar_tensor(): argument 's' (position 1) must be Number, not {type(s).__name__}"
        )
    dtype = dtype or _dtype.get_default_dtype()
    return _finish(np.asarray(s, dtype=dtype.np), device, requires_grad)


range = _range  # noqa: A001 - torch.range; defined last so the builtin serves this module
