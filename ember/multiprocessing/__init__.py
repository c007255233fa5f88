"""``torch.multiprocessing``: Python's multiprocessing, plus ``spawn`` and tensor sharing.

Every name of the standard library's ``multiprocessing`` is here (``Process``, ``Queue``,
``Pool``, ``get_context``, ``set_start_method``, ...). Importing this module registers how
tensors travel between processes: one in shared memory (``Tensor.share_memory_()``,
``Module.share_memory()``) arrives as a view of the same memory, any other by value.
"""

from __future__ import annotations

import multiprocessing
import sys
from multiprocessing import *  # noqa: F403

from .reductions import init_reductions
from .spawn import (
    ProcessContext,
    ProcessException,
    ProcessExitedException,
    ProcessRaisedException,
    SpawnContext,
    spawn,
    start_processes,
)

__all__ = [
    "set_sharing_strategy",
    "get_sharing_strategy",
    "get_all_sharing_strategies",
    "init_reductions",
    "spawn",
    "start_processes",
    "ProcessContext",
    "SpawnContext",
    "ProcessException",
    "ProcessExitedException",
    "ProcessRaisedException",
] + list(multiprocessing.__all__)

if sys.platform == "darwin":
    _all_sharing_strategies = {"file_system"}
    _sharing_strategy = "file_system"
else:
    _all_sharing_strategies = {"file_descriptor", "file_system"}
    _sharing_strategy = "file_descriptor"


def set_sharing_strategy(new_strategy: str) -> None:
    """Record the strategy (ember shares through files in /dev/shm whichever is chosen)."""
    global _sharing_strategy
    if new_strategy not in _all_sharing_strategies:
        raise AssertionError(
            f"invalid sharing strategy {new_strategy!r}, expected one of {_all_sharing_strategies}"
        )
    _sharing_strategy = new_strategy


def get_sharing_strategy() -> str:
    return _sharing_strategy


def get_all_sharing_strategies() -> set:
    return set(_all_sharing_strategies)


init_reductions()
