"""Checkpoints: ``save``/``load`` in PyTorch's own file format, and safetensors.

The reader and the writer (and zipfile, pickle, tempfile behind them) load on first use, so
``import ember`` does not pay for them.
"""

from __future__ import annotations

import importlib
from pickle import UnpicklingError

_LAZY = {
    "add_safe_globals": "._load",
    "clear_safe_globals": "._load",
    "get_safe_globals": "._load",
    "safe_globals": "._load",
    "safetensors": None,
}


def save(
    obj,
    f,
    pickle_module=None,
    pickle_protocol: int = 2,
    _use_new_zipfile_serialization: bool = True,
    _disable_byteorder_record=False,
) -> None:
    """Save ``obj`` to ``f`` (a path or a binary file) in PyTorch's checkpoint format; see
    ``ember/serialization/_save.py``."""
    from ._save import save as _save

    _save(
        obj,
        f,
        pickle_module,
        pickle_protocol,
        _use_new_zipfile_serialization,
        _disable_byteorder_record,
    )


def load(
    f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args
):
    """Load an object saved by ``torch.save`` or ``ember.save``; see
    ``ember/serialization/_load.py``."""
    from ._load import load as _load

    return _load(
        f, map_location, pickle_module, weights_only=weights_only, mmap=mmap, **pickle_load_args
    )


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'ember.serialization' has no attribute '{name}'")
    where = _LAZY[name]
    if where is None:
        return importlib.import_module(f".{name}", __name__)
    return getattr(importlib.import_module(where, __name__), name)


__all__ = ["UnpicklingError", "load", "save", *_LAZY]
