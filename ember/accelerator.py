"""``torch.accelerator``: which accelerator, if any, this process can use."""

from __future__ import annotations

from . import cuda
from ._device import device


def is_available() -> bool:
    return cuda.is_available()


def current_accelerator(check_available: bool = False):
    """``device('cuda')`` when a GPU is usable, else None (as PyTorch's CPU build answers)."""
    return device("cuda") if cuda.is_available() else None


def device_count() -> int:
    return cuda.device_count()


def synchronize(device=None) -> None:
    cuda.synchronize(device)
