"""Sample statistics across a dim: quantile and nanquantile (every interpolation), cov and
corrcoef. Written with ember ops (sort, gather, lerp, matmul), so autograd follows: a quantile's
gradient goes to the one or two order statistics it interpolates."""

from __future__ import annotations

import warnings

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from . import comparison as _comparison
from . import pointwise as _pointwise
from . import selection as _selection
from . import shape as _shape
from . import sorting as _sorting
from ._util import handle_out, wrap_dim

_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(name: str, input: Tensor, q, dim, keepdim: bool, interpolation: str, ignore_nan):
    if input.dtype not in (_dtype.float32, _dtype.float64):
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    if interpolation not in _INTERPOLATIONS:
        raise ValueError(
            f"{name}() interpolation must be one of linear, lower, higher, midpoint or nearest. "
            f"Got {interpolation}"
        )
    if isinstance(q, Tensor):
        if q.dim() > 1:
            raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
        if q.dtype != input.dtype:
            raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
        q_values, scalar = q._data.reshape(-1).astype(input._data.dtype), q.dim() == 0
    else:
        q_values, scalar = np.asarray([q], dtype=input._data.dtype), True
    if ((q_values < 0) | (q_values > 1)).any():
        shown = f" but got {float(q_values[0])}" if scalar and not isinstance(q, Tensor) else ""
        raise RuntimeError(f"{name}() q values must be in the range [0, 1]{shown}".replace(
            "q values must be", "q must be" if shown else "q values must be"))  # fmt: skip
    if input.numel() == 0 and dim is None:
        raise RuntimeError(f"{name}() input tensor must be non-empty")
    if dim is None:
        x, d = input.reshape(-1), 0
    else:
        d = wrap_dim(dim, input.dim())
        x = input
    x = _shape.movedim(x, d, -1) if x.dim() else x.reshape(1)
    n = x.shape[-1]
    if n == 0:
        raise IndexError(f"{name}() cannot compute a quantile of an empty dim")
    sorted_x = _sorting.sort(x, -1)[0]
    nan = np.isnan(x._data)
    lead = x._data.shape[:-1]
    if ignore_nan:
        count = (n - nan.sum(-1, keepdims=True)).astype(x._data.dtype)
        ranks = q_values * (count - 1)
        ranks = np.where(count == 0, n - 1, ranks)
    else:
        ranks = np.broadcast_to(q_values * (n - 1), lead + (q_values.size,)).astype(x._data.dtype)
        ranks = np.where(nan.any(-1, keepdims=True), n - 1, ranks)
    ranks = ranks.astype(x._data.dtype)
    if interpolation == "lower":
        ranks = np.floor(ranks)
    elif interpolation == "higher":
        ranks = np.ceil(ranks)
    elif interpolation == "nearest":
        ranks = np.round(ranks)  # half to even, as torch
    lo = np.floor(ranks).astype(np.int64)
    hi = np.ceil(ranks).astype(np.int64)
    low = _selection.gather(sorted_x, -1, Tensor._make(lo))
    if interpolation in ("lower", "higher", "nearest"):
        out = low
    else:
        high = _selection.gather(sorted_x, -1, Tensor._make(hi))
        weight = (
            0.5 if interpolation == "midpoint" else Tensor._make((ranks - lo).astype(ranks.dtype))
        )
        out = _pointwise.lerp(low, high, weight)
    # (..., Q): the q dim goes first, then the reduced dim comes back with keepdim
    out = _shape.movedim(out, -1, 0)
    if keepdim:
        if dim is None:
            out = out.reshape((out.shape[0],) + (1,) * input.dim())
        else:
            out = _shape.unsqueeze(out, d + 1)
    if scalar:
        out = out.squeeze(0)
    return out


def quantile(input: Tensor, q, dim=None, keepdim: bool = False, *, interpolation="linear",
             out=None) -> Tensor:  # fmt: skip
    """The q-th quantiles along ``dim`` (all elements when None); nan if a slice holds nan."""
    result = _quantile("quantile", input, q, dim, keepdim, interpolation, False)
    return handle_out(result, out)


def nanquantile(input: Tensor, q, dim=None, keepdim: bool = False, *, interpolation="linear",
                out=None) -> Tensor:  # fmt: skip
    """:func:`quantile` ignoring nan (nan only where a slice is all nan)."""
    result = _quantile("nanquantile", input, q, dim, keepdim, interpolation, True)
    return handle_out(result, out)


def cov(input: Tensor, *, correction: int = 1, fweights=None, aweights=None) -> Tensor:
    """The covariance matrix of the variables in the rows of ``input`` (observations in the
    columns); a 1-D input is one variable (0-dim result)."""
    if input.dim() > 2:
        raise RuntimeError(
            f"cov(): expected input to have two or fewer dimensions but got an input with "
            f"{input.dim()} dimensions"
        )
    x = input.reshape(1, -1) if input.dim() < 2 else input
    if not (x.dtype.is_floating_point or x.dtype.is_complex):
        x = x.to(_dtype.get_default_dtype())
    observations = x.shape[1]
    weights = None
    if fweights is not None:
        if fweights.dim() > 1 or fweights.numel() != observations:
            raise RuntimeError(
                f"cov(): expected fweights to have one or fewer dimensions and the same number "
                f"of elements as the observations, got {list(fweights.shape)}"
            )
        if fweights.dtype.is_floating_point or fweights.dtype.is_complex:
            raise RuntimeError("cov(): expected fweights to have integral dtype")
        if (fweights._data < 0).any():
            raise RuntimeError("cov(): fweights cannot be negative")
        weights = fweights.reshape(-1)
    if aweights is not None:
        if aweights.dim() > 1 or aweights.numel() != observations:
            raise RuntimeError(
                f"cov(): expected aweights to have one or fewer dimensions and the same number "
                f"of elements as the observations, got {list(aweights.shape)}"
            )
        if not aweights.dtype.is_floating_point:
            raise RuntimeError("cov(): expected aweights to have floating point dtype")
        if (aweights._data < 0).any():
            raise RuntimeError("cov(): aweights cannot be negative")
        weights = aweights.reshape(-1) if weights is None else weights * aweights.reshape(-1)
    if weights is None:
        avg = x.mean(1)
        norm = observations - correction
    else:
        weights = weights.to(x.dtype)
        w_sum = weights.sum()
        avg = (x * weights).sum(1) / w_sum
        if aweights is None:
            norm = w_sum - correction
        else:
            norm = w_sum - correction * (weights * aweights.reshape(-1)).sum() / w_sum
    norm_value = float(norm.detach()._data) if isinstance(norm, Tensor) else norm
    if norm_value <= 0:
        warnings.warn("cov(): degrees of freedom is <= 0", UserWarning, stacklevel=2)
        norm = norm * 0 if isinstance(norm, Tensor) else 0
    centered = x - avg.unsqueeze(1)
    scaled = centered if weights is None else centered * weights
    other = centered.conj() if centered.dtype.is_complex else centered
    c = scaled.matmul(other.transpose(0, 1))
    c = c / norm if isinstance(norm, Tensor) else (c / norm if norm else c / 0.0)
    return c.squeeze() if input.dim() < 2 else c


def corrcoef(input: Tensor) -> Tensor:
    """Pearson correlation coefficients of the variables in the rows of ``input``."""
    c = cov(input)
    if c.dim() == 0:
        return c / c
    d = c.diagonal()
    stddev = d.sqrt()
    c = c / stddev.unsqueeze(1)
    c = c / stddev.unsqueeze(0)
    if c.dtype.is_complex:
        return c
    return _comparison.clamp(c, -1, 1)
