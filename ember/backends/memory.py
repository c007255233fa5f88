"""Keep freed array memory in the process instead of handing it back to the kernel at once.

A training step allocates and frees the same few-megabyte arrays (activations, gradients,
convolution scratch) again and again. glibc serves blocks over its mmap threshold with fresh
``mmap`` pages and unmaps them on free, and it trims the heap's free top back to the kernel:
either way the next step takes a page fault (and the kernel zeroes a page) for every 4 KiB it
writes. On this project's benchmark machine that was a fifth of a ResNet step. Raising the
two thresholds lets such blocks be reused from the heap; memory is still returned above
``TRIM`` bytes of free heap, and blocks over ``MMAP`` bytes still come from ``mmap``.

This is process-wide (the allocator is), so it is done once at import, only under glibc, and
``EMBER_MALLOC_TUNING=0`` in the environment turns it off.
"""

from __future__ import annotations

import os

MMAP = 32 << 20  # glibc's own ceiling for its dynamic threshold
TRIM = 256 << 20

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3

state = {"tuned": False}


def tune() -> bool:
    """Raise glibc's mmap and trim thresholds; whether it was done."""
    if state["tuned"] or os.environ.get("EMBER_MALLOC_TUNING", "1") == "0":
        return state["tuned"]
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION"):
            return False
    except (AttributeError, ValueError, OSError):  # not glibc (musl, macOS, Windows, Pyodide)
        return False
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        done = libc.mallopt(_M_MMAP_THRESHOLD, MMAP) == 1
        done = libc.mallopt(_M_TRIM_THRESHOLD, TRIM) == 1 and done
    except (OSError, AttributeError):
        return False
    state["tuned"] = done
    return done
