"""Colour, blur and erasing forms of the transforms (re-exported by `functional`)."""

from __future__ import annotations

import numbers

import numpy as np

from ..._tensor import Tensor
from .._pil import is_pil_image, require_pil
from . import _array_ops as ops
from ._image import _check_image, _on_arrays, _wrap, get_dimensions


def rgb_to_grayscale(img, num_output_channels: int = 1):
    """Luma 0.2989 R + 0.587 G + 0.114 B, repeated to ``num_output_channels`` (1 or 3)."""
    _check_image(img)
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    if is_pil_image(img):
        gray = img.convert("L")
        if num_output_channels == 3:
            gray = require_pil().merge("RGB", [gray, gray, gray])
        return gray
    c = get_dimensions(img)[0]
    if c not in (1, 3):
        raise TypeError(f"Input image tensor permitted channel values are [1, 3], but found {c}")
    gray = img._data if c == 1 else ops.grayscale(img._data)
    if num_output_channels == 3:
        gray = np.concatenate([gray] * 3, axis=-3)
    return _wrap(gray)


def _enhance(img, name: str, factor: float, tensor_fn):
    if factor < 0:
        raise ValueError(f"{name} factor ({factor}) is not non-negative.")
    _check_image(img)
    if is_pil_image(img):
        from PIL import ImageEnhance

        return getattr(ImageEnhance, name.capitalize())(img).enhance(factor)
    return _wrap(tensor_fn(img._data))


def adjust_brightness(img, brightness_factor: float):
    return _enhance(
        img, "brightness", brightness_factor, lambda a: ops.blend(a, 0.0, brightness_factor)
    )


def adjust_contrast(img, contrast_factor: float):
    def fn(a):
        gray = ops.grayscale(a) if a.shape[-3] == 3 else a
        mean = gray.astype(np.float64).mean(axis=(-3, -2, -1), keepdims=True)
        return ops.blend(a, mean, contrast_factor)

    return _enhance(img, "contrast", contrast_factor, fn)


def adjust_saturation(img, saturation_factor: float):
    def fn(a):
        return a if a.shape[-3] == 1 else ops.blend(a, ops.grayscale(a), saturation_factor)

    return _enhance(img, "color", saturation_factor, fn)


def adjust_hue(img, hue_factor: float):
    """Shift the hue by ``hue_factor`` (in [-0.5, 0.5]) turns of the colour wheel."""
    if not -0.5 <= hue_factor <= 0.5:
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    _check_image(img)
    if is_pil_image(img):
        if img.mode in ("L", "1", "I", "F"):
            return img
        Image = require_pil()
        h, s, v = img.convert("HSV").split()
        shifted = (np.asarray(h).astype(np.int16) + int(hue_factor * 255)) % 256
        h = Image.fromarray(shifted.astype(np.uint8), "L")
        return Image.merge("HSV", (h, s, v)).convert(img.mode)
    if get_dimensions(img)[0] == 1:
        return img
    return _wrap(ops.adjust_hue(img._data, hue_factor))


def gaussian_blur(img, kernel_size, sigma=None):
    """Blur with a separable Gaussian kernel (odd sizes), reflect-padded; sigma defaults to
    0.3 * ((k - 1) * 0.5 - 1) + 0.8 as torchvision's."""
    if isinstance(kernel_size, int):
        ks = [kernel_size, kernel_size]
    else:
        ks = [int(kernel_size[0]), int(kernel_size[-1])]
    for k in ks:
        if k % 2 == 0 or k < 0:
            raise ValueError(
                f"kernel_size should have odd and positive integers. Got {kernel_size}"
            )
    if sigma is None:
        sigma = [k * 0.15 + 0.35 for k in ks]
    elif isinstance(sigma, numbers.Number):
        sigma = [float(sigma)] * 2
    else:
        sigma = [float(sigma[0]), float(sigma[-1])]
    if any(s <= 0 for s in sigma):
        raise ValueError(f"sigma should have positive values. Got {sigma}")
    return _on_arrays(img, lambda a: ops.gaussian_blur(a, ks, sigma))


def erase(img: Tensor, i: int, j: int, h: int, w: int, v, inplace: bool = False) -> Tensor:
    """Set the region (i, j, h, w) of a tensor image to ``v`` (a number or tensor)."""
    if not isinstance(img, Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(img)}")
    out = img._data if inplace else img._data.copy()
    out[..., i : i + h, j : j + w] = v._data if isinstance(v, Tensor) else v
    if inplace:
        img._vc[0] += 1
        return img
    return Tensor._make(out)


def _bound(img) -> float:
    return 1.0 if img.is_floating_point() else float(np.iinfo(img._data.dtype).max)


def invert(img):
    """bound - img (bound 1 for floats, the dtype's max for integers)."""
    _check_image(img)
    if is_pil_image(img):
        from PIL import ImageOps

        return ImageOps.invert(img)
    return _wrap((_bound(img) - img._data).astype(img._data.dtype))


def posterize(img, bits: int):
    """Keep the ``bits`` high bits of each uint8 value."""
    if not 0 <= bits <= 8:
        raise ValueError(f"The number if bits should be between 0 and 8. Got {bits}")
    _check_image(img)
    if is_pil_image(img):
        from PIL import ImageOps

        return ImageOps.posterize(img, bits)
    if img._data.dtype != np.uint8:
        raise TypeError(f"Only torch.uint8 image tensors are supported, but found {img.dtype}")
    return _wrap(img._data & np.uint8((0xFF << (8 - bits)) & 0xFF))


def solarize(img, threshold: float):
    """Invert the values at or above ``threshold``."""
    _check_image(img)
    if is_pil_image(img):
        from PIL import ImageOps

        return ImageOps.solarize(img, threshold)
    if threshold > _bound(img):
        raise TypeError("Threshold should be less than bound of img.")
    a = img._data
    return _wrap(np.where(a >= threshold, (_bound(img) - a).astype(a.dtype), a))


def adjust_sharpness(img, sharpness_factor: float):
    """Blend with a smoothed copy: 0 gives the smoothed image, 1 the original, 2 sharper."""
    if sharpness_factor < 0:
        raise ValueError(f"sharpness_factor ({sharpness_factor}) is not non-negative.")
    _check_image(img)
    if is_pil_image(img):
        from PIL import ImageEnhance

        return ImageEnhance.Sharpness(img).enhance(sharpness_factor)
    a = img._data
    return _wrap(ops.blend(a, ops.sharpness_degenerate(a), sharpness_factor))


def autocontrast(img):
    """Stretch each channel's values to the full range."""
    _check_image(img)
    if is_pil_image(img):
        from PIL import ImageOps

        return ImageOps.autocontrast(img)
    return _wrap(ops.autocontrast(img._data))


def equalize(img):
    """Equalise the histogram of each channel (uint8 images)."""
    _check_image(img)
    if is_pil_image(img):
        from PIL import ImageOps

        return ImageOps.equalize(img)
    if img._data.dtype != np.uint8:
        raise TypeError(f"Only torch.uint8 image tensors are supported, but found {img.dtype}")
    return _wrap(ops.equalize(img._data))
