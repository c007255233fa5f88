"""Padding and resampling layers: `ZeroPad*`, `ConstantPad*`, `ReflectionPad*`,
`ReplicationPad*`, `CircularPad*` (1d/2d/3d) and `Upsample`."""

from __future__ import annotations

from ..._tensor import Tensor
from .. import functional as F
from .module import Module


def _pad_tuple(padding, dims: int) -> tuple:
    if isinstance(padding, (list, tuple)):
        if len(padding) != 2 * dims:
            raise ValueError(f"Padding length must be {2 * dims}, got {len(padding)}")
        return tuple(padding)
    return (padding,) * (2 * dims)


class _PadNd(Module):
    _dims = 2
    _mode = "constant"

    def __init__(self, padding) -> None:
        super().__init__()
        self.padding = _pad_tuple(padding, self._dims)

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(Module):
    _dims = 2

    def __init__(self, padding, value: float) -> None:
        super().__init__()
        self.value = value
        self.padding = _pad_tuple(padding, self._dims)

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pad the last dim with ``value``; ``padding`` is an int or (left, right)."""

    _dims = 1


class ConstantPad2d(_ConstantPadNd):
    """Pad the last two dims with ``value``: (left, right, top, bottom)."""

    _dims = 2


class ConstantPad3d(_ConstantPadNd):
    """Pad the last three dims with ``value``."""

    _dims = 3


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad1d(_ZeroPadNd):
    """Pad the last dim with zeros."""

    _dims = 1


class ZeroPad2d(_ZeroPadNd):
    """Pad the last two dims with zeros: (left, right, top, bottom)."""

    _dims = 2


class ZeroPad3d(_ZeroPadNd):
    """Pad the last three dims with zeros."""

    _dims = 3


class ReflectionPad1d(_PadNd):
    """Pad by mirroring the input about its edges (the edge not repeated)."""

    _dims, _mode = 1, "reflect"


class ReflectionPad2d(_PadNd):
    """Mirror-pad the last two dims: (left, right, top, bottom)."""

    _dims, _mode = 2, "reflect"


class ReflectionPad3d(_PadNd):
    """Mirror-pad the last three dims."""

    _dims, _mode = 3, "reflect"


class ReplicationPad1d(_PadNd):
    """Pad by repeating the edge values."""

    _dims, _mode = 1, "replicate"


class ReplicationPad2d(_PadNd):
    """Edge-repeat padding of the last two dims."""

    _dims, _mode = 2, "replicate"


class ReplicationPad3d(_PadNd):
    """Edge-repeat padding of the last three dims."""

    _dims, _mode = 3, "replicate"


class CircularPad1d(_PadNd):
    """Pad by wrapping around (periodic boundary)."""

    _dims, _mode = 1, "circular"


class CircularPad2d(_PadNd):
    """Wrap-around padding of the last two dims."""

    _dims, _mode = 2, "circular"


class CircularPad3d(_PadNd):
    """Wrap-around padding of the last three dims."""

    _dims, _mode = 3, "circular"


class Upsample(Module):
    """Resize by ``size`` or ``scale_factor`` (F.interpolate)."""

    def __init__(
        self,
        size=None,
        scale_factor=None,
        mode: str = "nearest",
        align_corners=None,
        recompute_scale_factor=None,
    ) -> None:
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, (list, tuple)):
            self.scale_factor = tuple(float(f) for f in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input: Tensor) -> Tensor:
        return F.interpolate(
            input, self.size, self.scale_factor, self.mode, self.align_corners,
            recompute_scale_factor=self.recompute_scale_factor,
        )  # fmt: skip

    def extra_repr(self) -> str:
        if self.scale_factor is not None:
            info = f"scale_factor={self.scale_factor!r}"
        else:
            info = f"size={self.size!r}"
        return f"{info}, mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """Nearest-neighbour upsampling (``Upsample(mode="nearest")``)."""

    def __init__(self, size=None, scale_factor=None) -> None:
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """Bilinear upsampling with ``align_corners=True``."""

    def __init__(self, size=None, scale_factor=None) -> None:
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)
