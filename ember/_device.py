"""Devices: ``device("cpu")``, ``device("cuda:1")``, and which array module serves each."""

from __future__ import annotations

from . import backends


class CudaUnavailableError(RuntimeError, AssertionError):
    """No usable GPU: a RuntimeError, and the AssertionError torch raises in the same case."""


class device:
    """Where a tensor's data lives, as ``torch.device``."""

    __slots__ = ("type", "index")

    def __init__(self, type, index: int | None = None):
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, int):
            type, index = "cuda", type
        if not isinstance(type, str):
            raise TypeError(f"device() received an invalid combination of arguments: {type!r}")
        if ":" in type:
            if index is not None:
                raise RuntimeError(
                    f"type (string) must not include an index because index was "
                    f"passed explicitly: {type}"
                )
            type, _, idx = type.partition(":")
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}:{idx}'")
            index = int(idx)
        if type not in ("cpu", "cuda", "meta", "mps"):
            raise RuntimeError(
                "Expected one of cpu, cuda, mps, meta device type at start of device string: "
                f"{type}"
            )
        if index is not None and index < 0:
            raise RuntimeError(f"Device index must not be negative, got {index}")
        self.type = type
        self.index = index

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        if not isinstance(other, device):
            return False  # as torch: device("cpu") == "cpu" is False
        return self.type == other.type and self.index == other.index

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (self.type, self.index))


CPU = device("cpu")


def as_device(d) -> device:
    """Normalise a device argument (str, int, device or None) to a device; None means cpu."""
    if d is None:
        return CPU
    if type(d) is device:
        return d
    return device(d)


def array_module_for(d: device):
    """The array module that serves ``d``; a clear error when that device cannot be used."""
    if d.type == "cpu":
        import numpy

        return numpy
    if d.type == "cuda":
        cp = backends.cupy()
        if cp is None:
            raise CudaUnavailableError(
                "Torch not compiled with CUDA enabled: ember needs CuPy and a visible NVIDIA GPU "
                "for cuda tensors (pip install 'ember[cuda12]' or 'ember[cuda13]')"
            )
        return cp
    raise RuntimeError(f"ember has no backend for device type '{d.type}'")


def device_of_array(array) -> device:
    """The device an array lives on (cpu for numpy, cuda:N for cupy)."""
    import numpy

    if type(array) is numpy.ndarray:
        return CPU
    return device("cuda", array.device.id)
