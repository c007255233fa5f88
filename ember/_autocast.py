"""The autocast state that ``ember.amp.autocast`` sets and the matrix-product ops consult.

While autocast is on for a device type, matmul/mm/bmm/addmm/baddbmm/addbmm (and linear and
conv, which call ``cast`` too) run on inputs cast to the autocast dtype, as torch's autocast
does for its lower-precision op list. ``active`` is the ops' one-attribute fast check.
"""

from __future__ import annotations

from . import _dtype

active = False  # True while autocast is on for any device type
enabled = {"cpu": False, "cuda": False}
dtypes = {"cpu": _dtype.bfloat16, "cuda": _dtype.float16}


def set_state(device_type: str, on: bool, dtype) -> None:
    global active
    enabled[device_type] = on
    dtypes[device_type] = dtype
    active = any(enabled.values())


def cast(*tensors):
    """``tensors`` with each eligible one cast to its device's autocast dtype (differentiably).

    Eligible: a floating-point tensor other than float64, on a device type autocast is on for.
    None and non-tensors pass through, so a missing bias can be handed in as it is.
    """
    out = []
    for t in tensors:
        if hasattr(t, "_data") and t.is_floating_point() and t.dtype is not _dtype.float64:
            kind = t.device.type
            target = dtypes.get(kind)
            if enabled.get(kind) and t.dtype is not target:
                t = t.to(target)
        out.append(t)
    return tuple(out)
