"""Reading and writing by index tensors along a dim: gather/scatter (and their reductions),
index_*, and writing into a view of a copy (slice/select/diagonal/as_strided_scatter).

Out-of-place forms are Functions; the ``op_`` methods write their result in place.
"""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ._util import np_kind, type_name, wrap_dim, xp_of


def _check_long(index: Tensor, op: str) -> None:
    if not isinstance(index, Tensor):
        raise TypeError(f"{op}(): argument 'index' must be Tensor, not {type(index).__name__}")
    if index._data.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"{op}(): Expected dtype int32/int64 for index")


def _wrapped(index, size: int, dim: int, error=RuntimeError, prefix: str = ""):
    """``index`` checked to lie in ``[0, size)`` (gather and scatter take no negatives)."""
    if index.size:
        lo, hi = int(index.min()), int(index.max())
        if hi >= size or lo < 0:
            bad = hi if hi >= size else lo
            raise error(
                f"{prefix}index {bad} is out of bounds for dimension {dim} with size {size}"
            )
    return index


def _along(index, dim: int):
    """A full NumPy key that indexes ``dim`` with ``index`` and every other dim with aranges,
    so that ``a[key]`` is gather and ``a[key] = v`` is scatter (index's shape everywhere)."""
    xp = xp_of(index)
    key = list(xp.indices(index.shape, sparse=True))
    key[dim] = index
    return tuple(key)


def _check_gather_shapes(input: Tensor, dim: int, index: Tensor, src=None) -> int:
    """The wrapped dim, after torch's checks of index (and src) sizes against input's."""
    nd = max(input._data.ndim, 1)
    d = wrap_dim(dim, input._data.ndim)
    if index._data.ndim != input._data.ndim and not (index._data.ndim <= 1 >= input._data.ndim):
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    ishape = index._data.shape if index._data.ndim else (1,)
    xshape = input._data.shape if input._data.ndim else (1,)
    if index._data.size == 0:
        return d  # an empty index reads and writes nothing; torch checks no sizes
    for k in range(nd):
        if k != d and ishape[k] > xshape[k]:
            raise RuntimeError(
                f"Size does not match at dimension {k} expected index {list(ishape)} to be no "
                f"larger than self {list(xshape)} apart from dimension {d}"
            )
        if src is not None and ishape[k] > (src._data.shape or (1,))[k]:
            raise RuntimeError(
                f"Expected index {list(ishape)} to be no larger than self {list(xshape)} apart "
                f"from dimension {d} and to be no larger size than src "
                f"{list(src._data.shape)}"
            )
    return d


class Gather(ArrayFunction):
    """``out[i][j] = x[index[i][j]][j]`` (dim 0); math: grad is scatter-added back."""

    @staticmethod
    def forward(ctx, x, dim, index):
        ctx.dim, ctx.shape = dim, x.shape
        ctx.save_for_backward(index)
        if x.ndim == 0:
            _wrapped(index, 1, 0)
            return xp_of(x).broadcast_to(x, index.shape).copy()
        return x[_along(_wrapped(index, x.shape[dim], dim), dim)]

    @staticmethod
    def backward(ctx, grad):
        (index,) = ctx.saved_tensors
        zeros = grad.new_zeros(ctx.shape)
        return scatter_add(zeros, ctx.dim, index, grad), None, None


def gather(input: Tensor, dim: int, index: Tensor, *, sparse_grad: bool = False, out=None):
    """Values of ``input`` picked along ``dim`` by ``index`` (same number of dims)."""
    from ._util import handle_out

    _check_long(index, "gather")
    d = _check_gather_shapes(input, dim, index)
    return handle_out(Gather.apply(input, d, index), out)


class Scatter(ArrayFunction):
    """A copy of ``x`` with ``src`` written (or added/multiplied) at ``index`` along ``dim``."""

    @staticmethod
    def forward(ctx, x, dim, index, src, reduce):
        ctx.dim, ctx.reduce = dim, reduce
        ctx.src_shape = getattr(src, "shape", None)
        ctx.save_for_backward(index)
        out = x.copy()
        if x.ndim == 0:
            out, index = out.reshape(1), index.reshape(-1)
        key = _along(_wrapped(index, out.shape[dim], dim), dim)
        values = src
        if not isinstance(src, (int, float, bool)):
            src = src.reshape(1) if src.ndim == 0 else src
            values = src[tuple(slice(0, n) for n in index.shape)]
        xp = xp_of(x)
        if reduce is None:
            out[key] = values
        elif reduce == "add":
            xp.add.at(out, key, values)
        else:
            xp.multiply.at(out, key, values)
        return out.reshape(x.shape)

    @staticmethod
    def backward(ctx, grad):
        (index,) = ctx.saved_tensors
        if ctx.reduce == "multiply":
            raise RuntimeError("scatter(): reduce='multiply' has no derivative in ember or torch")
        g_x = grad if ctx.reduce == "add" else scatter(grad, ctx.dim, index, 0.0)
        g_src = None
        if ctx.needs_input_grad[3]:
            g_src = _src_grad_shape(gather(grad, ctx.dim, index), ctx.src_shape)
        return g_x, None, None, g_src, None


def _src_grad_shape(g_src: Tensor, src_shape) -> Tensor:
    """Pad the gathered gradient back to ``src``'s shape (src may be larger than index)."""
    if tuple(g_src.shape) == tuple(src_shape):
        return g_src
    pad = g_src.new_zeros(src_shape)
    key = tuple(slice(0, n) for n in g_src.shape)
    return PadInto.apply(pad, g_src, key)


class PadInto(ArrayFunction):
    """``zeros`` with ``value`` written at the basic ``key`` (for gradients of a sub-block)."""

    @staticmethod
    def forward(ctx, zeros, value, key):
        ctx.key = key
        out = zeros.copy()
        out[key] = value
        return out

    @staticmethod
    def backward(ctx, grad):
        return None, grad[ctx.key], None


def scatter(input: Tensor, dim: int, index: Tensor, src=None, value=None, *, reduce=None):
    """A copy of ``input`` with ``src`` (a tensor) or ``value`` (a number) placed at
    ``index`` along ``dim``; ``reduce`` ('add', 'multiply') combines instead of replacing."""
    if src is None:
        src = value
    if src is None:
        raise TypeError("scatter() missing required argument 'src' or 'value'")
    _check_long(index, "scatter")
    if reduce not in (None, "add", "multiply"):
        raise RuntimeError(f"reduce argument must be either add or multiply, got {reduce}")
    if isinstance(src, Tensor):
        if src._data.dtype != input._data.dtype:
            raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
        d = _check_gather_shapes(input, dim, index, src)
        return Scatter.apply(input, d, index, src, reduce)
    d = _check_gather_shapes(input, dim, index)
    return Scatter.apply(input, d, index, _as_number(src, input), reduce)


def _as_number(value, like: Tensor):
    if isinstance(value, Tensor):
        value = value.item()
    return like._data.dtype.type(value).item()


def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """A copy of ``input`` with ``src`` added at ``index`` along ``dim`` (repeats summed)."""
    return scatter(input, dim, index, src, reduce="add")


_REDUCE_UFUNC = {"sum": "add", "prod": "multiply", "mean": "add", "amax": "maximum",
                 "amin": "minimum"}  # fmt: skip


class ScatterReduce(ArrayFunction):
    """``input`` with ``src`` reduced into it at ``index`` along ``dim``."""

    @staticmethod
    def forward(ctx, x, dim, index, src, reduce, include_self):
        xp = xp_of(x)
        ctx.dim, ctx.reduce, ctx.include_self = dim, reduce, include_self
        inputs = (x, index, src)
        if x.ndim == 0:  # a 0-dim tensor counts as one element along dim 0
            x, index, src = x.reshape(1), index.reshape(-1), src.reshape(-1)
        key = _along(_wrapped(index, x.shape[dim], dim), dim)
        values = src[tuple(slice(0, n) for n in index.shape)]
        hit = xp.zeros(x.shape, dtype=np.int64)
        xp.add.at(hit, key, 1)
        out = x.copy()
        if not include_self:
            identity = {"sum": 0, "mean": 0, "prod": 1}.get(reduce)
            if identity is None:
                kind = np_kind(x.dtype)
                big = np.inf if kind == "f" else np.iinfo(x.dtype).max
                identity = -big if reduce == "amax" else big
            out[hit > 0] = identity
        getattr(xp, _REDUCE_UFUNC[reduce]).at(out, key, values)
        count = hit + (1 if include_self else 0)
        if reduce == "mean":
            safe = xp.maximum(count, 1).astype(out.dtype)
            out = out / safe if np_kind(out.dtype) == "f" else out // safe
            out = out.astype(x.dtype)
        shape = inputs[0].shape
        ctx.count = count.reshape(shape)
        out = out.reshape(shape)
        ctx.save_for_backward(*inputs, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, index, src, out = ctx.saved_tensors
        dim, reduce = ctx.dim, ctx.reduce
        count = Tensor._make(ctx.count.astype(grad._data.dtype))
        scattered = Tensor._make(ctx.count > (1 if ctx.include_self else 0))
        if reduce == "sum":
            g_x, g_src = grad, gather(grad, dim, index)
        elif reduce == "mean":
            g = grad / count.clamp(min=1)
            g_x, g_src = g, gather(g, dim, index)
        elif reduce == "prod":
            g_x, g_src = _prod_grads(grad, x, index, _block(src, index), out, dim, ctx)
        else:
            src_b = _block(src, index)
            x_ties = (x == out).to(grad.dtype)
            src_ties = (src_b == gather(out, dim, index)).to(grad.dtype)
            ties = scatter_add(x_ties if ctx.include_self else x_ties * 0, dim, index, src_ties)
            g = grad / ties.clamp(min=1)
            g_x = g * x_ties
            g_src = gather(g, dim, index) * src_ties
        if not ctx.include_self:  # where written, input's own value took no part
            g_x = (grad if reduce in ("sum", "mean", "prod") else g_x).masked_fill(scattered, 0.0)
        return g_x, None, None, _src_grad_shape(g_src, src.shape), None, None


def _prod_grads(grad, x, index, src, out, dim, ctx):
    """Gradients of a scatter product, exact with zeros: an element's gradient is the product
    of the others in its group; that is out / element without zeros, the product of the
    non-zeros for the group's only zero, and 0 when the group holds another zero."""
    from .comparison import where

    one, zero = x.new_ones(()), x.new_zeros(())
    x_zero = (x == 0) if ctx.include_self else x.new_zeros(x.shape).bool()
    src_zero = src == 0
    zeros = scatter_add(x_zero.to(x.dtype), dim, index, src_zero.to(x.dtype))
    safe_x = where(x_zero, one, x) if ctx.include_self else x.new_ones(x.shape)
    nonzero_prod = scatter_reduce(safe_x, dim, index, where(src_zero, one, src), "prod")

    def others(is_zero, value, group_out, group_zeros, group_prod):
        alone = where(group_zeros == 1, group_prod, zero)
        return where(
            group_zeros == 0, group_out / where(is_zero, one, value), where(is_zero, alone, zero)
        )

    g_x = grad * others(x_zero, x, out, zeros, nonzero_prod) if ctx.include_self else grad
    g_src = gather(grad, dim, index) * others(
        src_zero, src, gather(out, dim, index), gather(zeros, dim, index),
        gather(nonzero_prod, dim, index),
    )  # fmt: skip
    return g_x, g_src


def _block(src: Tensor, index: Tensor) -> Tensor:
    key = tuple(slice(0, n) for n in index.shape)
    return src[key] if tuple(src.shape) != tuple(index.shape) else src


def scatter_reduce(
    input: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *, include_self: bool = True
) -> Tensor:
    """``input`` with ``src`` reduced in at ``index`` along ``dim``: 'sum', 'prod', 'mean',
    'amax' or 'amin'; ``include_self=False`` leaves ``input``'s own values out where written."""
    _check_long(index, "scatter_reduce")
    if reduce not in _REDUCE_UFUNC:
        raise RuntimeError(
            f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}"
        )
    d = _check_gather_shapes(input, dim, index, src)
    return ScatterReduce.apply(input, d, index, src, reduce, bool(include_self))


# ---- index_* along one dim ------------------------------------------------------------------


def _index_vector(index: Tensor, op: str):
    if not isinstance(index, Tensor):
        raise TypeError(f"{op}(): argument 'index' must be Tensor, not {type(index).__name__}")
    if np_kind(index._data.dtype) not in "iu":
        raise RuntimeError(f"{op}(): Expected dtype int32/int64 for index")
    if index._data.ndim > 1:
        raise IndexError(f"{op}(): Index is supposed to be a vector")
    return index._data.reshape(-1).astype(np.int64)


def _dim_key(dim: int, index) -> tuple:
    return (slice(None),) * dim + (index,)


def _checked_vector(input: Tensor, dim: int, index: Tensor, op: str):
    """The dim and the index vector; out-of-range indices raise what torch raises for ``op``."""
    d = wrap_dim(dim, input._data.ndim)
    idx = _index_vector(index, op)
    n = input._data.shape[d] if input._data.ndim else 1
    if op == "index_select":
        if idx.size and (idx.max() >= n or idx.min() < 0):
            if d == 0:
                raise IndexError("index out of range in self")
            bad = int(idx.max()) if idx.max() >= n else int(idx.min())
            raise RuntimeError(f"INDICES element is out of DATA bounds, id={bad} axis_dim={n}")
    elif op == "index_fill":  # the one that accepts negative indices
        if idx.size and (idx.max() >= n or idx.min() < -n):
            bad = int(idx.max()) if idx.max() >= n else int(idx.min())
            raise IndexError(f"index {bad} is out of bounds for dimension {d} with size {n}")
        idx = idx % n if idx.size and n else idx
    elif op == "index_add" and input._data.ndim <= 1 and idx.size:
        if idx.max() >= n or idx.min() < 0:  # torch's 1-D kernel reports it this way
            raise IndexError("index out of range in self")
    else:
        error, prefix = (
            (IndexError, "index_copy_(): ") if op == "index_copy" else (RuntimeError, "")
        )
        _wrapped(idx, n, d, error, prefix)
    return d, idx


class IndexSelect(ArrayFunction):
    """Slices at ``index`` along ``dim``; math: the gradient is index-added back."""

    @staticmethod
    def forward(ctx, x, dim, index):
        ctx.dim, ctx.shape, ctx.index = dim, x.shape, index
        if x.ndim == 0:
            return x.reshape(1)[index].reshape(index.shape if index.size != 1 else ())
        return x[_dim_key(dim, index)]

    @staticmethod
    def backward(ctx, grad):
        zeros = grad.new_zeros(ctx.shape)
        return IndexAdd.apply(zeros, ctx.dim, ctx.index, grad, 1), None, None


def index_select(input: Tensor, dim: int, index: Tensor, *, out=None) -> Tensor:
    """The slices of ``input`` at ``index`` (a vector) along ``dim``."""
    from ._util import handle_out

    d, idx = _checked_vector(input, dim, index, "index_select")
    if input._data.ndim == 0 and idx.size != 1:
        raise RuntimeError(
            f"index_select(): Index to scalar can have only 1 value, got {idx.size} value(s)"
        )
    return handle_out(IndexSelect.apply(input, d, idx), out)


class IndexAdd(ArrayFunction):
    """``x`` plus ``alpha * source`` added at ``index`` along ``dim``; math: the gradient of
    source is the gradient read at ``index``."""

    @staticmethod
    def forward(ctx, x, dim, index, source, alpha):
        ctx.dim, ctx.alpha = dim, alpha
        ctx.index = index
        out = x.copy()
        if x.ndim == 0:
            out = out.reshape(1)
            source = source.reshape(1)
        xp_of(x).add.at(out, _dim_key(dim, index), source * alpha if alpha != 1 else source)
        return out.reshape(x.shape)

    @staticmethod
    def backward(ctx, grad):
        g_source = IndexSelect.apply(grad, ctx.dim, ctx.index)
        return grad, None, None, g_source * ctx.alpha if ctx.alpha != 1 else g_source, None


def _check_source(input: Tensor, d: int, idx, source: Tensor, op: str):
    have = source._data.shape[d] if source._data.ndim else 1
    if have != idx.size:
        error = IndexError if op == "index_copy_" else RuntimeError
        raise error(
            f"{op}(): Number of indices ({idx.size}) should be equal to source.size(dim) ({have})"
        )
    want = list(input._data.shape)
    if want:
        want[d] = idx.size
    if list(source._data.shape) != want and not (source._data.ndim == 0 and idx.size == 1):
        raise RuntimeError(
            f"{op}(): Source/destination tensor must have same slice shapes. Destination slice "
            f"shape: {list(input._data.shape)} at dimension {d} and source slice shape: "
            f"{list(source._data.shape)} at dimension 0."
        )
    if source._data.dtype != input._data.dtype:
        raise RuntimeError(
            f"{op}(): self ({type_name(input.dtype)}) and source ({type_name(source.dtype)}) "
            "must have the same scalar type"
        )


def index_add(input: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha=1) -> Tensor:
    """A copy of ``input`` with ``alpha * source`` added at ``index`` along ``dim``."""
    _check_source(
        input,
        wrap_dim(dim, input._data.ndim),
        _index_vector(index, "index_add"),
        source,
        "index_add_",
    )  # torch checks shapes before index values
    if source._data.size == 0 or (input._data.size == 0 and input._data.ndim > 1):
        return input.clone()  # nothing is added: torch checks no index values
    d, idx = _checked_vector(input, dim, index, "index_add")
    return IndexAdd.apply(input, d, idx, source, alpha)


class IndexCopy(ArrayFunction):
    """``x`` with the slices at ``index`` replaced by ``source``."""

    @staticmethod
    def forward(ctx, x, dim, index, source):
        ctx.dim, ctx.index = dim, index
        out = x.copy().reshape(x.shape or (1,))  # a 0-dim tensor counts as one slice
        out[_dim_key(dim, index)] = source
        return out.reshape(x.shape)

    @staticmethod
    def backward(ctx, grad):
        index = Tensor._make(ctx.index)
        g_x = index_fill(grad, ctx.dim, index, 0.0)
        return g_x, None, None, IndexSelect.apply(grad, ctx.dim, ctx.index)


def index_copy(input: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:
    """A copy of ``input`` with the slices at ``index`` along ``dim`` replaced by ``source``."""
    _check_source(
        input,
        wrap_dim(dim, input._data.ndim),
        _index_vector(index, "index_copy"),
        source,
        "index_copy_",
    )  # torch checks shapes before index values
    d, idx = _checked_vector(input, dim, index, "index_copy")
    return IndexCopy.apply(input, d, idx, source)


class IndexFill(ArrayFunction):
    """``x`` with the slices at ``index`` set to ``value``."""

    @staticmethod
    def forward(ctx, x, dim, index, value):
        ctx.dim, ctx.index = dim, index
        out = x.copy().reshape(x.shape or (1,))  # a 0-dim tensor counts as one slice
        out[_dim_key(dim, index)] = value
        return out.reshape(x.shape)

    @staticmethod
    def backward(ctx, grad):
        g_x = IndexFill.apply(grad, ctx.dim, ctx.index, 0)
        g_value = None
        if ctx.needs_input_grad[3]:
            g_value = IndexSelect.apply(grad, ctx.dim, ctx.index).sum()
        return g_x, None, None, g_value


def index_fill(input: Tensor, dim: int, index: Tensor, value) -> Tensor:
    """A copy of ``input`` with the slices at ``index`` along ``dim`` set to ``value``."""
    if input._data.size == 0:
        d = wrap_dim(dim, input._data.ndim)
        idx = _index_vector(index, "index_fill")
        rest = [s for i, s in enumerate(input._data.shape) if i != d]
        if idx.size and int(np.prod(rest, dtype=np.int64)):
            raise RuntimeError(f"index_fill(): index out of bounds for dimension {d} with size 0")
        return input.clone()  # nothing to fill
    d, idx = _checked_vector(input, dim, index, "index_fill")
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(
                "index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                f"{value._data.ndim} dimension(s)."
            )
        value = value.to(input.dtype)
    else:
        value = _as_number(value, input)
    return IndexFill.apply(input, d, idx, value)


# ---- scatter into a view --------------------------------------------------------------------


def _scatter_into(input: Tensor, src: Tensor, view) -> Tensor:
    out = input.clone()
    view(out).copy_(src)
    return out


def slice_scatter(input: Tensor, src: Tensor, dim: int = 0, start=None, end=None, step=1):
    """A copy of ``input`` with ``src`` written into the slice ``start:end:step`` of ``dim``."""
    d = wrap_dim(dim, input._data.ndim)
    key = (slice(None),) * d + (slice(start, end, step),)
    return _scatter_into(input, src, lambda t: t[key])


def select_scatter(input: Tensor, src: Tensor, dim: int, index: int) -> Tensor:
    """A copy of ``input`` with ``src`` written at ``index`` of ``dim``."""
    return _scatter_into(input, src, lambda t: t.select(dim, index))


def diagonal_scatter(
    input: Tensor, src: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1
) -> Tensor:
    """A copy of ``input`` with ``src`` written on a diagonal."""
    return _scatter_into(input, src, lambda t: t.diagonal(offset, dim1, dim2))


def index_reduce(
    input: Tensor, dim: int, index: Tensor, source: Tensor, reduce: str, *,
    include_self: bool = True,
) -> Tensor:  # fmt: skip
    """``input`` with the slices of ``source`` reduced ('prod', 'mean', 'amax', 'amin') into
    the slices at ``index`` along ``dim``."""
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(
            f"index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got "
            f"{reduce}."
        )
    d, idx = _checked_vector(input, dim, index, "index_reduce")
    shape = [1] * max(source._data.ndim, 1)
    shape[d] = idx.size
    full = Tensor._make(np.broadcast_to(idx.reshape(shape), source._data.shape).copy())
    return scatter_reduce(input, d, full, source, reduce, include_self=include_self)


def as_strided_scatter(input: Tensor, src: Tensor, size, stride, storage_offset=None):
    """A copy of ``input`` with ``src`` written into ``as_strided(size, stride, offset)``."""
    return _scatter_into(input, src, lambda t: t.as_strided(size, stride, storage_offset))


def fill(input: Tensor, value) -> Tensor:
    """A tensor like ``input`` filled with ``value`` (a number or a 0-dim tensor)."""
    out = input.clone()
    return out.fill_(value)
