"""Small torch.* functions that fit no other family: tensor predicates (is_nonzero,
is_same_size, is_signed, is_inference, get_device), memory constructors (empty_strided,
frombuffer), set membership (isin) and float/integer bit arithmetic (gcd, lcm, ldexp, frexp,
nextafter, sgn)."""

from __future__ import annotations

import builtins

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from . import arithmetic as _arithmetic
from . import creation as _creation
from . import embedding as _embedding
from . import manipulation as _manipulation
from . import shape as _shape
from . import unary as _unary
from ._util import (
    accepts_out,
    bfloat16_in_float32,
    handle_out,
    np_kind,
    promote,
    return_type,
    wrap_dim,
    xp_of,
)

_FrexpResult = return_type("frexp", ("mantissa", "exponent"))


def is_nonzero(input: Tensor) -> bool:
    """Whether a one-element tensor is nonzero (its truth value)."""
    if input.numel() == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if input.numel() > 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(input._data.reshape(()) != 0)


def is_same_size(input: Tensor, other: Tensor) -> bool:
    return tuple(input.shape) == tuple(other.shape)


def is_signed(input: Tensor) -> bool:
    """Whether the dtype holds negative values (bool and the unsigned ints do not)."""
    return input.dtype not in (_dtype.bool_, _dtype.uint8, _dtype.uint16, _dtype.uint32,
                               _dtype.uint64)  # fmt: skip


def is_inference(input: Tensor) -> bool:
    """Whether ``input`` was made inside ``inference_mode`` (``Tensor.is_inference``)."""
    return input.is_inference()


def get_device(input: Tensor) -> int:
    """-1 for a CPU tensor, else the device index."""
    return input.get_device()


def empty_strided(
    size, stride, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
    pin_memory: bool = False,
) -> Tensor:  # fmt: skip
    """An uninitialised tensor with the given element strides (a view of fresh storage)."""
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError(f"mismatch in length of strides and shape: {len(stride)} vs {len(size)}")
    extent = 0 if 0 in size else 1 + sum((n - 1) * s for n, s in zip(size, stride))
    storage = _creation.empty(extent, dtype=dtype, device=device)
    out = _shape.as_strided(storage, size, stride)
    out = Tensor._make(out._data)
    return out.requires_grad_(True) if requires_grad else out


def frombuffer(
    buffer, *, dtype, count: int = -1, offset: int = 0, requires_grad: bool = False
) -> Tensor:
    """A 1-D tensor sharing memory with an object of the buffer protocol."""
    np_dtype = np.dtype(_dtype.to_numpy_dtype(dtype))
    total = memoryview(buffer).nbytes
    if count == 0 or (count < 0 and total - offset < np_dtype.itemsize):
        raise ValueError(
            f"both buffer length ({total}) and count ({count}) must not be 0"
            if total == 0 or count == 0
            else f"offset ({offset} bytes) must be non-negative and no greater than buffer length "
            f"({total} bytes) minus 1"
        )
    array = np.frombuffer(buffer, dtype=np_dtype, count=count, offset=offset)
    out = Tensor._make(array)
    return out.requires_grad_(True) if requires_grad else out


@accepts_out
def isin(elements, test_elements, *, assume_unique: bool = False, invert: bool = False):
    """Elementwise: whether each of ``elements`` is among ``test_elements`` (a bool tensor)."""
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError("isin() received an invalid combination of arguments: no tensor given")
    e = elements._data if isinstance(elements, Tensor) else np.asarray(elements)
    t = test_elements._data if isinstance(test_elements, Tensor) else np.asarray(test_elements)
    xp = xp_of(e) if isinstance(elements, Tensor) else xp_of(t)
    result = xp.isin(e, t.reshape(-1), invert=invert)
    return Tensor._make(xp.asarray(result, dtype=bool).reshape(np.shape(e)))


def _integer_pair(name: str, input: Tensor, other: Tensor):
    a, b = promote(input, other)
    if a.dtype.is_floating_point or a.dtype.is_complex or a.dtype == _dtype.bool_:
        raise NotImplementedError(
            f"\"{name}_cpu\" not implemented for '{_dtype.scalar_type_name(a.dtype)}'"
        )
    return a, b


@accepts_out
def gcd(input: Tensor, other: Tensor) -> Tensor:
    """Elementwise greatest common divisor of integer tensors (non-negative)."""
    a, b = _integer_pair("gcd", input, other)
    return Tensor._make(xp_of(a._data).gcd(a._data, b._data))


@accepts_out
def lcm(input: Tensor, other: Tensor) -> Tensor:
    """Elementwise least common multiple of integer tensors (non-negative)."""
    a, b = _integer_pair("lcm", input, other)
    return Tensor._make(xp_of(a._data).lcm(a._data, b._data))


class _Ldexp(ArrayFunction):
    @staticmethod
    def forward(ctx, x, exponent):
        xp = xp_of(x)
        ctx.factor = (
            xp.ldexp(xp.ones((), x.dtype), exponent) if np_kind(exponent.dtype) in "iub" else None
        )
        if ctx.factor is not None:
            # torch's gradient is grad * pow(2, other) in the exponent's integer dtype: zero for
            # negative exponents
            ctx.factor = xp.where(exponent < 0, 0, ctx.factor).astype(x.dtype)
        return xp.ldexp(x, exponent) if ctx.factor is not None else x * xp.exp2(exponent)

    @staticmethod
    def backward(ctx, grad):
        return grad * Tensor._make(ctx.factor), None


@bfloat16_in_float32
def ldexp(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """``input * 2 ** other`` in the promoted float dtype."""
    if other.dtype.is_floating_point:
        result = _arithmetic.mul(input, _arithmetic.pow(2.0, other))
    else:
        x = input if input.dtype.is_floating_point else input.to(_dtype.get_default_dtype())
        result = _Ldexp.apply(x, other)
    return handle_out(result, out)


def frexp(input: Tensor):
    """``(mantissa, exponent)`` with ``input = mantissa * 2 ** exponent``, |mantissa| in
    [0.5, 1); the exponent is int32."""
    if not input.dtype.is_floating_point:
        raise RuntimeError(
            "torch.frexp() only supports floating-point dtypes, but got "
            + _dtype.scalar_type_name(input.dtype)
        )
    xp = xp_of(input._data)
    mantissa, exponent = xp.frexp(input._data)
    return _FrexpResult(Tensor._make(mantissa), Tensor._make(exponent.astype(np.int32)))


class _NextAfter(ArrayFunction):
    @staticmethod
    def forward(ctx, x, y):
        return xp_of(x).nextafter(x, y)

    @staticmethod
    def backward(ctx, grad):
        return None, None


@accepts_out
def nextafter(input: Tensor, other: Tensor) -> Tensor:
    """The next float after ``input`` towards ``other`` (not differentiable)."""
    a, b = promote(input, other)
    return _NextAfter.apply(a, b)


@accepts_out
def sgn(input: Tensor) -> Tensor:
    """``sign`` for real tensors; ``z / |z|`` (0 at 0) for complex ones."""
    if not input.dtype.is_complex:
        return _unary.sign(input)
    magnitude = _unary.abs(input)
    return input / magnitude.masked_fill(magnitude == 0, 1.0) * (magnitude != 0)


def _spacing(y: Tensor, x, dx, dim: int, name: str):
    """The sample spacing along ``dim``: a number, or a tensor broadcasting against y's n - 1
    intervals."""
    if x is None:
        return 1.0 if dx is None else dx
    if not isinstance(x, Tensor):
        return x
    n = y.shape[dim]
    if x.dim() == 1:
        if x.shape[0] != n:
            raise RuntimeError(f"{name}: There must be one `x` value for each sample point")
        shape = [1] * y.dim()
        shape[dim] = n - 1 if n else 0
        return _manipulation.diff(x).reshape(shape)
    return _manipulation.diff(x, dim=dim)


def trapezoid(y: Tensor, x=None, *, dx=None, dim: int = -1) -> Tensor:
    """The integral of ``y`` along ``dim`` by the trapezoidal rule, at sample points ``x`` (a
    tensor) or spacing ``dx`` (x may also be a number, the spacing)."""
    if x is not None and dx is not None:
        raise TypeError("trapezoid() received an invalid combination of arguments")
    d = wrap_dim(dim, max(y.dim(), 1))
    if y.dim() == 0:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [-1, 0], but got {dim})"
        )
    n = y.shape[d]
    if n == 0:
        return (y.sum(d) * 0).to(_float_result(y))
    spacing = _spacing(y, x, dx, d, "trapezoid")
    y = y if y.dtype.is_floating_point or y.dtype.is_complex else y.to(_float_result(y))
    pair = y.narrow(d, 1, n - 1) + y.narrow(d, 0, n - 1)
    return (pair * spacing).sum(d) / 2


def trapz(y: Tensor, x=None, *, dx=None, dim: int = -1) -> Tensor:
    """The old name of :func:`trapezoid`."""
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y: Tensor, x=None, *, dx=None, dim: int = -1) -> Tensor:
    """The running trapezoidal integral along ``dim`` (one fewer element than y there)."""
    if x is not None and dx is not None:
        raise TypeError("cumulative_trapezoid() received an invalid combination of arguments")
    d = wrap_dim(dim, max(y.dim(), 1))
    n = y.shape[d]
    y = y if y.dtype.is_floating_point or y.dtype.is_complex else y.to(_float_result(y))
    if n == 0:
        return y.narrow(d, 0, 0)
    spacing = _spacing(y, x, dx, d, "cumulative_trapezoid")
    pair = y.narrow(d, 1, n - 1) + y.narrow(d, 0, n - 1)
    return _manipulation.cumsum(pair * spacing / 2, d)


def _float_result(y: Tensor):
    return (
        y.dtype if y.dtype.is_floating_point or y.dtype.is_complex else _dtype.get_default_dtype()
    )


def _gradient_along(f: Tensor, d: int, h, edge_order: int) -> Tensor:
    """numpy.gradient's second-order differences along dim d: uniform spacing h (a number) or
    coordinates h (a 1-D array)."""
    n = f.shape[d]

    def part(start, length):
        return f.narrow(d, start, length)

    def along(values):  # a 1-D array of coefficients, laid along dim d
        shape = [1] * f.dim()
        shape[d] = -1
        return Tensor._make(np.asarray(values, dtype=f._data.dtype).reshape(shape))

    if np.ndim(h) == 0:
        h = float(h)
        interior = (part(2, n - 2) - part(0, n - 2)) / (2 * h)
        if edge_order == 1:
            first = (part(1, 1) - part(0, 1)) / h
            last = (part(n - 1, 1) - part(n - 2, 1)) / h
        else:
            first = (-1.5 * part(0, 1) + 2 * part(1, 1) - 0.5 * part(2, 1)) / h
            last = (0.5 * part(n - 3, 1) - 2 * part(n - 2, 1) + 1.5 * part(n - 1, 1)) / h
    else:
        dx = np.diff(np.asarray(h, dtype=np.float64))
        d1, d2 = dx[:-1], dx[1:]
        a, b, c = -d2 / (d1 * (d1 + d2)), (d2 - d1) / (d1 * d2), d1 / (d2 * (d1 + d2))
        interior = along(a) * part(0, n - 2) + along(b) * part(1, n - 2) + along(c) * part(2, n - 2)
        if edge_order == 1:
            first = (part(1, 1) - part(0, 1)) / float(dx[0])
            last = (part(n - 1, 1) - part(n - 2, 1)) / float(dx[-1])
        else:
            p, q = dx[0], dx[1]
            first = (-(2 * p + q) / (p * (p + q)) * part(0, 1) + (p + q) / (p * q) * part(1, 1)
                     - p / (q * (p + q)) * part(2, 1))  # fmt: skip
            p, q = dx[-2], dx[-1]
            last = (q / (p * (p + q)) * part(n - 3, 1) - (p + q) / (p * q) * part(n - 2, 1)
                    + (2 * q + p) / (q * (p + q)) * part(n - 1, 1))  # fmt: skip
    return _shape.cat([first, interior, last], d)


def gradient(input: Tensor, *, spacing=1, dim=None, edge_order: int = 1):
    """Estimates of the partial derivatives along each of ``dim`` (all dims when None) by
    central differences inside and one-sided ones at the edges (of ``edge_order`` 1 or 2).
    ``spacing``: a number, one number per dim, or one coordinate tensor per dim."""
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    if dim is None:
        dims = list(range(input.dim()))
    elif isinstance(dim, int):
        dims = [wrap_dim(dim, input.dim())]
    else:
        dims = [wrap_dim(d, input.dim()) for d in dim]
    if isinstance(spacing, (tuple, list)):
        if len(spacing) != len(dims):
            raise RuntimeError(
                f"torch.gradient expected spacing to be unspecified, a scalar or it's spacing and "
                f"dim arguments to have the same length, but got a spacing argument of length "
                f"{len(spacing)} and a dim argument of length {len(dims)}."
            )
        steps = [s._data if isinstance(s, Tensor) and s.dim() else
                 (float(s._data) if isinstance(s, Tensor) else s) for s in spacing]  # fmt: skip
    else:
        steps = [float(spacing._data) if isinstance(spacing, Tensor) else spacing] * len(dims)
    f = (
        input
        if input.dtype.is_floating_point or input.dtype.is_complex
        else input.to(_dtype.get_default_dtype())
    )
    outs = []
    for d, h in zip(dims, steps):
        if f.shape[d] < edge_order + 1:
            raise RuntimeError(
                "torch.gradient expected each dimension size to be at least edge_order+1"
            )
        if np.ndim(h) and len(h) != f.shape[d]:
            raise RuntimeError(
                f"torch.gradient expected each tensor to be on the same device and to have as "
                f"many values as the input along dim {d}"
            )
        outs.append(_gradient_along(f, d, h, edge_order))
    return tuple(outs)


def binomial(count: Tensor, prob: Tensor, generator=None) -> Tensor:
    """Binomial draws: successes in ``count`` trials of probability ``prob`` (float counts, in
    count's dtype; prob is clipped to [0, 1])."""
    if not count.dtype.is_floating_point:
        raise ValueError(
            f"binomial only supports floating-point dtypes for count, got: "
            f"{_dtype.scalar_type_name(count.dtype)}"
        )
    from .random import _rng

    n, p = np.broadcast_arrays(count._host(), prob._host())
    draws = _rng(generator).binomial(n.astype(np.int64), np.clip(p, 0.0, 1.0))
    return Tensor._make(draws.astype(count._data.dtype))


_HistogramddResult = return_type("histogramdd", ("hist", "bin_edges"))


def histogramdd(input: Tensor, bins=10, *, range=None, weight=None, density: bool = False):
    """The D-dimensional histogram of the points in the rows of ``input`` (..., D); bins: a
    count for every dim, one count per dim, or one 1-D tensor of edges per dim. Returns
    ``(hist, bin_edges)`` with a list of edge tensors."""
    if not input.dtype.is_floating_point:
        raise NotImplementedError(
            f"\"histogramdd\" not implemented for '{_dtype.scalar_type_name(input.dtype)}'"
        )
    data = input._host()
    points = data.reshape(-1, data.shape[-1]) if data.ndim else data.reshape(1, 1)
    dims = points.shape[1]
    if isinstance(bins, Tensor) and bins.dim() == 0:
        bins = int(bins._data)
    if isinstance(bins, int):
        bins = [bins] * dims
    edges = [b._host() if isinstance(b, Tensor) else int(b) for b in bins]
    if len(edges) != dims:
        raise RuntimeError(
            f"histogramdd: expected {dims} sequences of bin edges for each dimension, but got "
            f"{len(edges)}"
        )
    ranges = None
    if range is not None:
        if len(range) != 2 * dims:
            raise RuntimeError(
                f"histogramdd: for a {dims}-dimensional histogram range should have "
                f"{2 * dims} elements, but got {len(range)}"
            )
        ranges = [(range[2 * k], range[2 * k + 1]) for k in builtins.range(dims)]
    w = weight._host().reshape(-1) if weight is not None else None
    hist, bin_edges = np.histogramdd(points, bins=edges, range=ranges, weights=w, density=density)
    dtype = data.dtype
    return _HistogramddResult(
        Tensor._make(hist.astype(dtype)), [Tensor._make(e.astype(dtype)) for e in bin_edges]
    )


def is_conj(input: Tensor) -> bool:
    """ember has no lazy conjugate bit: always False."""
    return False


def is_neg(input: Tensor) -> bool:
    """ember has no lazy negative bit: always False."""
    return False


def resolve_conj(input: Tensor) -> Tensor:
    """``input`` itself (no conjugate bit to resolve)."""
    return input


def resolve_neg(input: Tensor) -> Tensor:
    """``input`` itself (no negative bit to resolve)."""
    return input


def empty_permuted(
    size, physical_layout, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
    pin_memory: bool = False,
) -> Tensor:  # fmt: skip
    """An uninitialised tensor of logical ``size`` whose dims lie in memory in the order
    ``physical_layout`` (outermost first)."""
    size, order = tuple(int(s) for s in size), tuple(int(d) for d in physical_layout)
    if sorted(order) != list(builtins.range(len(size))):
        raise RuntimeError(
            f"Number of dimensions in size does not match the length of the physical_layout; "
            f"or physical_layout is not a permutation: {list(size)} vs {list(order)}"
        )
    strides = [0] * len(size)
    step = 1
    for d in reversed(order):
        strides[d] = step
        step *= max(size[d], 1)
    return empty_strided(size, strides, dtype=dtype, device=device, requires_grad=requires_grad)


def embedding_renorm_(weight: Tensor, indices: Tensor, max_norm: float, norm_type: float):
    """Scale the rows ``indices`` of ``weight`` in place to norm at most max_norm."""
    _embedding._renorm_rows(weight, indices._data, max_norm, norm_type)
    return weight


def from_file(
    filename, shared=None, size: int = 0, *, dtype=None, layout=None, device=None,
    pin_memory: bool = False,
) -> Tensor:  # fmt: skip
    """The first ``size`` elements of a binary file as a 1-D tensor: memory-mapped (writes go
    to the file) when ``shared``, else read into memory."""
    dtype = _dtype.get_default_dtype() if dtype is None else dtype
    np_dtype = np.dtype(_dtype.to_numpy_dtype(dtype))
    needed = size * np_dtype.itemsize
    import os

    available = os.path.getsize(filename)
    if available < needed:
        raise RuntimeError(
            f"file <{filename}> size <{available}> is smaller than the required mapping size "
            f"<{needed}>"
        )
    if size == 0:
        return Tensor._make(np.empty(0, np_dtype))
    if shared:
        return Tensor._make(np.memmap(filename, dtype=np_dtype, mode="r+", shape=(size,)))
    return Tensor._make(np.fromfile(filename, dtype=np_dtype, count=size))
