"""Resampling and padding: F.pad, F.interpolate / upsample, F.grid_sample, F.affine_grid.

Everything here is separable per spatial dim or a gather: nearest modes and non-constant
padding pick input positions (a gather whose backward is a scatter-add), linear and cubic modes
apply one small interpolation matrix along each dim (a matrix product, exact adjoint for free),
and grid_sample mixes four gathered corners with differentiable weights.
"""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np

from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ..backends import im2col
from ._util import bfloat16_in_float32, xp_of
from .comparison import where
from .pooling import _adaptive_avg_pool, _along_last_dims, _GatherFlat

# ---- F.pad ---------------------------------------------------------------------------------


class _ConstantPad(ArrayFunction):
    """math: the adjoint of padding by ``p`` is padding by ``-p`` (cropping)"""

    node_name = "ConstantPadNdBackward0"

    @staticmethod
    def forward(ctx, x, *, pads, value):
        ctx.pads = pads
        return im2col.pad(x, pads, value)

    @staticmethod
    def backward(ctx, grad):
        return _ConstantPad.apply(grad, pads=tuple((-lo, -hi) for lo, hi in ctx.pads), value=0)


def _take_along_dim(x: Tensor, dim: int, index: np.ndarray) -> Tensor:
    """``x`` indexed by ``index`` along ``dim`` (differentiable; repeats sum in backward)."""
    last = x.ndim - 1
    moved = x if dim == last else x.transpose(dim, -1)
    idx = xp_of(x._data).asarray(index.reshape((1,) * last + (-1,)))
    out = _GatherFlat.apply(moved, index=idx)
    return out if dim == last else out.transpose(dim, -1)


def _pad_index(n: int, lo: int, hi: int, mode: str) -> np.ndarray:
    j = np.arange(-lo, n + hi)
    if mode == "reflect":
        period = 2 * (n - 1)
        j = np.abs(j) % period if period else np.zeros_like(j)
        return np.where(j > n - 1, period - j, j)
    if mode == "replicate":
        return np.clip(j, 0, n - 1)
    return j % n  # circular


def pad(input: Tensor, pad, mode: str = "constant", value=None) -> Tensor:
    """Pad (or, with negative sizes, crop) the last ``len(pad) // 2`` dims; ``pad`` lists
    ``(left, right)`` pairs starting from the last dim. Modes: constant, reflect, replicate,
    circular."""
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    k = len(pad) // 2
    if k > input.ndim:
        raise RuntimeError(
            f"Padding length should be less than or equal to two times the input dimension but "
            f"got padding length {len(pad)} and input of dimension {input.ndim}"
        )
    # torch lists the last dim first; kernels take pairs in dim order
    pairs = tuple((pad[2 * i], pad[2 * i + 1]) for i in reversed(range(k)))
    if mode == "constant":
        size = input.shape[input.ndim - k :]
        for n, (lo, hi) in zip(size, pairs):
            if n + lo + hi < 0:
                raise RuntimeError("narrow(): length must be non-negative.")
        fill = 0.0 if value is None else value
        return _ConstantPad.apply(input, pads=pairs, value=fill)
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise NotImplementedError(f'Padding mode "{mode}" doesn\'t take in value argument.')
    if k not in (1, 2, 3) or input.ndim not in (k + 1, k + 2):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {input.ndim}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)"
        )
    # negative sizes crop first; the rest is padded from what remains, as torch does
    crops = tuple((min(lo, 0), min(hi, 0)) for lo, hi in pairs)
    out = input
    if any(lo or hi for lo, hi in crops):
        out = _ConstantPad.apply(input, pads=crops, value=0)
    for d, (lo, hi) in zip(range(input.ndim - k, input.ndim), pairs):
        n = out.shape[d]
        lo, hi = max(lo, 0), max(hi, 0)
        if mode == "reflect" and (lo >= n or hi >= n):
            raise RuntimeError(
                f"Argument #4: Padding size should be less than the corresponding input "
                f"dimension, but got: padding ({lo}, {hi}) at dimension {d} of input "
                f"{list(input.shape)}"
            )
        if mode == "circular" and (lo > n or hi > n):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if lo or hi:
            out = _take_along_dim(out, d, _pad_index(n, lo, hi, mode))
    return out


# ---- F.interpolate -------------------------------------------------------------------------


def _source_scale(n: int, o: int, align_corners: bool, scale) -> float:
    """torch's ratio from output to input coordinates."""
    if align_corners:
        return (n - 1) / (o - 1) if o > 1 else 0.0
    return 1.0 / scale if scale is not None and scale > 0 else n / o


def _nearest_index(n: int, o: int, scale, exact: bool) -> np.ndarray:
    ratio = np.float32(1.0 / scale if scale is not None and scale > 0 else n / o)
    dst = np.arange(o, dtype=np.float32)
    if exact:
        dst = dst + np.float32(0.5)
    return np.minimum(np.floor(dst * ratio).astype(np.int64), n - 1)


def _linear_matrix(n: int, o: int, align_corners: bool, scale, dtype) -> np.ndarray:
    ratio = _source_scale(n, o, align_corners, scale)
    dst = np.arange(o, dtype=np.float64)
    src = dst * ratio if align_corners else np.maximum(ratio * (dst + 0.5) - 0.5, 0.0)
    i0 = np.floor(src).astype(np.int64)
    i0 = np.minimum(i0, n - 1)
    i1 = np.minimum(i0 + 1, n - 1)
    w1 = src - i0
    m = np.zeros((o, n))
    rows = np.arange(o)
    np.add.at(m, (rows, i0), 1.0 - w1)
    np.add.at(m, (rows, i1), w1)
    return m.astype(dtype)


def _cubic_matrix(n: int, o: int, align_corners: bool, scale, dtype) -> np.ndarray:
    a = -0.75
    ratio = _source_scale(n, o, align_corners, scale)
    dst = np.arange(o, dtype=np.float64)
    src = dst * ratio if align_corners else ratio * (dst + 0.5) - 0.5
    i0 = np.floor(src).astype(np.int64)
    t = src - i0

    def near(x):  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    weights = (far(t + 1), near(t), near(1 - t), far(2 - t))
    m = np.zeros((o, n))
    rows = np.arange(o)
    for offset, w in zip((-1, 0, 1, 2), weights):
        np.add.at(m, (rows, np.clip(i0 + offset, 0, n - 1)), w)
    return m.astype(dtype)


def _antialias_matrix(n: int, o: int, align_corners: bool, scale, mode: str, dtype) -> np.ndarray:
    """Resampling weights that low-pass filter when shrinking (torch's ``antialias=True``): a
    triangle (bilinear) or a = -0.5 cubic (bicubic) kernel stretched by the shrink factor,
    each row normalised to sum 1."""
    ratio = _source_scale(n, o, align_corners, scale)
    taps = 2 if mode == "bilinear" else 4
    support = taps * 0.5 * ratio if ratio >= 1 else taps * 0.5
    stretch = 1.0 / ratio if ratio >= 1 else 1.0
    center = ratio * (np.arange(o) + 0.5)
    first = np.maximum((center - support + 0.5).astype(np.int64), 0)
    last = np.minimum((center + support + 0.5).astype(np.int64), n)
    cols = first[:, None] + np.arange(int((last - first).max()))
    x = np.abs((cols - center[:, None] + 0.5) * stretch)
    if mode == "bilinear":
        w = np.where(x < 1, 1 - x, 0.0)
    else:
        a = -0.5
        w = np.where(x < 1, ((a + 2) * x - (a + 3)) * x * x + 1, 0.0)
        w = np.where((x >= 1) & (x < 2), (((x - 5) * x + 8) * x - 4) * a, w)
    w = np.where(cols < last[:, None], w, 0.0)
    total = w.sum(axis=1, keepdims=True)
    w = np.divide(w, total, out=np.zeros_like(w), where=total != 0)
    m = np.zeros((o, n))
    np.add.at(
        m, (np.repeat(np.arange(o), cols.shape[1]), np.minimum(cols, n - 1).ravel()), w.ravel()
    )
    return m.astype(dtype)


_MODE_DIMS = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}


def interpolate(
    input: Tensor,
    size=None,
    scale_factor=None,
    mode: str = "nearest",
    align_corners=None,
    recompute_scale_factor=None,
    antialias: bool = False,
) -> Tensor:
    """Resize the spatial dims of ``(N, C, *spatial)`` by ``size`` or ``scale_factor``.

    Modes: nearest, nearest-exact, linear, bilinear, bicubic (a = -0.75), trilinear, area;
    ``antialias`` (bilinear, bicubic) filters as it shrinks.
    """
    nd = input.ndim - 2
    in_size = tuple(input.shape[2:])
    out_size, scales = _output_size(in_size, size, scale_factor, recompute_scale_factor)
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError(
                "align_corners option can only be set with the interpolating modes: "
                "linear | bilinear | bicubic | trilinear"
            )
    elif align_corners is None:
        align_corners = False
    if mode in _MODE_DIMS and _MODE_DIMS[mode] != nd:
        raise NotImplementedError(
            f"Got {input.ndim}D input, but {mode} mode needs {_MODE_DIMS[mode] + 2}D input"
        )
    if mode not in _MODE_DIMS and mode not in ("nearest", "area", "nearest-exact"):
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for the "
            f"modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact "
            f"(got {mode})"
        )
    if nd not in (1, 2, 3):
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for the "
            f"modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact "
            f"(got {mode})"
        )
    if antialias and not (mode in ("bilinear", "bicubic") and input.ndim == 4):
        raise ValueError(
            "Anti-alias option is restricted to bilinear and bicubic modes and requires a 4-D "
            "tensor as input"
        )
    if mode == "area":
        return _adaptive_avg_pool(nd, input, out_size, f"adaptive_avg_pool{nd}d")
    if mode in ("nearest", "nearest-exact"):
        out = input
        for d, (n, o, s) in enumerate(zip(in_size, out_size, scales)):
            if n != o or s is not None:
                out = _take_along_dim(out, 2 + d, _nearest_index(n, o, s, mode != "nearest"))
        return out
    dtype = input._data.dtype
    if antialias:
        mats = [
            _antialias_matrix(n, o, align_corners, s, mode, dtype)
            for n, o, s in zip(in_size, out_size, scales)
        ]
        return _along_last_dims(input, mats)
    build = _cubic_matrix if mode == "bicubic" else _linear_matrix
    mats = [build(n, o, align_corners, s, dtype) for n, o, s in zip(in_size, out_size, scales)]
    return _along_last_dims(input, mats)


def _output_size(in_size, size, scale_factor, recompute_scale_factor):
    nd = len(in_size)
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if isinstance(size, (list, tuple)):
            if len(size) != nd:
                raise ValueError(
                    "Input and output must have the same number of spatial dimensions, but got "
                    f"input with spatial dimensions of {list(in_size)} and output size of "
                    f"{size}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                    "output size in (o1, o2, ...,oK) format."
                )
            out = tuple(int(s) for s in size)
        else:
            out = (int(size),) * nd
        return out, (None,) * nd
    if scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    if isinstance(scale_factor, (list, tuple)):
        if len(scale_factor) != nd:
            raise ValueError(
                "Input and scale_factor must have the same number of spatial dimensions, but "
                f"got input with spatial dimensions of {list(in_size)} and scale_factor of shape "
                f"{scale_factor}. Please provide input tensor in (N, C, d1, d2, ...,dK) format "
                "and scale_factor in (s1, s2, ...,sK) format."
            )
        factors = tuple(float(s) for s in scale_factor)
    else:
        factors = (float(scale_factor),) * nd
    out = tuple(int(math.floor(n * f)) for n, f in zip(in_size, factors))
    if recompute_scale_factor:
        return out, (None,) * nd
    return out, factors


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Deprecated alias of interpolate, kept as torch keeps it."""
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    """Deprecated: ``interpolate(mode="nearest")``."""
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """Deprecated: ``interpolate(mode="bilinear", align_corners=True)``."""
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# ---- F.grid_sample and F.affine_grid -------------------------------------------------------


def _unnormalize(coord: Tensor, n: int, align_corners: bool) -> Tensor:
    if align_corners:
        return (coord + 1) * ((n - 1) / 2)
    return ((coord + 1) * n - 1) / 2


@bfloat16_in_float32
def grid_sample(
    input: Tensor, grid: Tensor, mode="bilinear", padding_mode="zeros", align_corners=None
) -> Tensor:
    """Sample ``input`` ``(N, C, H, W)`` at the normalised ``(x, y)`` points of ``grid``
    ``(N, Ho, Wo, 2)`` (or ``(N, C, D, H, W)`` at ``(x, y, z)`` points); modes bilinear (the
    2^d surrounding cells, weighted), nearest and bicubic (4-D only); padding zeros, border
    and reflection."""
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(
            "nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or "
            f"'bicubic', but got: '{mode}'"
        )
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(
            "nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
            f"'reflection', but got: '{padding_mode}'"
        )
    if align_corners is None:
        warnings.warn(
            "Default grid_sample and affine_grid behavior has changed to align_corners=False "
            "since 1.3.0. Please specify align_corners=True if the old behavior is desired. See "
            "the documentation of grid_sample for details.",
            stacklevel=2,
        )
        align_corners = False
    if grid.ndim != input.ndim or grid.shape[-1] != input.ndim - 2:
        raise RuntimeError(
            f"grid_sampler(): expected grid to have size {input.ndim - 2} in last dimension, but "
            f"got grid with sizes {list(grid.shape)}"
        )
    if input.ndim not in (4, 5):
        raise RuntimeError(
            f"grid_sampler(): expected 4D or 5D input and grid with same number of dimensions, "
            f"but got input with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}"
        )
    if input.shape[0] != grid.shape[0]:
        raise RuntimeError(
            "grid_sampler(): expected grid and input to have same batch size, but got input with "
            f"sizes {list(input.shape)} and grid with sizes {list(grid.shape)}"
        )
    if mode == "bicubic" and input.ndim != 4:
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    n, c = input.shape[:2]
    sizes = tuple(input.shape[2:])[::-1]  # (W, H) or (W, H, D): grid's coordinate order
    out = tuple(grid.shape[1:-1])
    points = math.prod(out)
    coords = []
    for d, size in enumerate(sizes):
        coord = _unnormalize(grid[..., d], size, align_corners).reshape(n, 1, points)
        if mode == "bicubic":  # padding applies to each tap instead
            coords.append(coord)
            continue
        if padding_mode == "reflection":
            coord = _reflect(coord, size, align_corners)
        if padding_mode in ("border", "reflection"):
            coord = coord.clamp(0, size - 1)
        coords.append(coord)
    flat = input.reshape(n, c, -1)
    xp = xp_of(input._data)
    if mode == "bicubic":
        result = _bicubic(flat, coords, sizes, padding_mode, align_corners)
    elif mode == "nearest":
        nearest = [xp.round(t._data).astype(np.int64) for t in coords]
        # the grid gets a zero gradient, as torch gives it
        result = _corner(flat, nearest, sizes, None) + sum(coords).sum() * 0
    else:
        low = [xp.floor(t._data) for t in coords]
        upper = [t - Tensor._make(f) for t, f in zip(coords, low)]  # weight of the upper cell
        low = [f.astype(np.int64) for f in low]
        result = None
        for bits in itertools.product((0, 1), repeat=len(sizes)):
            weight = None
            for up, bit in zip(upper, bits):
                factor = up if bit else 1 - up
                weight = factor if weight is None else weight * factor
            cells = [f + bit for f, bit in zip(low, bits)]
            term = _corner(flat, cells, sizes, weight)
            result = term if result is None else result + term
    return result.reshape((n, c) + out)


def _bicubic(flat, coords, sizes, padding_mode, align_corners):
    """4x4 taps around each point with cubic-convolution weights (a = -0.75); the padding
    mode maps each tap's cell into the image."""
    xp = xp_of(flat._data)
    low = [xp.floor(t._data) for t in coords]
    weights = []
    for t, f in zip(coords, low):
        frac = t - Tensor._make(f)
        weights.append(_cubic_weights(frac))
    result = None
    for taps in itertools.product(range(4), repeat=len(sizes)):
        cells = []
        for f, tap, size in zip(low, taps, sizes):
            cell = f + (tap - 1)
            if padding_mode == "reflection":
                cell = _reflect(Tensor._make(cell), size, align_corners)._data
            if padding_mode in ("border", "reflection"):
                cell = xp.clip(cell, 0, size - 1)
            cells.append(cell.astype(np.int64))
        weight = weights[0][taps[0]]
        for w, tap in zip(weights[1:], taps[1:]):
            weight = weight * w[tap]
        term = _corner(flat, cells, sizes, weight)
        result = term if result is None else result + term
    return result


def _cubic_weights(t: Tensor):
    """The four cubic-convolution weights for offsets -1, 0, 1, 2 from the lower cell."""
    a = -0.75

    def near(x):  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    return far(t + 1), near(t), near(1 - t), far(2 - t)


def _reflect(coord: Tensor, n: int, align_corners: bool) -> Tensor:
    """Fold coordinates back into the image by mirroring at its edges (the pixel edges
    -0.5 and n-0.5 without align_corners, the pixel centres 0 and n-1 with it)."""
    low, high = (0.0, n - 1.0) if align_corners else (-0.5, n - 0.5)
    span = high - low
    if span <= 0:
        return coord * 0
    dist = (coord - low).abs()
    flips = Tensor._make(xp_of(dist._data).floor(dist._data / span))
    extra = dist - flips * span
    even = Tensor._make((flips._data % 2) == 0)
    return where(even, extra + low, span - extra + low)


def _corner(flat: Tensor, cells, sizes, weight):
    """The input values at integer points ``cells`` (x, y[, z]), zero outside, times
    ``weight``."""
    xp = xp_of(flat._data)
    inside = None
    index = 0
    for cell, size in zip(reversed(cells), reversed(sizes)):  # slowest-varying dim first
        ok = (cell >= 0) & (cell < size)
        inside = ok if inside is None else inside & ok
        index = index * size + xp.clip(cell, 0, size - 1)
    values = _GatherFlat.apply(flat, index=index)
    mask = Tensor._make(inside.astype(flat._data.dtype))
    return values * (mask if weight is None else weight * mask)


def _base_coords(n: int, align_corners: bool) -> np.ndarray:
    coords = np.linspace(-1.0, 1.0, n) if n > 1 else np.array([-1.0])
    if not align_corners:
        coords = coords * (n - 1) / n
    return coords


def affine_grid(theta: Tensor, size, align_corners=None) -> Tensor:
    """The sampling grid ``(N, H, W, 2)`` (or ``(N, D, H, W, 3)``) of the affine maps ``theta``
    ``(N, 2, 3)`` (or ``(N, 3, 4)``), for grid_sample.

    math: grid[n, i, j] = theta[n] @ (x_j, y_i, 1)
    """
    size = tuple(int(s) for s in size)
    if align_corners is None:
        warnings.warn(
            "Default grid_sample and affine_grid behavior has changed to align_corners=False "
            "since 1.3.0. Please specify align_corners=True if the old behavior is desired. See "
            "the documentation of grid_sample for details.",
            stacklevel=2,
        )
        align_corners = False
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    if len(size) == 4:
        expected = (size[0], 2, 3)
    elif len(size) == 5:
        expected = (size[0], 3, 4)
    else:
        raise NotImplementedError(
            "affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
            f"respectively. Got size {size}."
        )
    if theta.ndim != 3 or tuple(theta.shape) != expected:
        kind = "2D" if len(size) == 4 else "3D"
        raise ValueError(
            f"Expected a batch of {kind} affine matrices of shape Nx{expected[1]}x{expected[2]} "
            f"for size {size}. Got {theta.shape}."
        )
    if min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    spatial = size[2:]
    axes = [_base_coords(s, align_corners) for s in spatial]
    mesh = np.meshgrid(*axes, indexing="ij")  # (D,) H, W
    # the last coordinate is x (width), then y, then z, then the affine 1
    base = np.stack([m for m in reversed(mesh)] + [np.ones(spatial)], axis=-1)
    base = Tensor._make(
        xp_of(theta._data).asarray(base.reshape(1, -1, len(spatial) + 1).astype(theta._data.dtype))
    )
    grid = base.matmul(theta.transpose(1, 2))
    return grid.reshape((size[0],) + spatial + (len(spatial),))
