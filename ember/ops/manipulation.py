"""Rearranging and building tensors: flip/roll/rot90, repeat/tile, triangles and diagonals,
cumulative ops, broadcasting helpers, stacking, grids, and distances.

Most are compositions of differentiable ops (views, gather, cat), so their gradients and
double gradients come for free; the ones with a direct array kernel are Functions.
"""

from __future__ import annotations

import itertools

import numpy as np

from .. import _dtype
from .._tensor import Size, Tensor
from ..autograd.function import ArrayFunction
from . import reduction, selection, shape
from ._util import in_float32, np_kind, result_type, wrap_dim, xp_of


def _dims_arg(dims) -> tuple:
    return (dims,) if isinstance(dims, (int, np.integer)) else tuple(dims)


# ---- flips and rolls ------------------------------------------------------------------------


class Flip(ArrayFunction):
    """A reversed copy along ``dims``; math: the gradient is reversed back."""

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return xp_of(x).flip(x, dims).copy() if dims else x.copy()

    @staticmethod
    def backward(ctx, grad):
        return Flip.apply(grad, ctx.dims), None


def flip(input: Tensor, dims) -> Tensor:
    """A copy with the order of elements reversed along ``dims``."""
    dims = tuple(wrap_dim(d, input._data.ndim) for d in _dims_arg(dims))
    if len(set(dims)) != len(dims):
        raise RuntimeError(f"dim {dims[0]} appears multiple times in the list of dims")
    return Flip.apply(input, dims if input._data.ndim else ())


def fliplr(input: Tensor) -> Tensor:
    """Reversed along dim 1 (left/right)."""
    if input._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, 1)


def flipud(input: Tensor) -> Tensor:
    """Reversed along dim 0 (up/down)."""
    if input._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, 0)


class Roll(ArrayFunction):
    """A cyclic shift; math: the gradient is shifted back."""

    @staticmethod
    def forward(ctx, x, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        return xp_of(x).roll(x, shifts, dims)

    @staticmethod
    def backward(ctx, grad):
        return Roll.apply(grad, tuple(-s for s in ctx.shifts), ctx.dims), None, None


def roll(input: Tensor, shifts, dims=None) -> Tensor:
    """Elements shifted cyclically along ``dims`` (the flattened tensor when None)."""
    shifts = _dims_arg(shifts)
    if input._data.size == 0:  # torch returns before looking at dims
        return input.clone()
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(
                f"`shifts` required to be of size 1 when `dims` is None, got {len(shifts)}"
            )
        flat = input.reshape(-1)
        return Roll.apply(flat, shifts, (0,)).reshape(input.shape)
    dims = tuple(wrap_dim(d, input._data.ndim) for d in _dims_arg(dims))
    if len(shifts) != len(dims):
        raise RuntimeError(
            f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}"
        )
    return Roll.apply(input, tuple(int(s) for s in shifts), dims)


def rot90(input: Tensor, k: int = 1, dims=(0, 1)) -> Tensor:
    """Rotated by 90 degrees ``k`` times in the plane of ``dims`` (from the first toward the
    second)."""
    dims = tuple(dims)
    nd = input._data.ndim
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if nd < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {nd}")
    d0, d1 = wrap_dim(dims[0], nd), wrap_dim(dims[1], nd)
    if d0 == d1:
        raise RuntimeError(
            f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}"
        )
    k %= 4
    if k == 1:
        return flip(input, d1).transpose(d0, d1)
    if k == 2:
        return flip(input, (d0, d1))
    if k == 3:
        return flip(input, d0).transpose(d0, d1)
    return input.clone()


# ---- repeats --------------------------------------------------------------------------------


class Repeat(ArrayFunction):
    """Tiled copies; math: the gradient sums over the copies."""

    @staticmethod
    def forward(ctx, x, reps):
        ctx.in_shape = x.shape
        ctx.reps = reps
        return xp_of(x).tile(x.reshape((1,) * (len(reps) - x.ndim) + x.shape), reps)

    @staticmethod
    def backward(ctx, grad):
        reps = ctx.reps
        lead = (1,) * (len(reps) - len(ctx.in_shape)) + tuple(ctx.in_shape)
        split = []
        for r, s in zip(reps, lead):
            split += [r, s]
        g = grad.reshape(split).sum(tuple(range(0, 2 * len(reps), 2)))
        return g.reshape(ctx.in_shape), None


def repeat(self: Tensor, *sizes) -> Tensor:
    """``self`` tiled ``sizes[i]`` times along each dim (leading new dims allowed)."""
    reps = shape._shape_arg(sizes)
    if len(reps) < self._data.ndim:
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions "
            "of tensor"
        )
    if any(r < 0 for r in reps):
        raise RuntimeError(
            f"Trying to create tensor with negative dimension {min(reps)}: {list(reps)}"
        )
    return Repeat.apply(self, reps)


def tile(input: Tensor, dims) -> Tensor:
    """``repeat`` with missing leading repeat counts taken as 1."""
    dims = tuple(dims)
    dims = (1,) * (input._data.ndim - len(dims)) + dims
    return repeat(input, dims)


def repeat_interleave(input: Tensor, repeats=None, dim=None, *, output_size=None) -> Tensor:
    """Each element (slice along ``dim``) repeated ``repeats`` times in place; with one tensor
    argument, the indices ``0..n-1`` repeated by its counts."""
    if repeats is None:
        counts = input
        return Tensor._make(np.repeat(np.arange(counts._data.size), counts._data.reshape(-1)))
    if dim is None:
        input = input.reshape(-1)
        dim = 0
    elif input._data.ndim == 0:
        raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got 1)")
    d = wrap_dim(dim, input._data.ndim)
    n = input._data.shape[d]
    counts = repeats._data.reshape(-1) if isinstance(repeats, Tensor) else np.array([repeats])
    if (counts < 0).any():
        raise RuntimeError("repeats can not be negative")
    if counts.size not in (1, n):
        raise RuntimeError(
            f"repeats must have the same size as input along dim, but got repeats.size(0) = "
            f"{counts.size} and input.size({d}) = {n}"
        )
    index = np.repeat(np.arange(n), counts if counts.size == n else int(counts[0]))
    return selection.index_select(input, d, Tensor._make(index.astype(np.int64)))


# ---- triangles and diagonals ----------------------------------------------------------------


class Triangle(ArrayFunction):
    """``tril`` or ``triu`` of the last two dims; math: the gradient is masked alike."""

    @staticmethod
    def forward(ctx, x, diagonal, lower):
        ctx.diagonal, ctx.lower = diagonal, lower
        xp = xp_of(x)
        return xp.tril(x, diagonal) if lower else xp.triu(x, diagonal)

    @staticmethod
    def backward(ctx, grad):
        return Triangle.apply(grad, ctx.diagonal, ctx.lower), None, None


def tril(input: Tensor, diagonal: int = 0, *, out=None) -> Tensor:
    """The lower triangle (on and below ``diagonal``) of the last two dims; zeros elsewhere."""
    return _triangle(input, diagonal, True, out, "tril")


def triu(input: Tensor, diagonal: int = 0, *, out=None) -> Tensor:
    """The upper triangle (on and above ``diagonal``) of the last two dims; zeros elsewhere."""
    return _triangle(input, diagonal, False, out, "triu")


def _triangle(input, diagonal, lower, out, name):
    from ._util import handle_out

    if input._data.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
    return handle_out(Triangle.apply(input, int(diagonal), lower), out)


def _tri_indices(row, col, offset, lower, dtype, device):
    from .creation import _place

    mask = np.tri(row, col, offset, dtype=bool)
    if not lower:
        mask = ~np.tri(row, col, offset - 1, dtype=bool)
    rows, cols = np.nonzero(mask)
    d = dtype or _dtype.int64
    return Tensor._make(_place(np.stack([rows, cols]).astype(d.np), device))


def tril_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None, layout=None):
    """The (2, N) row and column indices of the lower triangle of a ``row x col`` matrix."""
    return _tri_indices(row, col, offset, True, dtype, device)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None, layout=None):
    """The (2, N) row and column indices of the upper triangle of a ``row x col`` matrix."""
    return _tri_indices(row, col, offset, False, dtype, device)


def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """Zeros with the last dim of ``input`` on the diagonals of the (dim1, dim2) planes."""
    nd = input._data.ndim + 1
    d1, d2 = wrap_dim(dim1, nd), wrap_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    n = input._data.shape[-1] + abs(offset)
    batch = list(input._data.shape[:-1])
    out_shape = []
    for i in range(nd):
        out_shape.append(n if i in (d1, d2) else batch.pop(0))
    out = input.new_zeros(out_shape)
    out.diagonal(offset, d1, d2).copy_(input)
    return out


def diagflat(input: Tensor, offset: int = 0) -> Tensor:
    """A 2-D tensor with the flattened ``input`` on diagonal ``offset``."""
    return diag_embed(input.reshape(-1), offset)


def block_diag(*tensors) -> Tensor:
    """The tensors (each 0-, 1- or 2-D) placed along the diagonal of a zero matrix."""
    if not tensors:
        return Tensor._make(np.zeros((1, 0), _dtype.get_default_dtype().np))
    mats = []
    for i, t_ in enumerate(tensors):
        if t_._data.ndim > 2:
            raise RuntimeError(
                f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has "
                f"{t_._data.ndim} dimensions"
            )
        mats.append(t_.reshape(1, -1) if t_._data.ndim < 2 else t_)
    dtype = result_type(*mats)
    rows = sum(m._data.shape[0] for m in mats)
    cols = sum(m._data.shape[1] for m in mats)
    out = Tensor._make(np.zeros((rows, cols), dtype.np))
    r = c = 0
    for m in mats:
        h, w = m._data.shape
        out[r : r + h, c : c + w] = m.to(dtype)
        r, c = r + h, c + w
    return out


# ---- cumulative ops -------------------------------------------------------------------------


def _cum_dtype(input: Tensor, dtype):
    if dtype is not None:
        return dtype
    return _dtype.int64 if np_kind(input._data.dtype) in "biu" else input.dtype


class Cumsum(ArrayFunction):
    """Running sums; math: the gradient is the reversed running sum of ``grad``."""

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        return xp_of(x).cumsum(x, axis=dim, dtype=x.dtype)

    @staticmethod
    def backward(ctx, grad):
        return flip(Cumsum.apply(flip(grad, ctx.dim), ctx.dim), ctx.dim), None


@in_float32
def cumsum(input: Tensor, dim: int, *, dtype=None, out=None) -> Tensor:
    """Running sums along ``dim`` (integer inputs give int64)."""
    from ._util import handle_out

    x = input.to(_cum_dtype(input, dtype))
    if x._data.ndim == 0:
        wrap_dim(dim, 0)
        return handle_out(x.clone(), out)
    return handle_out(Cumsum.apply(x, wrap_dim(dim, x._data.ndim)), out)


class Cumprod(ArrayFunction):
    """Running products.

    math: dx_i = sum_{j>=i} grad_j * prod_{k<=j, k!=i} x_k, which is revcumsum(grad * out) / x
    without zeros; with zeros it is computed directly: for each i the running product with x_i
    replaced by 1 (an n x n product per slice, exact for double backward too).
    """

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        out = xp_of(x).cumprod(x, axis=dim, dtype=x.dtype)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        from .comparison import where

        x, out = ctx.saved_tensors
        d = ctx.dim
        if not (x._data == 0).any():
            return flip(cumsum(flip(grad * out, d), d), d) / x, None
        n = x._data.shape[d]
        rows = x.movedim(d, -1).unsqueeze(-2).expand(*x.movedim(d, -1).shape[:-1], n, n)
        eye = Tensor._make(np.eye(n, dtype=bool))
        without_i = Cumprod.apply(where(eye, x.new_ones(()), rows), rows.dim() - 1)
        later = Tensor._make(np.triu(np.ones((n, n), dtype=bool)))
        terms = where(later, without_i, x.new_zeros(())) * grad.movedim(d, -1).unsqueeze(-2)
        return terms.sum(-1).movedim(-1, d), None


@in_float32
def cumprod(input: Tensor, dim: int, *, dtype=None, out=None) -> Tensor:
    """Running products along ``dim``."""
    from ._util import handle_out

    x = input.to(_cum_dtype(input, dtype))
    if x._data.ndim == 0:
        wrap_dim(dim, 0)
        return handle_out(x.clone(), out)
    return handle_out(Cumprod.apply(x, wrap_dim(dim, x._data.ndim)), out)


def _cum_extreme(input: Tensor, dim: int, is_max: bool, name: str):
    data = input._data
    xp = xp_of(data)
    if data.size == 0:  # torch returns empty results before looking at dim
        return reduction._named(name)(input.clone(), Tensor._make(np.zeros(data.shape, np.int64)))
    if data.ndim == 0:
        wrap_dim(dim, 0)
        idx = Tensor._make(xp.zeros((), np.int64))
        return reduction._named(name)(input.clone(), idx)
    d = wrap_dim(dim, data.ndim)
    ufunc = xp.maximum if is_max else xp.minimum
    running = ufunc.accumulate(data, axis=d) if data.size else data.copy()
    shape = [1] * data.ndim
    shape[d] = data.shape[d]
    positions = xp.arange(data.shape[d]).reshape(shape)
    hit = (data == running) | (xp.isnan(data) if np_kind(data.dtype) == "f" else False)
    marks = xp.where(hit, positions, 0)
    index = xp.maximum.accumulate(marks, axis=d) if data.size else marks
    index = Tensor._make(index.astype(np.int64))
    values = selection.gather(input, d, index)
    return reduction._named(name)(values, index)


def cummax(input: Tensor, dim: int):
    """Running maxima along ``dim`` and where each was found (the latest among ties)."""
    return _cum_extreme(input, dim, True, "cummax")


def cummin(input: Tensor, dim: int):
    """Running minima along ``dim`` and where each was found (the latest among ties)."""
    return _cum_extreme(input, dim, False, "cummin")


class LogCumSumExp(ArrayFunction):
    """``log(cumsum(exp(x)))`` by running ``logaddexp`` (no overflow or underflow).

    math: dx_i = sum_{j>=i} grad_j exp(x_i - out_j), computed in log space for each sign of
    grad so that it stays finite.
    """

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        out = xp_of(x).logaddexp.accumulate(x, axis=dim) if x.size else x.copy()
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        from .comparison import where

        x, out = ctx.saved_tensors
        d = ctx.dim

        def reverse_lcse(v):
            return flip(LogCumSumExp.apply(flip(v, d), d), d)

        def log_part(mask, magnitude):
            safe = where(mask, magnitude, magnitude.new_ones(()))
            return where(mask, safe.log(), magnitude.new_full((), float("-inf")))

        def term(log_grad):
            # where out is -inf (all inputs so far -inf) the contribution is 0, not nan
            finite = out > float("-inf")
            shifted = where(finite, log_grad - where(finite, out, out.new_zeros(())), out)
            return (x + reverse_lcse(shifted)).exp()

        return term(log_part(grad > 0, grad)) - term(log_part(grad < 0, -grad)), None


def logcumsumexp(input: Tensor, dim: int) -> Tensor:
    """``log(cumsum(exp(input)))`` along ``dim``, computed without overflow."""
    if input._data.ndim == 0:
        wrap_dim(dim, 0)
        return input.clone()
    return LogCumSumExp.apply(input, wrap_dim(dim, input._data.ndim))


def diff(input: Tensor, n: int = 1, dim: int = -1, prepend=None, append=None) -> Tensor:
    """The ``n``-th forward difference along ``dim`` (``!=`` for bool tensors)."""
    if input._data.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    if n == 0:
        return input
    d = wrap_dim(dim, input._data.ndim)
    parts = [t_ for t_ in (prepend, input, append) if t_ is not None]
    x = shape.cat(parts, d) if len(parts) > 1 else input
    for _ in range(n):
        m = x._data.shape[d]
        if m == 0:
            break
        hi, lo = x.narrow(d, 1, m - 1), x.narrow(d, 0, m - 1)
        x = hi != lo if x._data.dtype == np.bool_ else hi - lo
    return x


# ---- broadcasting and stacking --------------------------------------------------------------


def broadcast_shapes(*shapes) -> Size:
    """The shape all ``shapes`` broadcast to."""
    shapes = [(s,) if isinstance(s, (int, np.integer)) else tuple(s) for s in shapes]
    try:
        return Size(np.broadcast_shapes(*shapes))
    except ValueError:
        raise RuntimeError(
            "shape mismatch: objects cannot be broadcast to a single shape.  Mismatch is between "
            "arg 0 and arg 1."
        ) from None


def broadcast_tensors(*tensors):
    """The tensors expanded (as views) to their common shape."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    target = broadcast_shapes(*(t_._data.shape for t_ in tensors))
    return tuple(t_.expand(target) for t_ in tensors)


def _atleast(tensors, fn):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return tuple(fn(t_) for t_ in tensors[0])
    if len(tensors) == 1:
        return fn(tensors[0])
    return tuple(fn(t_) for t_ in tensors)


def atleast_1d(*tensors):
    """Each tensor with at least one dim (0-dim ones become shape ``(1,)``)."""
    return _atleast(tensors, lambda t_: t_.reshape(1) if t_._data.ndim == 0 else t_)


def atleast_2d(*tensors):
    """Each tensor with at least two dims (1-D ones become rows)."""

    def two(t_):
        return t_.reshape(1, -1) if t_._data.ndim < 2 else t_

    return _atleast(tensors, two)


def atleast_3d(*tensors):
    """Each tensor with at least three dims, as torch places the new ones."""

    def three(t_):
        nd = t_._data.ndim
        if nd == 0:
            return t_.reshape(1, 1, 1)
        if nd == 1:
            return t_.reshape(1, -1, 1)
        if nd == 2:
            return t_.unsqueeze(-1)
        return t_

    return _atleast(tensors, three)


def hstack(tensors, *, out=None) -> Tensor:
    """Joined along dim 1 (dim 0 for 1-D tensors)."""
    tensors = atleast_1d(list(tensors))
    return shape.cat(tensors, 0 if tensors[0]._data.ndim == 1 else 1, out=out)


def vstack(tensors, *, out=None) -> Tensor:
    """Joined along dim 0, 1-D tensors as rows."""
    return shape.cat(atleast_2d(list(tensors)), 0, out=out)


row_stack = vstack


def dstack(tensors, *, out=None) -> Tensor:
    """Joined along dim 2 (depth), after making each at least 3-D."""
    return shape.cat(atleast_3d(list(tensors)), 2, out=out)


def column_stack(tensors, *, out=None) -> Tensor:
    """Joined as columns: 0-D and 1-D tensors become columns first."""
    cols = [t_.reshape(-1, 1) if t_._data.ndim <= 1 else t_ for t_ in tensors]
    return shape.cat(cols, 1, out=out)


def meshgrid(*tensors, indexing: str = "ij"):
    """Grids from 1-D tensors (as expanded views); ``indexing='xy'`` swaps the first two."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing not in ("ij", "xy"):
        raise RuntimeError(
            f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}'
        )
    for t_ in tensors:
        if t_._data.ndim > 1:
            raise RuntimeError(
                "torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: "
                f"{t_._data.ndim}D tensor"
            )
    order = list(range(len(tensors)))
    if indexing == "xy" and len(tensors) >= 2:
        order[0], order[1] = 1, 0
    sizes = [t_._data.size for t_ in tensors]
    full = [sizes[i] for i in order]
    grids = []
    for i, t_ in enumerate(tensors):
        view = [1] * len(tensors)
        view[order.index(i)] = -1
        grids.append(t_.reshape(view).expand(full))
    return tuple(grids)


def cartesian_prod(*tensors) -> Tensor:
    """Every combination of one element from each 1-D tensor, as rows."""
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return shape.stack([g.reshape(-1) for g in grids], 1)


def combinations(input: Tensor, r: int = 2, with_replacement: bool = False) -> Tensor:
    """The length-``r`` combinations of the elements of a 1-D tensor, as rows."""
    if input._data.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input._data.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return input.new_empty(0)
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    rows = np.array(list(pick(range(input._data.shape[0]), r)), dtype=np.int64).reshape(-1, r)
    index = Tensor._make(rows.reshape(-1))
    return selection.index_select(input, 0, index).reshape(-1, r)


# ---- distances and products -----------------------------------------------------------------


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0, compute_mode=None) -> Tensor:
    """The p-norm distance between each row of ``x1`` and each row of ``x2`` (batched)."""
    if x1._data.ndim < 2 or x2._data.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {x1._data.ndim}D")
    if x1._data.shape[-1] != x2._data.shape[-1]:
        raise RuntimeError(
            f"X1 and X2 must have the same number of columns. X1: {x1._data.shape[-1]} X2: "
            f"{x2._data.shape[-1]}"
        )
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    diff_ = x1.unsqueeze(-2) - x2.unsqueeze(-3)
    return reduction.norm(diff_, p, dim=-1)


def pairwise_distance(
    x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False
) -> Tensor:
    """``||x1 - x2 + eps||_p`` over the last dim."""
    dim = -1 if max(x1._data.ndim, x2._data.ndim) else 0
    return reduction.norm(x1 - x2 + eps, p, dim=dim, keepdim=keepdim)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """``x1 . x2 / (max(||x1||, eps) * max(||x2||, eps))`` along ``dim``."""
    n1 = reduction.norm(x1, 2, dim=dim, keepdim=True).clamp_min(eps)
    n2 = reduction.norm(x2, 2, dim=dim, keepdim=True).clamp_min(eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def cross(input: Tensor, other: Tensor, dim: int | None = None) -> Tensor:
    """The 3-D cross product along ``dim`` (the first dim of size 3 when None)."""
    if input._data.ndim != other._data.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    a, b = broadcast_tensors(input, other)
    if dim is None:
        sizes = [i for i, s in enumerate(a._data.shape) if s == 3]
        if not sizes:
            raise RuntimeError("no dimension of size 3 in input")
        d = sizes[0]
    else:
        d = wrap_dim(dim, a._data.ndim)
    if a._data.shape[d] != 3:
        raise RuntimeError(
            f"linalg.cross: inputs dimension {d} must have length 3. Got {input._data.shape[d]} "
            f"and {other._data.shape[d]}"
        )
    a0, a1, a2 = (a.select(d, i) for i in range(3))
    b0, b1, b2 = (b.select(d, i) for i in range(3))
    return shape.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], d)
