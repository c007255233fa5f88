"""PyTorch's checkpoint format, written and read without torch.

A checkpoint is an uncompressed zip archive under one top folder (``archive/``):

- ``data.pkl``: a protocol-2 pickle of the object; each tensor is pickled as a call of
  ``torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks)``
  and each storage as a persistent id ``('storage', torch.FloatStorage, key, location, numel)``;
- ``data/<key>``: the raw little-endian bytes of each storage, starting at a multiple of 64;
- ``byteorder``, ``version``, ``.format_version``, ``.storage_alignment``,
  ``.data/serialization_id``: small text records.

Tensors that share memory (views) share one storage, so they keep sharing after loading.
"""

from __future__ import annotations

import numpy as np

from .. import _dtype

# PyTorch's legacy typed-storage class names, by element dtype
STORAGE_NAMES = {
    "float32": "FloatStorage",
    "float64": "DoubleStorage",
    "float16": "HalfStorage",
    "bfloat16": "BFloat16Storage",
    "int64": "LongStorage",
    "int32": "IntStorage",
    "int16": "ShortStorage",
    "int8": "CharStorage",
    "uint8": "ByteStorage",
    "bool": "BoolStorage",
    "complex64": "ComplexFloatStorage",
    "complex128": "ComplexDoubleStorage",
    "uint16": "UInt16Storage",
    "uint32": "UInt32Storage",
    "uint64": "UInt64Storage",
}
DTYPE_OF_STORAGE = {v: _dtype._by_name[k] for k, v in STORAGE_NAMES.items()}

ALIGNMENT = 64


class Global:
    """Stands for a global (``module.name``) in a pickle that ember writes, such as
    ``torch._utils._rebuild_tensor_v2``; ember never imports that module."""

    __slots__ = ("module", "name")

    def __init__(self, module: str, name: str):
        self.module = module
        self.name = name

    def __call__(self, *args):  # pickle requires a callable; it is only ever written
        raise TypeError(f"{self.module}.{self.name} is a stand-in for writing checkpoints")


REBUILD_TENSOR = Global("torch._utils", "_rebuild_tensor_v2")
REBUILD_PARAMETER = Global("torch._utils", "_rebuild_parameter")
ORDERED_DICT = Global("collections", "OrderedDict")


def storage_global(dtype_name: str) -> Global:
    return Global("torch", STORAGE_NAMES[dtype_name])


def root_array(array: np.ndarray) -> np.ndarray:
    """The array that owns the memory ``array`` views (itself if it owns it)."""
    root = array
    while isinstance(root.base, np.ndarray):
        root = root.base
    return root


def storage_view(array: np.ndarray):
    """(root, offset, strides) in elements when ``array`` can be described as a strided view of
    a contiguous root of the same dtype; None otherwise (then it is saved as its own copy)."""
    root = root_array(array)
    if root is array:
        if array.flags.c_contiguous:
            return root, 0, tuple(s // array.itemsize for s in array.strides)
        return None
    if root.dtype != array.dtype or not root.flags.c_contiguous:
        return None
    item = array.itemsize
    start = array.__array_interface__["data"][0] - root.__array_interface__["data"][0]
    if start % item or any(s % item for s in array.strides):
        return None
    offset = start // item
    strides = tuple(s // item for s in array.strides)
    if array.size and not _within(offset, array.shape, strides, root.size):
        return None
    return root, offset, strides


def _within(offset, shape, strides, numel) -> bool:
    low = high = offset
    for n, s in zip(shape, strides):
        if n == 0:
            return True
        if s >= 0:
            high += (n - 1) * s
        else:
            low += (n - 1) * s
    return low >= 0 and high < numel


def check_view(offset: int, shape, strides, numel: int) -> None:
    """Refuse a tensor whose elements would fall outside its storage."""
    if offset < 0 or any(n < 0 for n in shape):
        raise RuntimeError(f"invalid tensor: offset {offset}, size {list(shape)}")
    if any(n == 0 for n in shape):
        return
    if not _within(offset, shape, strides, numel):
        raise RuntimeError(
            f"invalid tensor: size {list(shape)} and stride {list(strides)} at offset {offset} "
            f"reach outside a storage of {numel} elements"
        )
