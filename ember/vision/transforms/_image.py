"""What the functional transforms share: checking an image, and moving between PIL images,
arrays shaped (C, H, W) and tensors."""

from __future__ import annotations

import numpy as np

from ..._tensor import Tensor
from .._pil import is_pil_image, require_pil


def _check_image(img) -> None:
    if not (is_pil_image(img) or isinstance(img, Tensor)):
        raise TypeError(f"img should be PIL Image or Tensor. Got {type(img)}")
    if isinstance(img, Tensor) and img.ndim < 2:
        raise TypeError(f"Tensor is not a torch image: expected at least 2 dims, got {img.ndim}")


def _wrap(array: np.ndarray) -> Tensor:
    return Tensor._make(np.ascontiguousarray(array))


def _pil_to_array(img) -> np.ndarray:
    """A PIL image as a (C, H, W) array of its own dtype."""
    arr = np.asarray(img)
    if img.mode == "1":
        arr = arr.astype(np.uint8) * 255
    return arr[None] if arr.ndim == 2 else arr.transpose(2, 0, 1)


def _array_to_pil(arr: np.ndarray, like):
    """Inverse of `_pil_to_array`, keeping the mode of ``like``."""
    Image = require_pil()
    hwc = arr[0] if arr.shape[0] == 1 else arr.transpose(1, 2, 0)
    out = Image.fromarray(np.ascontiguousarray(hwc))
    if like.mode == "P":
        out = out.convert("L")
    return out if out.mode == like.mode or like.mode == "P" else out.convert(like.mode)


def _on_arrays(img, fn):
    """Apply an array kernel to a tensor or (via an array round trip) to a PIL image."""
    if is_pil_image(img):
        return _array_to_pil(fn(_pil_to_array(img)), img)
    return _wrap(fn(img._data))


def get_dimensions(img) -> list:
    """[channels, height, width]."""
    _check_image(img)
    if is_pil_image(img):
        return [len(img.getbands()), img.height, img.width]
    c = img.shape[-3] if img.ndim > 2 else 1
    return [c, img.shape[-2], img.shape[-1]]


def get_image_size(img) -> list:
    """[width, height]."""
    _, h, w = get_dimensions(img)
    return [w, h]
