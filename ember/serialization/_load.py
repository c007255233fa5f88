"""``ember.load``: read checkpoints written by ``torch.save`` (zip and legacy formats) or by
``ember.save``.

With ``weights_only=True`` (the default, as in torch) the unpickler accepts only an allowlist of
globals (tensor and parameter rebuilders, storage types, OrderedDict, dtypes, devices, Size),
and every declared size is checked against the bytes really present before anything is
allocated: a crafted file raises a clear exception and never runs code.
"""

from __future__ import annotations

import collections
import io
import os
import pickle
import struct
import warnings
import zipfile

import numpy as np

from .. import _dtype
from .._device import as_device
from .._tensor import Size, Tensor
from ._format import DTYPE_OF_STORAGE, check_view

UnpicklingError = pickle.UnpicklingError
_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C


class _StorageType:
    """What ``torch.FloatStorage`` and friends unpickle to: the element dtype."""

    def __init__(self, name: str):
        self.name = name
        self.dtype = DTYPE_OF_STORAGE[name]


class _Storage:
    """A loaded storage: a flat array of its elements, and the device it belongs on."""

    __slots__ = ("array", "device")

    def __init__(self, array, device):
        self.array = array
        self.device = device


def _rebuild_tensor_v2(
    storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None, metadata=None
):
    if not isinstance(storage, _Storage):
        raise UnpicklingError("_rebuild_tensor_v2 expects a storage")
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise UnpicklingError(f"size {list(size)} and stride {list(stride)} differ in length")
    array = storage.array
    check_view(int(storage_offset), size, stride, array.size)
    item = array.itemsize
    view = np.lib.stride_tricks.as_strided(
        array[int(storage_offset) :] if array.size else array, size, tuple(s * item for s in stride)
    )
    t = Tensor._make(view)
    if storage.device.type != "cpu":
        t = t.to(storage.device)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _rebuild_parameter(data, requires_grad, backward_hooks=None, *state):
    from ..nn import Parameter  # a deliberate late import: only checkpoints of parameters

    return Parameter(data, requires_grad)


def _make_device(*args):
    return as_device(args[0] if len(args) == 1 else f"{args[0]}:{args[1]}")


def _safe_globals():
    table = {
        ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
        ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
        ("collections", "OrderedDict"): collections.OrderedDict,
        ("torch", "Size"): Size,
        ("torch", "device"): _make_device,
        # plain data types torch's weights-only loader also accepts
        ("builtins", "set"): set,
        ("__builtin__", "set"): set,
        ("builtins", "complex"): complex,
        ("__builtin__", "complex"): complex,
        ("builtins", "bytearray"): bytearray,
        ("__builtin__", "bytearray"): bytearray,
    }
    for name in DTYPE_OF_STORAGE:
        table["torch", name] = _StorageType(name)
    for d in _dtype.all_dtypes:
        table["torch", d.name] = d
    table["torch", "bool"] = _dtype.bool_
    return table


_SAFE = _safe_globals()
_user_safe: dict = {}


def add_safe_globals(safe_globals) -> None:
    """Allow more globals under ``weights_only=True``: objects, or (object, "module.name")."""
    for item in safe_globals:
        obj, name = item if isinstance(item, tuple) else (item, None)
        if name is None:
            name = f"{obj.__module__}.{obj.__qualname__}"
        module, _, attr = name.rpartition(".")
        _user_safe[module, attr] = obj
        if module == "builtins":  # protocol-2 pickles name the builtins module __builtin__
            _user_safe["__builtin__", attr] = obj


def get_safe_globals() -> list:
    return list(_user_safe.values())


def clear_safe_globals() -> None:
    _user_safe.clear()


class safe_globals:
    """Context manager allowing extra globals under ``weights_only=True`` inside its block."""

    def __init__(self, safe_globals):
        self.items = list(safe_globals)

    def __enter__(self):
        self._saved = dict(_user_safe)
        add_safe_globals(self.items)

    def __exit__(self, *exc):
        _user_safe.clear()
        _user_safe.update(self._saved)
        return False


def _resolve_device(location: str, map_location):
    if map_location is None:
        target = location
    elif isinstance(map_location, dict):
        target = map_location.get(location, location)
    elif callable(map_location):
        target = location
    else:
        target = map_location
    dev = as_device(target)
    if dev.type == "cuda":
        from ..backends import cupy

        if cupy() is None:
            raise RuntimeError(
                "Attempting to deserialize object on a CUDA device but torch.cuda.is_available()"
                " is False. If you are running on a CPU-only machine, please use torch.load "
                "with map_location=torch.device('cpu') to map your storages to the CPU."
            )
    return dev


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, weights_only: bool, load_storage):
        super().__init__(file)
        self.weights_only = weights_only
        self.load_storage = load_storage

    def find_class(self, module, name):
        found = _SAFE.get((module, name)) or _user_safe.get((module, name))
        if found is not None:
            return found
        if self.weights_only:
            raise UnpicklingError(
                "Weights only load failed. In PyTorch 2.6, we changed the default value of the "
                "`weights_only` argument in `torch.load` from `False` to `True`. Re-running "
                "`torch.load` with `weights_only` set to `False` will likely succeed, but it can "
                "result in arbitrary code execution. Do it only if you got the file from a "
                f"trusted source.\nUnsupported global: GLOBAL {module}.{name}. Use "
                "ember.serialization.add_safe_globals or safe_globals to allow it."
            )
        return super().find_class(module, name)

    def persistent_load(self, pid):
        if not isinstance(pid, tuple) or len(pid) < 5 or pid[0] != "storage":
            raise UnpicklingError(f"unknown persistent id {pid!r:.80}")
        _, storage_type, key, location, numel = pid[:5]
        if not isinstance(storage_type, _StorageType):
            raise UnpicklingError("persistent id names an unknown storage type")
        if not isinstance(numel, int) or numel < 0 or not isinstance(location, str):
            raise UnpicklingError("persistent id has an invalid size or location")
        return self.load_storage(str(key), storage_type.dtype, numel, location)


def _unpickle(data: bytes, weights_only: bool, load_storage):
    unpickler = _Unpickler(io.BytesIO(data), weights_only, load_storage)
    try:
        return unpickler.load()
    except (UnpicklingError, RuntimeError):
        raise
    except Exception as e:  # malformed pickles surface as many types; give one clear error
        raise UnpicklingError(f"invalid checkpoint: {type(e).__name__}: {e}") from None


def _weights_only_default(weights_only):
    """torch's rule: True unless passed; the two environment variables override (and the
    one that turns it off says so, as torch does, when the argument was not passed)."""
    if os.environ.get("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "0").lower() in ("1", "true", "y"):
        return True
    if os.environ.get("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "0").lower() in ("1", "true", "y"):
        if weights_only is None:
            warnings.warn(
                "Environment variable TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD detected, since the"
                "`weights_only` argument was not explicitly passed to `torch.load`, forcing "
                "weights_only=False.",
                UserWarning,
                stacklevel=4,  # (the caller of ember.load)
            )
            return False
        return weights_only
    return True if weights_only is None else weights_only


def load(
    f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args
):
    """Load an object saved by ``torch.save`` or ``ember.save``. ``weights_only=False`` given
    explicitly loads any pickle without a warning, as in torch."""
    weights_only = _weights_only_default(weights_only)
    if isinstance(f, (str, os.PathLike)):
        path = os.fspath(f)
        with open(path, "rb") as fh:
            head = fh.read(4)
        if head[:2] == b"PK":
            with zipfile.ZipFile(path) as zf:
                return _load_zip(zf, map_location, weights_only, path if mmap else None)
        with open(path, "rb") as fh:
            return _load_legacy(fh, map_location, weights_only)
    data = f.read()
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return _load_zip(zf, map_location, weights_only, None)
    return _load_legacy(io.BytesIO(data), map_location, weights_only)


def _record_name(zf: zipfile.ZipFile, suffix: str):
    for name in zf.namelist():
        parts = name.split("/", 1)
        if len(parts) == 2 and parts[1] == suffix:
            return name
    return None


def _load_zip(zf: zipfile.ZipFile, map_location, weights_only, mmap_path):
    pkl = _record_name(zf, "data.pkl")
    if pkl is None:
        raise RuntimeError("invalid checkpoint: the archive has no data.pkl record")
    prefix = pkl[: -len("data.pkl")]
    order = _record_name(zf, "byteorder")
    big_endian = order is not None and zf.read(order).strip() == b"big"
    loaded = {}

    def load_storage(key, dtype, numel, location):
        device = _resolve_device(location, map_location)
        cached = loaded.get(key)
        if cached is not None:
            return cached
        name = f"{prefix}data/{key}"
        try:
            info = zf.getinfo(name)
        except KeyError:
            raise RuntimeError(f"invalid checkpoint: storage {key} is missing") from None
        np_dtype = _dtype.to_numpy_dtype(dtype)
        expected = numel * np.dtype(np_dtype).itemsize
        if info.file_size != expected:
            raise RuntimeError(
                f"invalid checkpoint: storage {key} declares {numel} elements of {dtype.name} "
                f"({expected} bytes) but holds {info.file_size} bytes"
            )
        if mmap_path is not None and info.compress_type == zipfile.ZIP_STORED:
            array = _mmap_record(zf, info, mmap_path, np_dtype, numel)
        else:
            array = np.frombuffer(bytearray(zf.read(name)), dtype=np_dtype)
        if big_endian:
            array = array.byteswap()
        storage = _Storage(array, device)
        if callable(map_location) and not isinstance(map_location, dict):
            _ = map_location(storage, location)
        loaded[key] = storage
        return storage

    return _unpickle(zf.read(pkl), weights_only, load_storage)


def _mmap_record(zf, info, path, np_dtype, numel):
    with open(path, "rb") as fh:
        fh.seek(info.header_offset)
        header = fh.read(30)
        name_len, extra_len = struct.unpack("<HH", header[26:30])
    start = info.header_offset + 30 + name_len + extra_len
    return np.memmap(path, dtype=np_dtype, mode="c", offset=start, shape=(numel,))


def _load_legacy(fh, map_location, weights_only):
    """The pre-1.6 format: pickles of magic, protocol, sys info, the object, the storage keys,
    then each storage's element count and raw bytes."""

    def read_plain():
        return _unpickle_plain(fh)

    magic = read_plain()
    if magic != _LEGACY_MAGIC:
        raise RuntimeError("Invalid magic number; corrupt file?")
    protocol = read_plain()
    if protocol != 1001:
        raise RuntimeError(f"Invalid protocol version: {protocol}")
    sys_info = read_plain()
    little = not isinstance(sys_info, dict) or sys_info.get("little_endian", True)
    declared = {}
    here = fh.tell()
    fh.seek(0, os.SEEK_END)
    file_size = fh.tell()
    fh.seek(here)

    def load_storage(key, dtype, numel, location):
        device = _resolve_device(location, map_location)
        entry = declared.get(key)
        if entry is None:
            np_dtype = np.dtype(_dtype.to_numpy_dtype(dtype))
            if numel * np_dtype.itemsize > file_size:
                raise RuntimeError(
                    f"invalid legacy checkpoint: storage {key} declares {numel} elements, more "
                    "than the file holds"
                )
            # filled in place below, once the object pickle has been read: views share it
            entry = declared[key] = _Storage(np.zeros(numel, np_dtype), device)
        return entry

    pickled = _read_pickle_bytes(fh)
    obj = _unpickle(pickled, weights_only, load_storage)
    keys = read_plain()
    if not isinstance(keys, list):
        raise UnpicklingError("invalid legacy checkpoint: storage key list missing")
    for key in keys:
        entry = declared.get(str(key))
        raw = fh.read(8)
        if len(raw) != 8 or entry is None:
            raise RuntimeError(f"invalid legacy checkpoint: storage {key} is missing")
        count = struct.unpack("<q" if little else ">q", raw)[0]
        array = entry.array
        if count != array.size:
            raise RuntimeError(f"invalid legacy checkpoint: storage {key} size mismatch")
        data = fh.read(count * array.itemsize)
        if len(data) != count * array.itemsize:
            raise RuntimeError(f"invalid legacy checkpoint: storage {key} is truncated")
        order = "<" if little else ">"
        array[...] = np.frombuffer(data, dtype=array.dtype.newbyteorder(order))
    return obj


def _unpickle_plain(fh):
    class _Plain(pickle.Unpickler):
        def find_class(self, module, name):
            raise UnpicklingError(f"unexpected global {module}.{name} in a legacy header")

    try:
        return _Plain(fh).load()
    except UnpicklingError:
        raise
    except Exception as e:
        raise UnpicklingError(f"invalid checkpoint: {type(e).__name__}: {e}") from None


def _read_pickle_bytes(fh) -> bytes:
    """Read one pickle's bytes from ``fh`` (stopping at its STOP opcode)."""
    start = fh.tell()
    import pickletools

    end = None
    for op, _, pos in pickletools.genops(fh):
        if op.name == "STOP":
            end = pos + 1
            break
    if end is None:
        raise UnpicklingError("invalid legacy checkpoint: truncated pickle")
    fh.seek(start)
    data = fh.read(end - start)
    return data
