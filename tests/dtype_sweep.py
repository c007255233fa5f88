"""Running oracle-table entries in dtypes other than the ones they list: the inputs made for
one dtype, converted, then the entry called in a library (``test_half_optable``,
``test_int_optable``)."""

from __future__ import annotations

import warnings

import numpy as np


def flat(o):
    if isinstance(o, (list, tuple)):
        for x in o:
            yield from flat(x)
    else:
        yield o


def run(entry, lib, made_as: str, convert):
    """``(outputs, None)`` or ``(None, exception type)`` of the entry on inputs made for
    ``made_as`` and passed through ``convert(lib, array)``."""
    raw = entry.inputs(np.random.default_rng(0), made_as)

    def to_lib(v):
        if isinstance(v, np.ndarray):
            return convert(lib, v)
        if isinstance(v, (list, tuple)) and v and all(isinstance(x, np.ndarray) for x in v):
            return type(v)(to_lib(x) for x in v)
        return v

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return list(flat(entry.call(lib, *[to_lib(v) for v in raw]))), None
        except Exception as e:  # compared by type
            return None, type(e)
