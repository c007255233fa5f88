"""``torch.set_default_device``: the device that creation functions use when given none.

The state is one module global, read by ``ops/creation.py`` when ``device=None``. It holds None
while the default is the CPU, so the common path costs one attribute read.
"""

from __future__ import annotations

from ._device import device, device_of_array

# None means cpu; otherwise the device creation functions place new tensors on
DEFAULT = None


def set_default_device(device) -> None:
    """Make ``device`` the default for tensors created without ``device=``; None resets to cpu.

    Using it for 'cuda' without a GPU raises when a tensor is created, as torch's CPU build does.
    """
    global DEFAULT
    if device is None:
        DEFAULT = None
        return
    d = _as_device(device)
    DEFAULT = None if d.type == "cpu" else d


def get_default_device() -> device:
    """The device creation functions use when given none (``device('cpu')`` unless set)."""
    if DEFAULT is None:
        return device("cpu")
    from .ops.creation import empty

    return device_of_array(empty(0)._data) if DEFAULT.type == "cuda" else DEFAULT


def _as_device(d) -> device:
    return d if isinstance(d, device) else device(d)
