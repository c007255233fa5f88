"""``ember.save``: write an object in PyTorch's zip checkpoint format (see ``_format``)."""

from __future__ import annotations

import collections
import io
import os
import pickle
import sys
import tempfile
import zipfile

import numpy as np

from .._tensor import Tensor
from ._format import (
    ALIGNMENT,
    REBUILD_PARAMETER,
    REBUILD_TENSOR,
    STORAGE_NAMES,
    Global,
    storage_global,
    storage_view,
)


class _StorageRef:
    """A storage to be written once, referred to by key from every tensor that views it."""

    __slots__ = ("key", "array")

    def __init__(self, key: str, array: np.ndarray):
        self.key = key
        self.array = array


class _Pickler(pickle._Pickler):  # the pure-Python pickler lets us emit torch's globals
    dispatch = dict(pickle._Pickler.dispatch)

    def __init__(self, file):
        super().__init__(file, protocol=2)
        self.storages: dict[int, _StorageRef] = {}

    def _save_global_stub(self, obj: Global):
        self.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode("utf-8"))
        self.memoize(obj)

    dispatch[Global] = _save_global_stub

    def persistent_id(self, obj):
        if isinstance(obj, _StorageRef):
            array = obj.array
            dtype_name = _dtype_name(array)
            return ("storage", storage_global(dtype_name), obj.key, "cpu", int(array.size))
        return None

    def reducer_override(self, obj):
        if isinstance(obj, Tensor):
            return self._reduce_tensor(obj)
        return NotImplemented

    def _storage_for(self, array: np.ndarray):
        found = storage_view(array)
        if found is None:
            root, offset = np.ascontiguousarray(array), 0
            strides = tuple(s // root.itemsize for s in root.strides) if root.ndim else ()
            if root is array:
                root = array.copy()
        else:
            root, offset, strides = found
        ref = self.storages.get(id(root))
        if ref is None:
            ref = _StorageRef(str(len(self.storages)), root)
            self.storages[id(root)] = ref
        return ref, offset, strides

    def _reduce_tensor(self, t: Tensor):
        array = t._host()
        ref, offset, strides = self._storage_for(array)
        hooks = collections.OrderedDict()
        args = (ref, offset, tuple(array.shape), strides, bool(t._requires_grad), hooks)
        if _is_parameter(t):
            data = Tensor._make(array)
            return (REBUILD_PARAMETER, (data, bool(t._requires_grad), collections.OrderedDict()))
        return (REBUILD_TENSOR, args)


def _is_parameter(t: Tensor) -> bool:
    return type(t).__name__ == "Parameter" and type(t) is not Tensor


def _dtype_name(array: np.ndarray) -> str:
    from .._dtype import from_numpy_dtype

    name = from_numpy_dtype(array.dtype).name
    if name not in STORAGE_NAMES:
        raise TypeError(f"ember.save cannot store tensors of dtype {name}")
    return name


def _aligned_extra(offset: int, name: str) -> bytes:
    """A zip 'extra' field that pads the local header so file data starts on ALIGNMENT."""
    start = offset + 30 + len(name.encode("utf-8"))
    pad = (-(start + 4)) % ALIGNMENT
    return b"FB" + pad.to_bytes(2, "little") + b"Z" * pad


def _write_record(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    info.extra = _aligned_extra(zf.fp.tell(), name)
    zf.writestr(info, data)


def _write_archive(obj, fileobj) -> None:
    buffer = io.BytesIO()
    pickler = _Pickler(buffer)
    pickler.dump(obj)
    prefix = "archive/"
    with zipfile.ZipFile(fileobj, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
        _write_record(zf, prefix + "data.pkl", buffer.getvalue())
        _write_record(zf, prefix + ".format_version", b"1")
        _write_record(zf, prefix + ".storage_alignment", str(ALIGNMENT).encode())
        _write_record(zf, prefix + "byteorder", b"little")
        for ref in pickler.storages.values():
            array = ref.array
            if sys.byteorder == "big":
                array = array.byteswap()
            _write_record(zf, prefix + f"data/{ref.key}", array.tobytes())
        _write_record(zf, prefix + "version", b"3\n")
        _write_record(zf, prefix + ".data/serialization_id", b"0" * 40)


def save(
    obj,
    f,
    pickle_module=None,
    pickle_protocol: int = 2,
    _use_new_zipfile_serialization: bool = True,
    _disable_byteorder_record=False,
) -> None:
    """Save ``obj`` to ``f`` (a path or a binary file) in PyTorch's checkpoint format.

    Saving to a path is atomic: the archive is written to a temporary file in the same folder
    and renamed over ``f``, so a failure never leaves a truncated checkpoint behind.
    """
    if isinstance(f, (str, os.PathLike)):
        path = os.fspath(f)
        folder = os.path.dirname(os.path.abspath(path))
        fd, tmp = tempfile.mkstemp(prefix=".ember-save-", dir=folder)
        try:
            with os.fdopen(fd, "wb") as out:
                _write_archive(obj, out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
        return
    if not hasattr(f, "write"):
        raise AttributeError(f"expected a path or a binary file object, got {type(f).__name__}")
    _write_archive(obj, f)
