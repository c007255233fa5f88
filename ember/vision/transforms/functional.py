"""The deterministic forms of the transforms, as ``torchvision.transforms.functional``.

Each function takes a PIL image or a tensor image shaped (..., C, H, W) and returns the same
kind. Tensor images are worked on as NumPy arrays (`_array_ops`); PIL images use Pillow where
it has the operation and an array round trip where it does not. The colour, blur and erasing
forms live in `_functional_color` and are re-exported here.
"""

from __future__ import annotations

import enum
import math
import numbers

import numpy as np

from ..._tensor import Tensor
from .._pil import is_pil_image, require_pil
from . import _array_ops as ops
from ._functional_color import adjust_brightness as adjust_brightness
from ._functional_color import adjust_contrast as adjust_contrast
from ._functional_color import adjust_hue as adjust_hue
from ._functional_color import adjust_saturation as adjust_saturation
from ._functional_color import adjust_sharpness as adjust_sharpness
from ._functional_color import autocontrast as autocontrast
from ._functional_color import equalize as equalize
from ._functional_color import erase as erase
from ._functional_color import gaussian_blur as gaussian_blur
from ._functional_color import invert as invert
from ._functional_color import posterize as posterize
from ._functional_color import rgb_to_grayscale as rgb_to_grayscale
from ._functional_color import solarize as solarize
from ._image import _check_image, _on_arrays, _pil_to_array, _wrap, get_dimensions
from ._image import get_image_size as get_image_size


class InterpolationMode(enum.Enum):
    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


_PIL_FILTERS = {
    "nearest": 0,
    "nearest-exact": 0,
    "lanczos": 1,
    "bilinear": 2,
    "bicubic": 3,
    "box": 4,
    "hamming": 5,
}


def _mode(interpolation) -> str:
    if isinstance(interpolation, InterpolationMode):
        return interpolation.value
    if isinstance(interpolation, int):  # a PIL filter constant
        return {v: k for k, v in _PIL_FILTERS.items() if k != "nearest-exact"}[interpolation]
    return str(interpolation)


# ---- conversion ---------------------------------------------------------------------------


def to_tensor(pic) -> Tensor:
    """A PIL image or HWC ndarray as a CHW tensor; uint8 data becomes float in [0, 1]."""
    from ..._dtype import get_default_dtype

    if isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        arr = pic[:, :, None] if pic.ndim == 2 else pic
        arr = arr.transpose(2, 0, 1)
    elif is_pil_image(pic):
        arr = _pil_to_array(pic)
        if pic.mode == "I;16":
            arr = arr.astype(np.int16)
    else:
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    if arr.dtype == np.uint8:
        dtype = get_default_dtype().np
        out = np.empty(arr.shape, dtype)
        np.divide(arr, dtype.type(255), out=out, dtype=dtype)
        return Tensor._make(out)
    return _wrap(arr)


def pil_to_tensor(pic) -> Tensor:
    """A PIL image as a CHW tensor of its own dtype (no scaling)."""
    if not is_pil_image(pic):
        raise TypeError(f"pic should be PIL Image. Got {type(pic)}")
    return _wrap(_pil_to_array(pic))


def to_pil_image(pic, mode: str | None = None):
    """A CHW tensor or HWC ndarray as a PIL image; float data is scaled by 255 first."""
    Image = require_pil()
    if isinstance(pic, Tensor):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        arr = pic._data[None] if pic.ndim == 2 else pic._data
        if np.issubdtype(arr.dtype, np.floating) and mode != "F":
            arr = (arr * 255).astype(np.uint8)
        arr = arr.transpose(1, 2, 0)
    elif isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        arr = pic[:, :, None] if pic.ndim == 2 else pic
    else:
        raise TypeError(f"pic should be Tensor or ndarray. Got {type(pic)}.")
    channels = arr.shape[2]
    if channels == 1:
        arr = arr[:, :, 0]
        if mode is None:
            mode = {
                np.dtype(np.uint8): "L",
                np.dtype(np.int16): "I;16",
                np.dtype(np.int32): "I",
                np.dtype(np.float32): "F",
            }.get(arr.dtype)
        if mode is None:
            raise TypeError(f"Input type {arr.dtype} is not supported")
    elif mode is None:
        if arr.dtype != np.uint8:
            raise TypeError(f"Input type {arr.dtype} is not supported")
        mode = {2: "LA", 3: "RGB", 4: "RGBA"}.get(channels)
        if mode is None:
            raise ValueError(f"pic should not have > 4 channels. Got {channels} channels.")
    if mode == "F":
        arr = arr.astype(np.float32)
    return Image.fromarray(np.ascontiguousarray(arr), mode=mode)


def convert_image_dtype(image: Tensor, dtype=None) -> Tensor:
    """Convert a tensor image's dtype, rescaling values (floats in [0, 1], ints in [0, max])."""
    from ... import _dtype

    dtype = dtype or _dtype.float32
    if not isinstance(image, Tensor):
        raise TypeError("Input img should be Tensor Image")
    src, dst = image._data.dtype, dtype.np
    if src == dst:
        return image
    src_float = np.issubdtype(src, np.floating)
    dst_float = np.issubdtype(dst, np.floating)
    if src_float and dst_float:
        return _wrap(image._data.astype(dst))
    if src_float:
        if (src, dst) in ((np.float32, np.int32), (np.float32, np.int64), (np.float64, np.int64)):
            raise RuntimeError(
                f"The cast from {image.dtype} to {dtype} cannot be performed safely."
            )
        max_value = float(np.iinfo(dst).max)
        return _wrap((image._data * (max_value + 1.0 - 1e-3)).astype(dst))
    src_max = float(np.iinfo(src).max)
    if dst_float:
        return _wrap((image._data / src_max).astype(dst))
    dst_max = float(np.iinfo(dst).max)
    if src_max > dst_max:
        factor = int((src_max + 1) // (dst_max + 1))
        return _wrap((image._data // factor).astype(dst))
    factor = int((dst_max + 1) // (src_max + 1))
    return _wrap(image._data.astype(dst) * factor)


def normalize(tensor: Tensor, mean, std, inplace: bool = False) -> Tensor:
    """(tensor - mean) / std per channel of a float (..., C, H, W) tensor.

    math: out[c] = (x[c] - mean[c]) / std[c]
    """
    if not isinstance(tensor, Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    if not tensor.is_floating_point():
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    if tensor.ndim < 3:
        raise ValueError(
            "Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = "
            f"{tensor.size()}"
        )
    dt = tensor._data.dtype
    mean_a = np.asarray(mean._data if isinstance(mean, Tensor) else mean, dt)
    std_a = np.asarray(std._data if isinstance(std, Tensor) else std, dt)
    if not std_a.all():
        raise ValueError(
            f"std evaluated to zero after conversion to {tensor.dtype}, leading to division by "
            "zero."
        )
    if mean_a.ndim == 1:
        mean_a = mean_a[:, None, None]
    if std_a.ndim == 1:
        std_a = std_a[:, None, None]
    if tensor.requires_grad:
        from ...ops.creation import as_tensor

        if inplace:
            return tensor.sub_(as_tensor(mean_a)).div_(as_tensor(std_a))
        return (tensor - as_tensor(mean_a)) / as_tensor(std_a)
    if inplace:
        np.subtract(tensor._data, mean_a, out=tensor._data)
        np.divide(tensor._data, std_a, out=tensor._data)
        tensor._vc[0] += 1
        return tensor
    return Tensor._make((tensor._data - mean_a) / std_a)


# ---- geometry -----------------------------------------------------------------------------


def _output_size(h: int, w: int, size, max_size) -> tuple:
    """torchvision's rule: an int (or 1-list) matches the shorter edge, keeping the aspect."""
    if isinstance(size, int) or len(size) == 1:
        short_target = size if isinstance(size, int) else size[0]
        short, long = (w, h) if w <= h else (h, w)
        new_short, new_long = short_target, int(short_target * long / short)
        if max_size is not None:
            if max_size <= short_target:
                raise ValueError(
                    f"max_size = {max_size} must be strictly greater than the requested size "
                    f"for the smaller edge size = {size}"
                )
            if new_long > max_size:
                new_short, new_long = int(max_size * new_short / new_long), max_size
        return (new_long, new_short) if w <= h else (new_short, new_long)
    if max_size is not None:
        raise ValueError(
            "max_size should only be passed if size specifies the length of the smaller edge, "
            "i.e. size should be an int or a sequence of length 1 in torchscript mode."
        )
    return int(size[0]), int(size[1])


def resize(img, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    """Resize to ``size`` (h, w), or scale the shorter edge to ``size`` when it is an int.
    Tensors: nearest, bilinear, bicubic (torch's interpolate; ``antialias`` as torch's)."""
    _check_image(img)
    _, h, w = get_dimensions(img)
    oh, ow = _output_size(h, w, size, max_size)
    mode = _mode(interpolation)
    if is_pil_image(img):
        if (oh, ow) == (h, w):
            return img
        return img.resize((ow, oh), _PIL_FILTERS[mode])
    if mode not in ("nearest", "nearest-exact", "bilinear", "bicubic"):
        raise ValueError(f"Interpolation mode {mode} is unsupported for tensor images")
    return _wrap(ops.resize(img._data, (oh, ow), mode, bool(antialias)))


def _ltrb(padding) -> tuple:
    if isinstance(padding, numbers.Number):
        p = int(padding)
        return p, p, p, p
    padding = [int(p) for p in padding]
    if len(padding) == 1:
        return (padding[0],) * 4
    if len(padding) == 2:
        return padding[0], padding[1], padding[0], padding[1]
    if len(padding) == 4:
        return tuple(padding)
    raise ValueError(
        f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element tuple"
    )


def pad(img, padding, fill=0, padding_mode: str = "constant"):
    """Pad by an int (all sides), (left/right, top/bottom) or (left, top, right, bottom)."""
    _check_image(img)
    if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    ltrb = _ltrb(padding)
    if is_pil_image(img) and padding_mode == "constant" and min(ltrb) >= 0 and img.mode != "P":
        Image = require_pil()
        left, top, right, bottom = ltrb
        fill_color = tuple(fill) if isinstance(fill, (list, tuple)) else fill
        out = Image.new(
            img.mode, (img.width + left + right, img.height + top + bottom), fill_color or 0
        )
        out.paste(img, (left, top))
        return out
    return _on_arrays(img, lambda a: ops.pad(a, ltrb, fill, padding_mode))


def crop(img, top: int, left: int, height: int, width: int):
    """The ``height`` x ``width`` region at (top, left); outside the image is zeros."""
    _check_image(img)
    if is_pil_image(img):
        return img.crop((left, top, left + width, top + height))
    h, w = img.shape[-2:]
    right, bottom = left + width, top + height
    if left < 0 or top < 0 or right > w or bottom > h:
        inner = img._data[..., max(top, 0) : min(bottom, h), max(left, 0) : min(right, w)]
        ltrb = (max(-left, 0), max(-top, 0), max(right - w, 0), max(bottom - h, 0))
        return _wrap(ops.pad(inner, ltrb))
    return _wrap(img._data[..., top:bottom, left:right])


def _pair(size) -> tuple:
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if len(size) == 1:
        return int(size[0]), int(size[0])
    return int(size[0]), int(size[1])


def center_crop(img, output_size):
    """The central ``output_size`` region; a crop larger than the image pads with zeros."""
    th, tw = _pair(output_size)
    _, h, w = get_dimensions(img)
    if tw > w or th > h:
        ltrb = (
            (tw - w) // 2 if tw > w else 0,
            (th - h) // 2 if th > h else 0,
            (tw - w + 1) // 2 if tw > w else 0,
            (th - h + 1) // 2 if th > h else 0,
        )
        img = pad(img, ltrb, fill=0)
        _, h, w = get_dimensions(img)
        if tw == w and th == h:
            return img
    top = int(round((h - th) / 2.0))
    left = int(round((w - tw) / 2.0))
    return crop(img, top, left, th, tw)


def resized_crop(
    img, top, left, height, width, size, interpolation=InterpolationMode.BILINEAR, antialias=True
):
    return resize(crop(img, top, left, height, width), size, interpolation, antialias=antialias)


def hflip(img):
    _check_image(img)
    if is_pil_image(img):
        return img.transpose(require_pil().Transpose.FLIP_LEFT_RIGHT)
    return _wrap(img._data[..., ::-1])


def vflip(img):
    _check_image(img)
    if is_pil_image(img):
        return img.transpose(require_pil().Transpose.FLIP_TOP_BOTTOM)
    return _wrap(img._data[..., ::-1, :])


def _pil_fill(img, fill):
    """A fill colour Pillow accepts for this image's mode (a number repeats per band)."""
    if fill is None:
        return None
    bands = len(img.getbands())
    if isinstance(fill, numbers.Number):
        return fill if bands == 1 else tuple([int(fill)] * bands)
    return tuple(int(f) for f in fill) if bands > 1 else fill[0]


def affine(
    img,
    angle: float,
    translate,
    scale: float,
    shear,
    interpolation=InterpolationMode.NEAREST,
    fill=None,
    center=None,
):
    """Rotate by ``angle`` degrees, translate, scale and shear about ``center`` (the image
    centre by default), keeping the size; uncovered pixels get ``fill``."""
    _check_image(img)
    _, h, w = get_dimensions(img)
    if isinstance(shear, numbers.Number):
        shear = [shear, 0.0]
    shear = list(shear) + [0.0] * (2 - len(shear))
    cx, cy = (w * 0.5, h * 0.5) if center is None else (float(center[0]), float(center[1]))
    matrix = ops.inverse_affine_matrix((cx, cy), angle, translate, scale, shear)
    mode = _mode(interpolation)
    if is_pil_image(img):
        Image = require_pil()
        fillcolor = _pil_fill(img, fill)
        return img.transform((w, h), Image.AFFINE, matrix, _PIL_FILTERS[mode], fillcolor=fillcolor)
    return _wrap(ops.warp_affine(img._data, matrix, (h, w), mode, fill))


def rotate(
    img,
    angle: float,
    interpolation=InterpolationMode.NEAREST,
    expand: bool = False,
    center=None,
    fill=None,
):
    """Rotate counter-clockwise by ``angle`` degrees; ``expand`` grows the canvas to hold the
    whole rotated image."""
    _check_image(img)
    mode = _mode(interpolation)
    if is_pil_image(img):
        fillcolor = _pil_fill(img, fill)
        return img.rotate(angle, _PIL_FILTERS[mode], expand, center, fillcolor=fillcolor)
    _, h, w = get_dimensions(img)
    cx, cy = (w * 0.5, h * 0.5) if center is None else (center[0], center[1])
    matrix = ops.inverse_affine_matrix((cx, cy), -angle, (0.0, 0.0), 1.0, (0.0, 0.0))
    oh, ow = h, w
    if expand:
        # The rotated corners' bounding box, with the rotation centred in the new canvas.
        a, b, _, d, e, _ = matrix
        xs = np.array([0, w, w, 0]) - cx
        ys = np.array([0, 0, h, h]) - cy
        det = a * e - b * d
        fx = (e * xs - b * ys) / det + cx
        fy = (-d * xs + a * ys) / det + cy
        ow = int(math.ceil(fx.max() - 1e-9) - math.floor(fx.min() + 1e-9))
        oh = int(math.ceil(fy.max() - 1e-9) - math.floor(fy.min() + 1e-9))
        matrix[2] = a * (-ow / 2) + b * (-oh / 2) + cx
        matrix[5] = d * (-ow / 2) + e * (-oh / 2) + cy
    return _wrap(ops.warp_affine(img._data, matrix, (oh, ow), mode, fill))


def perspective_coeffs(startpoints, endpoints) -> list:
    """The 8 coefficients of the projective map taking each of the 4 ``endpoints`` (output
    corners) to its ``startpoints`` (input corners), by least squares."""
    rows, rhs = [], []
    for (sx, sy), (ex, ey) in zip(startpoints, endpoints):
        rows.append([ex, ey, 1, 0, 0, 0, -sx * ex, -sx * ey])
        rows.append([0, 0, 0, ex, ey, 1, -sy * ex, -sy * ey])
        rhs.extend([sx, sy])
    solution = np.linalg.lstsq(
        np.asarray(rows, np.float64), np.asarray(rhs, np.float64), rcond=None
    )
    return solution[0].tolist()


def perspective(img, startpoints, endpoints, interpolation=InterpolationMode.BILINEAR, fill=None):
    """Warp so that the input's ``startpoints`` (4 corners, [x, y]) land on ``endpoints``."""
    _check_image(img)
    coeffs = perspective_coeffs(startpoints, endpoints)
    mode = _mode(interpolation)
    if is_pil_image(img):
        Image = require_pil()
        return img.transform(
            img.size, Image.PERSPECTIVE, coeffs, _PIL_FILTERS[mode], fillcolor=_pil_fill(img, fill)
        )
    return _wrap(ops.warp_perspective(img._data, coeffs, mode, fill))


def five_crop(img, size) -> tuple:
    """The four corner crops and the central crop: (top-left, top-right, bottom-left,
    bottom-right, centre)."""
    th, tw = _pair(size)
    _, h, w = get_dimensions(img)
    if th > h or tw > w:
        raise ValueError(f"Requested crop size {size} is bigger than input size {(h, w)}")
    return (
        crop(img, 0, 0, th, tw),
        crop(img, 0, w - tw, th, tw),
        crop(img, h - th, 0, th, tw),
        crop(img, h - th, w - tw, th, tw),
        center_crop(img, (th, tw)),
    )


def ten_crop(img, size, vertical_flip: bool = False) -> tuple:
    """`five_crop` of the image and of its horizontal (or vertical) flip."""
    flipped = vflip(img) if vertical_flip else hflip(img)
    return five_crop(img, size) + five_crop(flipped, size)
