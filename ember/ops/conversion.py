"""Changing dtype and device: ``to``, ``type``, ``float()``, ``cpu()``... (differentiable)."""

from __future__ import annotations

import numpy as np

from .. import _dtype, _legacy_types
from .._device import as_device, device, device_of_array
from .._tensor import Tensor
from ..autograd.function import ArrayFunction


class Cast(ArrayFunction):
    """A dtype change; its gradient is cast back."""

    node_name = "ToCopyBackward0"

    @staticmethod
    def forward(ctx, a, dtype):
        ctx.src = _dtype.from_numpy_dtype(a.dtype)
        return a.astype(dtype, copy=True)

    @staticmethod
    def backward(ctx, grad):
        return grad.to(ctx.src)


class ToDevice(ArrayFunction):
    """A device move; its gradient moves back."""

    node_name = "ToCopyBackward0"

    @staticmethod
    def forward(ctx, a, target):
        ctx.src = device_of_array(a)
        return move_array(a, target)

    @staticmethod
    def backward(ctx, grad):
        return grad.to(ctx.src)


def move_array(array, target: device):
    """Copy an array to ``target`` (numpy for cpu, cupy for cuda:N)."""
    from .._device import array_module_for

    if target.type == "cpu":
        return array.get() if type(array) is not np.ndarray else array.copy()
    cp = array_module_for(target)
    with cp.cuda.Device(target.index or 0):
        return cp.asarray(array)


def _parse_to_args(self, args, kwargs):
    dev = kwargs.pop("device", None)
    dtype = kwargs.pop("dtype", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    if kwargs:
        raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
    flags = []  # positional (non_blocking, copy), as in to(dtype, non_blocking, copy)
    for a in args:
        if isinstance(a, _dtype.dtype):
            dtype = a
        elif isinstance(a, Tensor):
            dev, dtype = a.device, a.dtype
        elif isinstance(a, bool):
            flags.append(a)
            if len(flags) == 2:
                copy = a
        elif isinstance(a, (str, device, int)):
            dev = a
        else:
            raise TypeError(f"to() received an invalid combination of arguments: {a!r}")
    return (as_device(dev) if dev is not None else None), dtype, copy


def to(self: Tensor, *args, **kwargs) -> Tensor:
    """This tensor with another dtype and/or device; itself when nothing changes."""
    dev, dtype, copy = _parse_to_args(self, args, kwargs)
    out = self
    if dev is not None and dev != self.device:
        if dev.type == "cuda" and dev.index is None and self.is_cuda:
            pass
        else:
            out = ToDevice.apply(out, dev)
            copy = False
    if dtype is not None and dtype.np != out._data.dtype:
        out = Cast.apply(out, _dtype.to_numpy_dtype(dtype))
        copy = False
    if copy:
        out = out.clone()
    return out


def type_(self: Tensor, dtype=None, non_blocking: bool = False, **kwargs):
    """With no argument, the type name (``'torch.FloatTensor'``); else ``to(dtype)``."""
    if dtype is None:
        return _legacy_type_name(self)
    legacy = _legacy_types.dtype_of(dtype)
    if legacy is not None:  # x.type(torch.LongTensor)
        return to(self, "cuda" if dtype.is_cuda else "cpu", legacy)
    if isinstance(dtype, str):
        on_cuda = dtype.startswith("torch.cuda.")
        try:
            target = _LEGACY_BY_NAME[dtype.replace("torch.cuda.", "torch.")]
        except KeyError:
            raise ValueError(f"invalid type: '{dtype}'") from None
        return to(self, "cuda" if on_cuda else "cpu", target)
    return to(self, dtype)


_LEGACY = {
    "float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
    "bfloat16": "BFloat16Tensor", "int64": "LongTensor", "int32": "IntTensor",
    "int16": "ShortTensor", "int8": "CharTensor", "uint8": "ByteTensor", "bool": "BoolTensor",
}  # fmt: skip
_LEGACY_BY_NAME = {f"torch.{v}": _dtype._by_name[k] for k, v in _LEGACY.items()}


def _legacy_type_name(t: Tensor) -> str:
    prefix = "torch.cuda." if t.is_cuda else "torch."
    return prefix + _LEGACY.get(t.dtype.name, t.dtype.name)


def _caster(dtype):
    def cast(self: Tensor, memory_format=None) -> Tensor:
        return to(self, dtype)

    cast.__doc__ = f"``self.to({dtype})``"
    return cast


CASTS = {
    "float": _caster(_dtype.float32),
    "double": _caster(_dtype.float64),
    "half": _caster(_dtype.float16),
    "bfloat16": _caster(_dtype.bfloat16),
    "long": _caster(_dtype.int64),
    "int": _caster(_dtype.int32),
    "short": _caster(_dtype.int16),
    "char": _caster(_dtype.int8),
    "byte": _caster(_dtype.uint8),
    "bool": _caster(_dtype.bool_),
}


def cpu(self: Tensor, memory_format=None) -> Tensor:
    """This tensor on the cpu (itself when already there)."""
    return to(self, "cpu")


def cuda(self: Tensor, device=None, non_blocking: bool = False, memory_format=None) -> Tensor:
    """This tensor on a GPU (``cuda`` or ``cuda:N``)."""
    if device is None:
        device = "cuda"
    elif isinstance(device, int):
        device = f"cuda:{device}"
    return to(self, device)


def type_as(self: Tensor, other: Tensor) -> Tensor:
    """This tensor with ``other``'s dtype."""
    return to(self, other.dtype)
