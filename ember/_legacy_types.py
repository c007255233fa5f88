"""torch's legacy typed constructors: ``torch.LongTensor(3)``, ``torch.FloatTensor([1, 2])``.

Each is a class (of the metaclass ``TensorType``) with a dtype and a device type, not a subclass
of Tensor: calling one builds a plain Tensor of its dtype, and ``isinstance`` asks whether a
tensor has that dtype and device type (``isinstance(t, torch.LongTensor)``). As in torch:

- ``LongTensor()`` is empty; ``LongTensor(2, 3)`` and ``LongTensor(torch.Size([2, 3]))`` are
  uninitialised tensors of that shape (a plain tuple is data, not a shape);
- ``LongTensor([1.7, 2])`` converts data (floats truncated toward zero), NumPy arrays included;
- ``LongTensor(t)`` returns ``t`` when it has the dtype and device already, and refuses any
  other tensor; a lone float, bool or string is refused too (the data must be a sequence).
"""

from __future__ import annotations

import numpy as np

from . import _dtype
from ._tensor import Size, Tensor


class TensorType(type):
    """The metaclass of ``LongTensor`` and the rest (torch's ``torch.tensortype``)."""

    dtype: _dtype.dtype
    is_cuda: bool

    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, Tensor) and obj.dtype == cls.dtype and obj.is_cuda == cls.is_cuda

    def __repr__(cls) -> str:
        return f"<class '{cls.__module__}.{cls.__qualname__}'>"

    def __call__(cls, *args, device=None):
        wanted = "cuda" if cls.is_cuda else "cpu"
        if device is not None and str(device).split(":")[0] != wanted:
            raise RuntimeError(
                f"legacy constructor expects device type: {wanted} but device type: "
                f"{str(device).split(':')[0]} was passed"
            )
        place = device if device is not None else wanted
        if len(args) == 1 and isinstance(args[0], Tensor):
            return _same_tensor(cls, args[0])
        if not args or all(_is_int(a) for a in args) or _is_size(args):
            shape = tuple(args[0]) if _is_size(args) else tuple(int(a) for a in args)
            if not args:
                shape = (0,)
            for n in shape:
                if n < 0:
                    raise RuntimeError(
                        f"Trying to create tensor with negative dimension {n}: {list(shape)}"
                    )
            from .ops.creation import empty

            return empty(shape, dtype=cls.dtype, device=place)
        if len(args) > 1:
            raise TypeError(
                f"new() received an invalid combination of arguments - got "
                f"({', '.join(type(a).__name__ for a in args)}), but expected one of: "
                "(*, device), (tuple of ints size, *, device), (object data, *, device)"
            )
        data = args[0]
        if isinstance(data, str):
            raise TypeError("new(): invalid data type 'str'")
        if not isinstance(data, (list, tuple, np.ndarray)):
            raise TypeError(f"new(): data must be a sequence (got {type(data).__name__})")
        from .ops.creation import tensor

        return tensor(np.asarray(data).astype(cls.dtype.np, copy=False), device=place)


def _is_int(a) -> bool:
    return isinstance(a, (int, np.integer)) and not isinstance(a, (bool, np.bool_))


def _is_size(args) -> bool:
    return len(args) == 1 and isinstance(args[0], Size)


def _same_tensor(cls, t: Tensor) -> Tensor:
    if t.dtype != cls.dtype or t.is_cuda != cls.is_cuda:
        raise TypeError(f"expected {_name(cls)} (got {t.type()})")
    return t


def _name(cls) -> str:
    """``torch.LongTensor``, ``torch.cuda.LongTensor``: the name torch gives the type."""
    return f"torch.{'cuda.' if cls.is_cuda else ''}{cls.__name__}"


def _make(name: str, dt: _dtype.dtype, cuda: bool, module: str) -> TensorType:
    cls = TensorType(name, (), {"dtype": dt, "is_cuda": cuda, "__module__": module})
    cls.__doc__ = f"``{_name(cls)}(...)``: a tensor of dtype {dt}."
    return cls


_NAMES = {
    "FloatTensor": _dtype.float32, "DoubleTensor": _dtype.float64,
    "HalfTensor": _dtype.float16, "BFloat16Tensor": _dtype.bfloat16,
    "LongTensor": _dtype.int64, "IntTensor": _dtype.int32, "ShortTensor": _dtype.int16,
    "CharTensor": _dtype.int8, "ByteTensor": _dtype.uint8, "BoolTensor": _dtype.bool_,
}  # fmt: skip

CPU = {name: _make(name, dt, False, "ember") for name, dt in _NAMES.items()}
CUDA = {name: _make(name, dt, True, "ember.cuda") for name, dt in _NAMES.items()}


def dtype_of(cls) -> _dtype.dtype | None:
    """The dtype of a legacy type (``LongTensor``), or None for anything else."""
    return cls.dtype if isinstance(cls, TensorType) else None
