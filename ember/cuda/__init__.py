"""``torch.cuda`` for ember: device queries answered through CuPy when a GPU is present.

On a machine without CUDA every query answers as PyTorch's CPU build does (``is_available()``
is False, ``device_count()`` is 0) and seeding is accepted and ignored.
"""

from __future__ import annotations

from ..backends import cupy as _cupy


def is_available() -> bool:
    return _cupy() is not None


def device_count() -> int:
    cp = _cupy()
    return 0 if cp is None else int(cp.cuda.runtime.getDeviceCount())


def _require():
    cp = _cupy()
    if cp is None:
        raise RuntimeError(
            "Torch not compiled with CUDA enabled: ember needs CuPy and a visible NVIDIA GPU "
            "(pip install 'ember[cuda12]' or 'ember[cuda13]')"
        )
    return cp


def current_device() -> int:
    return int(_require().cuda.Device().id)


def set_device(device) -> None:
    from .._device import device as _device

    index = device if isinstance(device, int) else _device(device).index or 0
    _require().cuda.Device(index).use()


def get_device_name(device=None) -> str:
    cp = _require()
    index = 0 if device is None else (device if isinstance(device, int) else device.index or 0)
    name = cp.cuda.runtime.getDeviceProperties(index)["name"]
    return name.decode() if isinstance(name, bytes) else str(name)


def synchronize(device=None) -> None:
    cp = _cupy()
    if cp is not None:
        cp.cuda.Device().synchronize()


def manual_seed(seed: int) -> None:
    cp = _cupy()
    if cp is not None:
        cp.random.seed(int(seed) % (1 << 32))


def manual_seed_all(seed: int) -> None:
    manual_seed(seed)


def seed() -> None:
    cp = _cupy()
    if cp is not None:
        cp.random.seed()


def is_bf16_supported(including_emulation: bool = True) -> bool:
    return False


def empty_cache() -> None:
    cp = _cupy()
    if cp is not None:
        cp.get_default_memory_pool().free_all_blocks()


def memory_allocated(device=None) -> int:
    cp = _cupy()
    return 0 if cp is None else int(cp.get_default_memory_pool().used_bytes())


def max_memory_allocated(device=None) -> int:
    return memory_allocated(device)


def memory_reserved(device=None) -> int:
    cp = _cupy()
    return 0 if cp is None else int(cp.get_default_memory_pool().total_bytes())


def is_initialized() -> bool:
    return is_available()


from .._legacy_types import CUDA as _LEGACY_TYPES  # noqa: E402
from . import amp  # noqa: E402  (torch.cuda.amp; after the queries it may use)

globals().update(_LEGACY_TYPES)  # torch.cuda.LongTensor and the rest
