"""Image kernels on NumPy arrays shaped (..., C, H, W): resampling, affine warps, padding,
colour. `functional` calls them for tensors and, where Pillow has no equivalent, for PIL
images (through an array round trip)."""

from __future__ import annotations

import math

import numpy as np


def _max_value(dtype) -> float:
    return float(np.iinfo(dtype).max) if np.issubdtype(dtype, np.integer) else 1.0


def _to_float(img: np.ndarray) -> np.ndarray:
    return img if np.issubdtype(img.dtype, np.floating) else img.astype(np.float32)


def _back_to(out: np.ndarray, dtype) -> np.ndarray:
    """Round and clamp a float result back to an integer image dtype."""
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        return np.clip(np.round(out), info.min, info.max).astype(dtype)
    return out.astype(dtype, copy=False)


# ---- resampling ---------------------------------------------------------------------------


def _triangle(x):
    return np.clip(1.0 - np.abs(x), 0.0, None)


def _cubic(a):
    def kernel(x):
        x = np.abs(x)
        near = ((a + 2) * x - (a + 3)) * x * x + 1
        far = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
        return np.where(x < 1, near, np.where(x < 2, far, 0.0))

    return kernel


def _resample_matrix(in_size: int, out_size: int, mode: str, antialias: bool) -> np.ndarray:
    """The (out_size, in_size) matrix whose rows weight the input pixels of each output pixel.

    Without antialias this is torch's interpolate (align_corners=False): the kernel is sampled
    at unit spacing and out-of-range taps repeat the edge pixel. With antialias and a
    downscale, the kernel is stretched by the scale and out-of-range taps are dropped and the
    row renormalised (Pillow's and torch's antialiased resize).
    """
    scale = in_size / out_size
    kernel, support = (_triangle, 1.0) if mode == "bilinear" else (None, 2.0)
    if mode == "bicubic":
        kernel = _cubic(-0.5 if antialias else -0.75)
    stretch = max(scale, 1.0) if antialias else 1.0
    centers = (np.arange(out_size) + 0.5) * scale
    taps = int(math.ceil(support * stretch)) * 2 + 1
    first = np.floor(centers - support * stretch).astype(np.int64)
    cols = first[:, None] + np.arange(taps)[None, :]
    weights = kernel((cols + 0.5 - centers[:, None]) / stretch)
    matrix = np.zeros((out_size, in_size))
    rows = np.repeat(np.arange(out_size), taps)
    if antialias:
        weights = np.where((cols >= 0) & (cols < in_size), weights, 0.0)
        weights /= weights.sum(axis=1, keepdims=True)
    np.add.at(matrix, (rows, np.clip(cols, 0, in_size - 1).ravel()), weights.ravel())
    return matrix


def resize(img: np.ndarray, size: tuple, mode: str, antialias: bool) -> np.ndarray:
    """Resize the last two axes to ``size`` (h, w) with nearest, bilinear or bicubic."""
    h, w = img.shape[-2:]
    oh, ow = size
    if (oh, ow) == (h, w):
        return img.copy()
    if mode in ("nearest", "nearest-exact"):
        offset = 0.5 if mode == "nearest-exact" else 0.0
        rows = np.minimum(np.floor((np.arange(oh) + offset) * (h / oh)).astype(np.int64), h - 1)
        cols = np.minimum(np.floor((np.arange(ow) + offset) * (w / ow)).astype(np.int64), w - 1)
        return img[..., rows[:, None], cols[None, :]]
    x = _to_float(img)
    ry = _resample_matrix(h, oh, mode, antialias).astype(x.dtype)
    rx = _resample_matrix(w, ow, mode, antialias).astype(x.dtype)
    out = np.matmul(np.matmul(ry, x), rx.T)
    return _back_to(out, img.dtype)


# ---- padding and geometry -----------------------------------------------------------------

_PAD_MODES = {
    "constant": "constant",
    "edge": "edge",
    "reflect": "reflect",
    "symmetric": "symmetric",
}


def pad(img: np.ndarray, ltrb: tuple, fill=0, mode: str = "constant") -> np.ndarray:
    """Pad the last two axes by (left, top, right, bottom); negative values crop."""
    left, top, right, bottom = ltrb
    h, w = img.shape[-2:]
    img = img[..., max(-top, 0) : h - max(-bottom, 0), max(-left, 0) : w - max(-right, 0)]
    widths = [(0, 0)] * (img.ndim - 2) + [
        (max(top, 0), max(bottom, 0)),
        (max(left, 0), max(right, 0)),
    ]
    if mode != "constant":
        return np.pad(img, widths, mode=_PAD_MODES[mode])
    if isinstance(fill, (tuple, list)) and img.ndim >= 3:
        channels = [
            np.pad(img[..., c : c + 1, :, :], widths, constant_values=f) for c, f in enumerate(fill)
        ]
        return np.concatenate(channels, axis=-3)
    return np.pad(img, widths, constant_values=fill if fill is not None else 0)


def inverse_affine_matrix(center, angle, translate, scale, shear) -> list:
    """The 2x3 matrix taking output pixel coordinates back to input ones, for a rotation by
    ``angle`` degrees (counter-clockwise on screen), then shear, scale and translation, all
    about ``center``.

    math: M = T(center) T(translate) R(angle) Sh(shear) S(scale) T(-center); this returns M^-1.
    """
    rot = math.radians(angle)
    sx, sy = (math.radians(s) for s in shear)
    cx, cy = center
    tx, ty = translate
    # The forward rotation-shear block [[a, b], [c, d]], inverted in closed form.
    a = math.cos(rot - sy) / math.cos(sy)
    b = -math.cos(rot - sy) * math.tan(sx) / math.cos(sy) - math.sin(rot)
    c = math.sin(rot - sy) / math.cos(sy)
    d = -math.sin(rot - sy) * math.tan(sx) / math.cos(sy) + math.cos(rot)
    m = [d / scale, -b / scale, 0.0, -c / scale, a / scale, 0.0]
    m[2] = m[0] * (-cx - tx) + m[1] * (-cy - ty) + cx
    m[5] = m[3] * (-cx - tx) + m[4] * (-cy - ty) + cy
    return m


def _pixel_centres(out_size) -> tuple:
    oh, ow = out_size
    ys, xs = np.meshgrid(np.arange(oh) + 0.5, np.arange(ow) + 0.5, indexing="ij")
    return xs, ys


def _sample(img: np.ndarray, sx: np.ndarray, sy: np.ndarray, mode: str, fill) -> np.ndarray:
    """``img`` read at continuous input positions (sx, sy) (pixel (i, j) covers [j, j + 1) x
    [i, i + 1)), nearest or bilinear; positions outside the input get ``fill``."""
    h, w = img.shape[-2:]
    channels = img.shape[-3] if img.ndim >= 3 else 1
    fill_values = np.broadcast_to(
        np.asarray(fill if fill is not None else 0, np.float64), (channels,)
    ).reshape(channels, 1, 1)
    x = img.astype(np.float64)
    if mode == "nearest":
        ix, iy = np.floor(sx).astype(np.int64), np.floor(sy).astype(np.int64)
        inside = (ix >= 0) & (ix < w) & (iy >= 0) & (iy < h)
        out = x[..., np.clip(iy, 0, h - 1), np.clip(ix, 0, w - 1)]
    else:
        fx, fy = sx - 0.5, sy - 0.5
        x0, y0 = np.floor(fx).astype(np.int64), np.floor(fy).astype(np.int64)
        wx, wy = fx - x0, fy - y0
        out = 0.0
        for dy, wgt_y in ((0, 1 - wy), (1, wy)):
            for dx, wgt_x in ((0, 1 - wx), (1, wx)):
                yy = np.clip(y0 + dy, 0, h - 1)
                xx = np.clip(x0 + dx, 0, w - 1)
                out = out + x[..., yy, xx] * (wgt_y * wgt_x)
        inside = (sx >= 0) & (sx <= w) & (sy >= 0) & (sy <= h)
    out = np.where(inside, out, fill_values if img.ndim >= 3 else fill_values[0])
    return _back_to(out, img.dtype)


def warp_affine(img: np.ndarray, matrix, out_size, mode: str, fill) -> np.ndarray:
    """Sample ``img`` at ``matrix @ (x + 0.5, y + 0.5, 1)`` for every output pixel (x, y) of an
    ``out_size`` (h, w) image, as Pillow's ``Image.transform(AFFINE)`` does; pixels that map
    outside the input get ``fill``."""
    xs, ys = _pixel_centres(out_size)
    a, b, c, d, e, f = matrix
    return _sample(img, a * xs + b * ys + c, d * xs + e * ys + f, mode, fill)


def warp_perspective(img: np.ndarray, coeffs, mode: str, fill) -> np.ndarray:
    """Sample ``img`` where the projective map with Pillow's 8 ``coeffs`` sends each output
    pixel centre: x_in = (a x + b y + c) / (g x + h y + 1), y_in = (d x + e y + f) / (same)."""
    xs, ys = _pixel_centres(img.shape[-2:])
    a, b, c, d, e, f, g, h = coeffs
    denom = g * xs + h * ys + 1.0
    return _sample(img, (a * xs + b * ys + c) / denom, (d * xs + e * ys + f) / denom, mode, fill)


# ---- colour -------------------------------------------------------------------------------


def grayscale(img: np.ndarray) -> np.ndarray:
    """ITU-R 601-2 luma of an RGB image (..., 3, H, W) -> (..., 1, H, W), in its dtype."""
    r, g, b = img[..., 0, :, :], img[..., 1, :, :], img[..., 2, :, :]
    luma = 0.2989 * r + 0.587 * g + 0.114 * b
    return luma.astype(img.dtype)[..., None, :, :]


def blend(img1: np.ndarray, img2, ratio: float) -> np.ndarray:
    bound = _max_value(img1.dtype)
    out = np.clip(ratio * img1 + (1.0 - ratio) * np.asarray(img2, np.float64), 0, bound)
    return out.astype(img1.dtype)


def rgb_to_hsv(img: np.ndarray) -> np.ndarray:
    r, g, b = img[..., 0, :, :], img[..., 1, :, :], img[..., 2, :, :]
    maxc = img.max(axis=-3)
    minc = img.min(axis=-3)
    delta = maxc - minc
    s = delta / np.where(maxc == 0, 1.0, maxc)
    safe = np.where(delta == 0, 1.0, delta)
    rc, gc, bc = (maxc - r) / safe, (maxc - g) / safe, (maxc - b) / safe
    h = np.where(maxc == r, bc - gc, np.where(maxc == g, 2.0 + rc - bc, 4.0 + gc - rc))
    h = np.where(delta == 0, 0.0, (h / 6.0) % 1.0)
    return np.stack([h, s, maxc], axis=-3)


def hsv_to_rgb(img: np.ndarray) -> np.ndarray:
    h, s, v = img[..., 0, :, :], img[..., 1, :, :], img[..., 2, :, :]
    i = np.floor(h * 6.0)
    f = h * 6.0 - i
    i = i.astype(np.int64) % 6
    p = np.clip(v * (1.0 - s), 0.0, 1.0)
    q = np.clip(v * (1.0 - s * f), 0.0, 1.0)
    t = np.clip(v * (1.0 - s * (1.0 - f)), 0.0, 1.0)
    r = np.choose(i, [v, q, p, p, t, v])
    g = np.choose(i, [t, v, v, q, p, p])
    b = np.choose(i, [p, p, t, v, v, q])
    return np.stack([r, g, b], axis=-3)


def adjust_hue(img: np.ndarray, hue_factor: float) -> np.ndarray:
    x = img.astype(np.float64) / _max_value(img.dtype)
    hsv = rgb_to_hsv(x)
    hsv[..., 0, :, :] = (hsv[..., 0, :, :] + hue_factor) % 1.0
    out = hsv_to_rgb(hsv) * _max_value(img.dtype)
    return _back_to(out, img.dtype)


def gaussian_kernel1d(size: int, sigma: float) -> np.ndarray:
    x = np.linspace(-(size - 1) * 0.5, (size - 1) * 0.5, size)
    k = np.exp(-0.5 * (x / sigma) ** 2)
    return k / k.sum()


def gaussian_blur(img: np.ndarray, kernel_size, sigma) -> np.ndarray:
    """Separable Gaussian blur with reflect padding, as torchvision's."""
    kx = gaussian_kernel1d(kernel_size[0], sigma[0])
    ky = gaussian_kernel1d(kernel_size[1], sigma[1])
    px, py = kernel_size[0] // 2, kernel_size[1] // 2
    x = pad(img.astype(np.float64), (px, py, px, py), mode="reflect")
    h, w = img.shape[-2:]
    rows = sum(ky[i] * x[..., i : i + h, :] for i in range(kernel_size[1]))
    out = sum(kx[i] * rows[..., :, i : i + w] for i in range(kernel_size[0]))
    return _back_to(out, img.dtype)


def sharpness_degenerate(img: np.ndarray) -> np.ndarray:
    """The image smoothed by [[1, 1, 1], [1, 5, 1], [1, 1, 1]] / 13 inside a one-pixel border
    that keeps the original values (Pillow's SMOOTH filter, as torchvision's sharpness)."""
    x = img.astype(np.float64)
    h, w = img.shape[-2:]
    if h < 3 or w < 3:
        return img.copy()
    acc = 4.0 * x[..., 1:-1, 1:-1]
    for dy in range(3):
        for dx in range(3):
            acc = acc + x[..., dy : dy + h - 2, dx : dx + w - 2]
    out = x.copy()
    out[..., 1:-1, 1:-1] = acc / 13.0
    if np.issubdtype(img.dtype, np.integer):
        out = np.round(out)
    return out.astype(img.dtype)


def autocontrast(img: np.ndarray) -> np.ndarray:
    """Stretch each channel to the full range; constant channels are left as they are."""
    bound = _max_value(img.dtype)
    x = img.astype(np.float64)
    low = x.min(axis=(-2, -1), keepdims=True)
    high = x.max(axis=(-2, -1), keepdims=True)
    flat = high == low
    low = np.where(flat, 0.0, low)
    scale = np.where(flat, 1.0, bound / np.where(flat, 1.0, high - low))
    return np.clip((x - low) * scale, 0, bound).astype(img.dtype)


def equalize(img: np.ndarray) -> np.ndarray:
    """Histogram equalisation of a uint8 image, channel by channel, with Pillow's lookup table:
    step = (pixels not in the last used bin) // 255, lut[v] = (cdf[v - 1] + step // 2) // step."""
    out = np.empty_like(img)
    flat_in = img.reshape(-1, *img.shape[-2:])
    flat_out = out.reshape(-1, *img.shape[-2:])
    for c in range(flat_in.shape[0]):
        channel = flat_in[c]
        hist = np.bincount(channel.ravel(), minlength=256)
        used = hist[hist != 0]
        step = int(used[:-1].sum()) // 255
        if step == 0:
            flat_out[c] = channel
            continue
        lut = (np.cumsum(hist) + step // 2) // step
        lut = np.clip(np.concatenate([[0], lut[:-1]]), 0, 255).astype(np.uint8)
        flat_out[c] = lut[channel]
    return out
