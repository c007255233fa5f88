"""`default_collate` (a list of samples -> one batch) and `default_convert` (one sample ->
tensors), with torch's rules for each element type."""

from __future__ import annotations

import collections.abc
import copy
import re

import numpy as np

from ..._tensor import Tensor
from ...ops._util import xp_of

_STRING_DTYPE = re.compile(r"[SaUO]")
_COLLATE_ERROR = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"
)


def _is_namedtuple(obj) -> bool:
    return isinstance(obj, tuple) and hasattr(obj, "_fields")


def _tensor_from_numpy(array: np.ndarray) -> Tensor:
    from ...ops.creation import as_tensor

    return as_tensor(array)


def _collate_tensors(batch, **_):
    if any(t.requires_grad for t in batch):
        from ...ops.shape import stack

        return stack(list(batch), 0)
    # The common case: a plain array stack, skipping autograd bookkeeping per sample.
    shapes = {t._data.shape for t in batch}
    if len(shapes) > 1:
        first = batch[0]._data.shape
        other = next(t._data.shape for t in batch if t._data.shape != first)
        raise RuntimeError(
            f"stack expects each tensor to be equal size, but got {list(first)} at entry 0 and "
            f"{list(other)} at another entry"
        )
    return Tensor._make(xp_of(batch[0]._data).stack([t._data for t in batch]))


def _collate_ndarrays(batch, **_):
    elem = batch[0]
    if _STRING_DTYPE.search(elem.dtype.str) is not None:
        raise TypeError(_COLLATE_ERROR.format(elem.dtype))
    shapes = {a.shape for a in batch}
    if len(shapes) > 1:
        raise RuntimeError(
            f"stack expects each tensor to be equal size, but got {elem.shape} at entry 0 and "
            f"{next(a.shape for a in batch if a.shape != elem.shape)} at another entry"
        )
    return _tensor_from_numpy(np.stack(batch))


def _collate_numpy_scalars(batch, **_):
    return _tensor_from_numpy(np.array(batch))


def _collate_floats(batch, **_):
    return _tensor_from_numpy(np.array(batch, dtype=np.float64))


def _collate_ints(batch, **_):
    from ...ops.creation import tensor

    return tensor(batch)


def _collate_strings(batch, **_):
    return batch


default_collate_fn_map = {
    Tensor: _collate_tensors,
    np.ndarray: _collate_ndarrays,
    np.memmap: _collate_ndarrays,
    np.generic: _collate_numpy_scalars,
    float: _collate_floats,
    int: _collate_ints,
    str: _collate_strings,
    bytes: _collate_strings,
}


def collate(batch, *, collate_fn_map: dict | None = None):
    """Collate ``batch`` using ``collate_fn_map`` (element type -> function) for the leaves
    and recursing through mappings, named tuples and sequences."""
    elem = batch[0]
    elem_type = type(elem)
    if collate_fn_map is not None:
        if elem_type in collate_fn_map:
            return collate_fn_map[elem_type](batch, collate_fn_map=collate_fn_map)
        for leaf_type, fn in collate_fn_map.items():
            if isinstance(elem, leaf_type) and not (
                leaf_type is np.generic and _STRING_DTYPE.search(elem.dtype.str)
            ):
                return fn(batch, collate_fn_map=collate_fn_map)
    if isinstance(elem, collections.abc.Mapping):
        fields = {
            key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map) for key in elem
        }
        if isinstance(elem, collections.abc.MutableMapping):
            clone = copy.copy(elem)
            clone.update(fields)
            return clone
        try:
            return elem_type(fields)
        except TypeError:
            return fields
    if _is_namedtuple(elem):
        return elem_type(*(collate(s, collate_fn_map=collate_fn_map) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence) and not isinstance(elem, (str, bytes)):
        if any(len(e) != len(elem) for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        columns = [collate(s, collate_fn_map=collate_fn_map) for s in zip(*batch)]
        if isinstance(elem, tuple):
            return columns
        if isinstance(elem, collections.abc.MutableSequence):
            clone = copy.copy(elem)
            for i, column in enumerate(columns):
                clone[i] = column
            return clone
        try:
            return elem_type(columns)
        except TypeError:
            return columns
    raise TypeError(_COLLATE_ERROR.format(elem_type))


def default_collate(batch):
    """Stack a list of samples into a batch: tensors and numpy arrays are stacked along a new
    first dimension, Python floats become a float64 tensor, ints (and bools) an int64 (bool)
    tensor, numpy scalars a tensor of their dtype, strings and bytes stay a list; mappings,
    named tuples and sequences are collated field by field (tuples give lists)."""
    return collate(batch, collate_fn_map=default_collate_fn_map)


def default_convert(data):
    """Turn numpy arrays (not of strings) inside ``data`` into tensors, leaving everything else;
    used instead of `default_collate` when automatic batching is off."""
    if isinstance(data, Tensor):
        return data
    if isinstance(data, np.ndarray) and type(data).__module__ == "numpy":
        if _STRING_DTYPE.search(data.dtype.str) is not None:
            return data
        return _tensor_from_numpy(data)
    if isinstance(data, np.generic) and _STRING_DTYPE.search(data.dtype.str) is None:
        return _tensor_from_numpy(np.asarray(data))
    if isinstance(data, collections.abc.Mapping):
        fields = {key: default_convert(data[key]) for key in data}
        if isinstance(data, collections.abc.MutableMapping):
            clone = copy.copy(data)
            clone.update(fields)
            return clone
        try:
            return type(data)(fields)
        except TypeError:
            return fields
    if _is_namedtuple(data):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        converted = [default_convert(d) for d in data]
        if isinstance(data, collections.abc.MutableSequence):
            clone = copy.copy(data)
            for i, d in enumerate(converted):
                clone[i] = d
            return clone
        try:
            return type(data)(converted)
        except TypeError:
            return converted
    return data
