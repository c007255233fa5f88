"""Image grids and saving, as ``torchvision.utils``."""

from __future__ import annotations

import math

import numpy as np

from .._tensor import Tensor
from ._pil import require_pil


def _as_batch(tensor) -> np.ndarray:
    """A list of CHW tensors or a (B)CHW/HW tensor as a (B, C, H, W) array, 1 channel -> 3."""
    if isinstance(tensor, (list, tuple)):
        arr = np.stack([t._data for t in tensor])
    elif isinstance(tensor, Tensor):
        arr = tensor._data
    else:
        raise TypeError(f"tensor or list of tensors expected, got {type(tensor)}")
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim == 3:
        arr = np.concatenate([arr] * 3) if arr.shape[0] == 1 else arr
        arr = arr[None]
    if arr.ndim == 4 and arr.shape[1] == 1:
        arr = np.concatenate([arr] * 3, axis=1)
    return arr


def _rescale(arr: np.ndarray, value_range) -> np.ndarray:
    low, high = value_range if value_range is not None else (arr.min(), arr.max())
    return (np.clip(arr, low, high) - low) / max(high - low, 1e-5)


def make_grid(
    tensor,
    nrow: int = 8,
    padding: int = 2,
    normalize: bool = False,
    value_range: tuple | None = None,
    scale_each: bool = False,
    pad_value: float = 0.0,
) -> Tensor:
    """Tile a batch of images into one (C, H', W') image, ``nrow`` images per row, with
    ``padding`` pixels of ``pad_value`` around each; ``normalize`` rescales to [0, 1] using
    ``value_range`` (or the min and max, per image with ``scale_each``)."""
    arr = _as_batch(tensor)
    if normalize:
        arr = arr.astype(np.float32) if not np.issubdtype(arr.dtype, np.floating) else arr
        if scale_each:
            arr = np.stack([_rescale(a, value_range) for a in arr])
        else:
            arr = _rescale(arr, value_range)
    if arr.shape[0] == 1:
        return Tensor._make(np.ascontiguousarray(arr[0]))
    n, c, h, w = arr.shape
    cols = min(nrow, n)
    rows = int(math.ceil(n / cols))
    cell_h, cell_w = h + padding, w + padding
    grid = np.full((c, cell_h * rows + padding, cell_w * cols + padding), pad_value, arr.dtype)
    for k in range(n):
        y, x = divmod(k, cols)
        top, left = y * cell_h + padding, x * cell_w + padding
        grid[:, top : top + h, left : left + w] = arr[k]
    return Tensor._make(grid)


def save_image(tensor, fp, format: str | None = None, **kwargs) -> None:
    """Save a tensor image (or a grid of a batch, ``kwargs`` as `make_grid`) with Pillow;
    values in [0, 1] are scaled to 0..255 and rounded."""
    Image = require_pil()
    grid = make_grid(tensor, **kwargs)._data
    pixels = np.clip(grid * 255 + 0.5, 0, 255).astype(np.uint8).transpose(1, 2, 0)
    Image.fromarray(np.ascontiguousarray(pixels)).save(fp, format=format)
