"""Photometric transforms applied with probability ``p``: invert, posterize, solarize,
sharpness, autocontrast, equalize."""

from __future__ import annotations

from . import functional as F
from .transforms import _rand, _Transform


class _RandomApplyFn(_Transform):
    """Apply ``self._apply(img)`` with probability ``p``."""

    def __init__(self, p: float = 0.5) -> None:
        self.p = p

    def forward(self, img):
        return self._apply(img) if _rand() < self.p else img


class RandomInvert(_RandomApplyFn):
    def _apply(self, img):
        return F.invert(img)


class RandomPosterize(_RandomApplyFn):
    def __init__(self, bits: int, p: float = 0.5) -> None:
        super().__init__(p)
        self.bits = bits

    def _apply(self, img):
        return F.posterize(img, self.bits)


class RandomSolarize(_RandomApplyFn):
    def __init__(self, threshold: float, p: float = 0.5) -> None:
        super().__init__(p)
        self.threshold = threshold

    def _apply(self, img):
        return F.solarize(img, self.threshold)


class RandomAdjustSharpness(_RandomApplyFn):
    def __init__(self, sharpness_factor: float, p: float = 0.5) -> None:
        super().__init__(p)
        self.sharpness_factor = sharpness_factor

    def _apply(self, img):
        return F.adjust_sharpness(img, self.sharpness_factor)


class RandomAutocontrast(_RandomApplyFn):
    def _apply(self, img):
        return F.autocontrast(img)


class RandomEqualize(_RandomApplyFn):
    def _apply(self, img):
        return F.equalize(img)
