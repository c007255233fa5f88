"""The safetensors format, natively: an 8-byte little-endian header length, a JSON header
``{name: {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, "__metadata__": {}}``,
then the tensors' raw little-endian bytes. Every header is validated before any data is read.
"""

from __future__ import annotations

import json
import os

import numpy as np

from .. import _dtype
from .._tensor import Tensor

_CODES = {
    "F64": "float64", "F32": "float32", "F16": "float16", "BF16": "bfloat16", "I64": "int64",
    "I32": "int32", "I16": "int16", "I8": "int8", "U8": "uint8", "BOOL": "bool",
    "U16": "uint16", "U32": "uint32", "U64": "uint64", "C64": "complex64",
}  # fmt: skip
_CODE_OF = {v: k for k, v in _CODES.items()}
_MAX_HEADER = 100 * 1024 * 1024


class SafetensorError(Exception):
    """A malformed or unsupported safetensors file."""


def _header_for(tensors: dict, metadata) -> tuple[bytes, list]:
    if not isinstance(tensors, dict):
        raise TypeError("tensors must be a dict of name -> Tensor")
    header = {}
    if metadata is not None:
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
            raise ValueError("metadata must be a dict of str -> str")
        header["__metadata__"] = dict(metadata)
    blobs = []
    offset = 0
    # larger alignments first, then by name, as the reference writer orders them
    for name in sorted(tensors, key=lambda n: (-tensors[n].element_size(), n)):
        t = tensors[name]
        if not isinstance(t, Tensor):
            raise TypeError(f"tensor {name!r} is a {type(t).__name__}, not a Tensor")
        data = np.ascontiguousarray(t.detach()._host())
        if data.dtype.byteorder == ">":
            data = data.astype(data.dtype.newbyteorder("<"))
        raw = data.tobytes()
        code = _CODE_OF.get(t.dtype.name)
        if code is None:
            raise ValueError(f"safetensors cannot store dtype {t.dtype}")
        header[name] = {
            "dtype": code,
            "shape": list(data.shape),
            "data_offsets": [offset, offset + len(raw)],
        }
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((-len(text)) % 8)
    return len(text).to_bytes(8, "little") + text, blobs


def save(tensors: dict, metadata: dict | None = None) -> bytes:
    """The safetensors bytes of ``tensors``."""
    head, blobs = _header_for(tensors, metadata)
    return head + b"".join(blobs)


def save_file(tensors: dict, filename, metadata: dict | None = None) -> None:
    head, blobs = _header_for(tensors, metadata)
    path = os.fspath(filename)
    tmp = path + ".tmp"
    with open(tmp, "wb") as fh:
        fh.write(head)
        for blob in blobs:
            fh.write(blob)
    os.replace(tmp, path)


def _parse_header(buffer, total: int):
    if total < 8:
        raise SafetensorError("file is too small to hold a safetensors header")
    n = int.from_bytes(bytes(buffer[:8]), "little")
    if n > _MAX_HEADER or 8 + n > total:
        raise SafetensorError(f"header length {n} is invalid for a file of {total} bytes")
    try:
        header = json.loads(bytes(buffer[8 : 8 + n]).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SafetensorError(f"header is not valid JSON: {e}") from None
    if not isinstance(header, dict):
        raise SafetensorError("header must be a JSON object")
    metadata = header.pop("__metadata__", None)
    if metadata is not None and not (
        isinstance(metadata, dict) and all(isinstance(v, str) for v in metadata.values())
    ):
        raise SafetensorError("__metadata__ must map strings to strings")
    data_size = total - 8 - n
    spans = []
    entries = {}
    for name, info in header.items():
        if not isinstance(info, dict):
            raise SafetensorError(f"entry {name!r} is not an object")
        code, shape, offsets = info.get("dtype"), info.get("shape"), info.get("data_offsets")
        if code not in _CODES:
            raise SafetensorError(f"entry {name!r} has unknown dtype {code!r}")
        if not (isinstance(shape, list) and all(isinstance(s, int) and s >= 0 for s in shape)):
            raise SafetensorError(f"entry {name!r} has an invalid shape {shape!r}")
        if not (
            isinstance(offsets, list)
            and len(offsets) == 2
            and all(isinstance(o, int) for o in offsets)
        ):
            raise SafetensorError(f"entry {name!r} has invalid data_offsets {offsets!r}")
        begin, end = offsets
        dtype = _dtype._by_name[_CODES[code]]
        itemsize = np.dtype(_dtype.to_numpy_dtype(dtype)).itemsize
        if not 0 <= begin <= end <= data_size:
            raise SafetensorError(f"entry {name!r} points outside the data ({offsets})")
        if int(np.prod(shape, dtype=object)) * itemsize != end - begin:
            raise SafetensorError(f"entry {name!r}: shape {shape} does not match its byte span")
        spans.append((begin, end, name))
        entries[name] = (dtype, tuple(shape), begin, end)
    spans.sort()
    position = 0
    for begin, end, name in spans:
        if begin != position:
            raise SafetensorError(f"entry {name!r} overlaps or leaves a gap in the data")
        position = end
    if position != data_size:
        raise SafetensorError("the data section has trailing bytes no entry describes")
    return metadata, entries, 8 + n


def _tensor_from(buffer, start: int, dtype, shape, begin: int, end: int, device) -> Tensor:
    np_dtype = np.dtype(_dtype.to_numpy_dtype(dtype)).newbyteorder("<")
    array = np.frombuffer(
        buffer, dtype=np_dtype, count=(end - begin) // np_dtype.itemsize, offset=start + begin
    ).reshape(shape)
    t = Tensor._make(array.astype(np_dtype.newbyteorder("="), copy=True))
    return t if str(device) == "cpu" else t.to(device)


def load(data: bytes, device="cpu") -> dict:
    """Tensors from safetensors bytes."""
    metadata, entries, start = _parse_header(data, len(data))
    return {name: _tensor_from(data, start, *entry, device) for name, entry in entries.items()}


def load_file(filename, device="cpu") -> dict:
    with open(os.fspath(filename), "rb") as fh:
        data = fh.read()
    return load(data, device)


class _Slice:
    def __init__(self, opened, name):
        self._opened, self._name = opened, name

    def get_shape(self):
        return list(self._opened._entries[self._name][1])

    def get_dtype(self):
        return _CODE_OF[self._opened._entries[self._name][0].name]

    def __getitem__(self, key):
        return self._opened.get_tensor(self._name)[key]


class safe_open:
    """Read tensors one at a time: ``with safe_open(path) as f: f.get_tensor(name)``."""

    def __init__(self, filename, framework: str = "pt", device="cpu"):
        self._fh = open(os.fspath(filename), "rb")
        self._map = (
            np.memmap(self._fh, dtype=np.uint8, mode="r")
            if os.fstat(self._fh.fileno()).st_size
            else np.zeros(0, np.uint8)
        )
        self._metadata, self._entries, self._start = _parse_header(self._map, self._map.size)
        self._device = device

    def keys(self) -> list:
        return sorted(self._entries)

    def metadata(self):
        return self._metadata

    def get_tensor(self, name: str) -> Tensor:
        if name not in self._entries:
            raise SafetensorError(f"File does not contain tensor {name}")
        return _tensor_from(self._map, self._start, *self._entries[name], self._device)

    def get_slice(self, name: str) -> _Slice:
        if name not in self._entries:
            raise SafetensorError(f"File does not contain tensor {name}")
        return _Slice(self, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._fh.close()
        return False
