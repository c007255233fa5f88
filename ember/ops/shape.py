"""Shape operations: views (reshape, permute, expand...), copies (clone, contiguous), joins."""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from . import _inplace
from ._util import result_type, wrap_dim, xp_of


def _shape_arg(shape) -> tuple:
    """Accept ``f(2, 3)``, ``f((2, 3))`` and ``f([2, 3])`` alike."""
    if len(shape) == 1 and not isinstance(shape[0], (int, np.integer, Tensor)):
        shape = tuple(shape[0])
    return tuple(int(s) for s in shape)


def _infer_shape(shape: tuple, numel: int) -> tuple:
    """Resolve a single -1 in ``shape``; RuntimeError when the sizes cannot match."""
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            if s < 0:
                raise RuntimeError(f"invalid shape dimension {s}")
            known *= s
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


class View(ArrayFunction):
    """The same memory with another shape; math: the gradient is reshaped back."""

    is_view = True
    node_name = "ViewBackward0"

    @staticmethod
    def forward(ctx, a, shape):
        ctx.in_shape = a.shape
        return a.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.in_shape)


def view(self: Tensor, *shape) -> Tensor:
    """The same memory seen with another shape; RuntimeError when strides do not allow it."""
    if len(shape) == 1 and hasattr(shape[0], "np"):
        return _view_dtype(self, shape[0])
    shape = _infer_shape(_shape_arg(shape), self._data.size)
    if not _can_view(self._data, shape):
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
        )
    return _track(View.apply(self, shape))


def _can_view(array, shape) -> bool:
    if array.flags.c_contiguous:
        return True
    try:
        np.reshape(array, shape, copy=False)
    except ValueError:
        return False
    return True


def _view_dtype(self: Tensor, dtype) -> Tensor:
    out = Tensor._make(self._data.view(dtype.np))
    out._vc = self._vc
    out._base = self if self._base is None else self._base
    return out


def view_as(self: Tensor, other: Tensor) -> Tensor:
    """``self.view(other.shape)``."""
    return view(self, other._data.shape)


def reshape(input: Tensor, *shape) -> Tensor:
    """A view when the strides allow one, else a copy (as torch.reshape)."""
    shape = _infer_shape(_shape_arg(shape), input._data.size)
    if _can_view(input._data, shape):
        return _track(View.apply(input, shape))
    return _track(View.apply(input.contiguous(), shape))


def reshape_as(self: Tensor, other: Tensor) -> Tensor:
    """``self.reshape(other.shape)``."""
    return reshape(self, other._data.shape)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Dims ``start_dim`` to ``end_dim`` merged into one (a view when possible)."""
    nd = input._data.ndim
    s, e = wrap_dim(start_dim, nd), wrap_dim(end_dim, nd)
    if nd == 0:
        return reshape(input, 1)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    shape = input._data.shape
    if s == e:
        return input
    merged = int(np.prod(shape[s : e + 1], dtype=np.int64))
    return reshape(input, shape[:s] + (merged,) + shape[e + 1 :])


def unflatten(input: Tensor, dim: int, sizes) -> Tensor:
    """Dim ``dim`` split into ``sizes`` (one may be -1)."""
    d = wrap_dim(dim, input._data.ndim)
    shape = input._data.shape
    sizes = tuple(sizes)
    sizes = _infer_shape(sizes, shape[d]) if -1 in sizes else sizes
    if np.prod(sizes, dtype=np.int64) != shape[d]:
        raise RuntimeError(
            f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim "
            f"{dim} ({shape[d]}) in the input tensor"
        )
    return view(input, shape[:d] + sizes + shape[d + 1 :])


def squeeze(input: Tensor, dim=None) -> Tensor:
    """A view without the size-1 dims (all, or those in ``dim``)."""
    shape = input._data.shape
    if dim is None:
        new = tuple(s for s in shape if s != 1)
    else:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        axes = {wrap_dim(d, len(shape)) for d in dims}
        new = tuple(s for i, s in enumerate(shape) if not (i in axes and s == 1))
    return _track(View.apply(input, new))


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """A view with a size-1 dim inserted at ``dim``."""
    shape = input._data.shape
    d = wrap_dim(dim, len(shape) + 1)
    return _track(View.apply(input, shape[:d] + (1,) + shape[d:]))


class Permute(ArrayFunction):
    """Dims reordered; math: the gradient is permuted back."""

    is_view = True

    @staticmethod
    def forward(ctx, a, dims):
        ctx.dims = dims
        return a.transpose(dims)

    @staticmethod
    def backward(ctx, grad):
        return grad.permute(tuple(np.argsort(ctx.dims)))


def permute(input: Tensor, *dims) -> Tensor:
    """A view with the dims in the order ``dims``."""
    nd = input._data.ndim
    dims = _shape_arg(dims)
    if len(dims) != nd:
        raise RuntimeError(
            f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
            f"length of the desired ordering of dimensions i.e. input.dim() = {nd} is not "
            f"equal to len(dims) = {len(dims)}"
        )
    dims = tuple(wrap_dim(d, nd) for d in dims)
    if len(set(dims)) != nd:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return _track(Permute.apply(input, dims))


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """A view with ``dim0`` and ``dim1`` swapped."""
    nd = input._data.ndim
    if nd == 0:
        wrap_dim(dim0, 0), wrap_dim(dim1, 0)
        return _track(View.apply(input, ()))
    d0, d1 = wrap_dim(dim0, nd), wrap_dim(dim1, nd)
    dims = list(range(nd))
    dims[d0], dims[d1] = dims[d1], dims[d0]
    return _track(Permute.apply(input, tuple(dims)))


swapaxes = swapdims = transpose


def t(input: Tensor) -> Tensor:
    """The transpose of a matrix (0-D and 1-D tensors are returned as views)."""
    if input._data.ndim > 2:
        raise RuntimeError(
            f"t() expects a tensor with <= 2 dimensions, but self is {input._data.ndim}D"
        )
    return transpose(input, 0, 1) if input._data.ndim == 2 else View.apply(input, input._data.shape)


def T(self: Tensor) -> Tensor:
    """All dims reversed."""
    return permute(self, tuple(range(self._data.ndim - 1, -1, -1)))


def mT(self: Tensor) -> Tensor:
    """The last two dims swapped (batched matrix transpose)."""
    if self._data.ndim < 2:
        raise RuntimeError(
            "tensor.mT is only supported on matrices or batches of matrices. "
            f"Got {self._data.ndim}-D tensor."
        )
    return transpose(self, -2, -1)


class Expand(ArrayFunction):
    """A broadcast view; math: the gradient is summed over the broadcast dims."""

    is_view = True

    @staticmethod
    def forward(ctx, a, shape):
        ctx.in_shape = a.shape
        xp = xp_of(a)
        # writeable, as torch's: a write is refused only where it would hit one element twice
        # (``_inplace.write``), so a slice of an expanded tensor along its repeats can be written
        strides = (0,) * (len(shape) - a.ndim) + tuple(
            0 if n == 1 and s != 1 else st
            for n, s, st in zip(a.shape, shape[len(shape) - a.ndim :], a.strides)
        )
        return xp.lib.stride_tricks.as_strided(a, shape, strides)

    @staticmethod
    def backward(ctx, grad):
        from ._util import sum_to_shape

        return sum_to_shape(grad, ctx.in_shape)


def expand(self: Tensor, *sizes) -> Tensor:
    """A view with size-1 dims repeated to ``sizes`` (-1 keeps a size), without copying."""
    sizes = _shape_arg(sizes)
    shape = self._data.shape
    if len(sizes) < len(shape):
        raise RuntimeError(
            f"expand({self.type()}{{{list(shape)}}}, size={list(sizes)}): the number of sizes "
            f"provided ({len(sizes)}) must be greater or equal to the number of dimensions in "
            f"the tensor ({len(shape)})"
        )
    lead = len(sizes) - len(shape)
    out = []
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(
                    f"The expanded size of the tensor ({s}) isn't allowed in a leading, "
                    "non-existing dimension 0"
                )
            out.append(s)
            continue
        have = shape[i - lead]
        if s == -1:
            s = have
        elif have != s and have != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({have}) "
                f"at non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: "
                f"{list(shape)}"
            )
        out.append(s)
    out = tuple(out)
    if out == shape:
        return _track(View.apply(self, shape))
    return _track(Expand.apply(self, out))


def expand_as(self: Tensor, other: Tensor) -> Tensor:
    """``self.expand(other.shape)``."""
    return expand(self, other._data.shape)


def broadcast_to(input: Tensor, size) -> Tensor:
    """``input.expand(size)``."""
    return expand(input, tuple(size))


class Clone(ArrayFunction):
    """A copy; math: the gradient passes through."""

    @staticmethod
    def forward(ctx, a):
        return a.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad


def clone(input: Tensor, *, memory_format=None) -> Tensor:
    """A copy of ``input`` that stays in the graph."""
    return Clone.apply(input)


def contiguous(self: Tensor, memory_format=None) -> Tensor:
    """Itself when already C-contiguous, else a contiguous copy."""
    if self._data.flags.c_contiguous:
        return self
    return Clone.apply(self)


def is_contiguous(self: Tensor, memory_format=None) -> bool:
    """Whether the elements lie in C order without gaps (size-1 dims ignored, as torch)."""
    data = self._data
    if data.flags.c_contiguous:
        return True
    # torch ignores the strides of dims of size 1 (and of empty tensors)
    if data.size <= 1:
        return True
    expected = data.itemsize
    for size, stride in zip(reversed(data.shape), reversed(data.strides)):
        if size != 1 and stride != expected:
            return False
        expected *= size
    return True


def stride(self: Tensor, dim: int | None = None):
    """Element strides; a size-1 dim NumPy gives stride 0 gets torch's (as unsqueeze would)."""
    data = self._data
    item = data.itemsize
    strides = [s // item for s in data.strides]
    for d in range(data.ndim - 1, -1, -1):
        if data.shape[d] == 1 and strides[d] == 0:
            strides[d] = strides[d + 1] * data.shape[d + 1] if d + 1 < data.ndim else 1
    strides = tuple(strides)
    if dim is None:
        return strides
    return strides[wrap_dim(dim, self._data.ndim)]


class Cat(ArrayFunction):
    """Tensors joined along a dim; math: the gradient is split back."""

    node_name = "CatBackward0"

    @staticmethod
    def forward(ctx, dim, *arrays):
        ctx.sizes = [a.shape[dim] for a in arrays]
        ctx.dim = dim
        return xp_of(arrays[0]).concatenate(arrays, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        return (None,) + tuple(grad.split(ctx.sizes, ctx.dim))


def cat(tensors, dim: int = 0, *, out=None) -> Tensor:
    """Join tensors along an existing dim; 1-D empty tensors are skipped, as torch does."""
    from ._util import handle_out

    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("torch.cat(): expected a non-empty list of Tensors")
    for i, t_ in enumerate(tensors):
        if not isinstance(t_, Tensor):
            raise TypeError(
                f"expected Tensor as element {i} in argument 0, but got {type(t_).__name__}"
            )
    kept = [x for x in tensors if not (x._data.ndim == 1 and x._data.shape[0] == 0)]
    if not kept:
        return handle_out(tensors[0].clone(), out)
    ref = kept[0]
    nd = ref._data.ndim
    if nd == 0:
        raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
    d = wrap_dim(dim, nd)
    for position, x in enumerate(tensors):
        if x._data.ndim == 1 and x._data.shape[0] == 0:
            continue
        if x._data.ndim != nd:
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {nd} and {x._data.ndim}"
            )
        for k in range(nd):
            if k != d and x._data.shape[k] != ref._data.shape[k]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size "
                    f"{ref._data.shape[k]} but got size {x._data.shape[k]} for tensor number "
                    f"{position} in the list."
                )
    kept = _promote_all(kept)
    return handle_out(Cat.apply(d, *kept), out)


concat = concatenate = cat


def _promote_all(tensors):
    dtype = result_type(*tensors)
    return [x if x._data.dtype == dtype.np else x.to(dtype) for x in tensors]


def stack(tensors, dim: int = 0, *, out=None) -> Tensor:
    """Join tensors of equal shape along a new dim."""
    from ._util import handle_out

    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    shape = tensors[0]._data.shape
    for i, x in enumerate(tensors):
        if x._data.shape != shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(shape)} at entry 0 "
                f"and {list(x._data.shape)} at entry {i}"
            )
    d = wrap_dim(dim, len(shape) + 1)
    return handle_out(cat([unsqueeze(x, d) for x in tensors], d), out)


class Split(ArrayFunction):
    """Views of consecutive pieces along a dim; math: the gradients are joined back."""

    is_view = True
    node_name = "SplitWithSizesBackward0"

    @staticmethod
    def forward(ctx, a, sizes, dim):
        ctx.dim = dim
        bounds = np.cumsum(sizes)[:-1]
        return tuple(xp_of(a).split(a, bounds, axis=dim))

    @staticmethod
    def backward(ctx, *grads):
        # missing grads were materialized as zeros by the engine
        return cat(grads, ctx.dim), None, None


def _split_sizes(input: Tensor, sizes, d: int):
    return _inplace.mark_multi_view(Split.apply(input, sizes, d), "SplitWithSizesBackward0")


def split(tensor: Tensor, split_size_or_sections, dim: int = 0):
    """Split into chunks of a given size, or into the given sizes (views)."""
    if tensor._data.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = wrap_dim(dim, tensor._data.ndim)
    n = tensor._data.shape[d]
    if isinstance(split_size_or_sections, (int, np.integer)):
        size = int(split_size_or_sections)
        if size < 0 or (size == 0 and n):
            raise RuntimeError(
                f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}"
            )
        sizes = [size] * (n // size) + ([n % size] if n % size else []) if size else [0]
    else:
        sizes = [int(s) for s in split_size_or_sections]
        if sum(sizes) != n or any(s < 0 for s in sizes):
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's "
                f"size at dimension {d}), but got split_sizes={sizes}"
            )
    return _split_sizes(tensor, sizes, d)


def chunk(input: Tensor, chunks: int, dim: int = 0):
    """At most ``chunks`` views of equal size (the last may be smaller)."""
    if input._data.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: " + str(chunks))
    d = wrap_dim(dim, input._data.ndim)
    n = input._data.shape[d]
    if n == 0:  # torch gives ``chunks`` empty pieces
        return _split_sizes(input, [0] * chunks, d)
    return split(input, -(-n // chunks), dim)


def tensor_split(input: Tensor, indices_or_sections, dim: int = 0):
    """Views split into ``n`` near-equal parts, or at the given indices."""
    if input._data.ndim == 0:
        raise RuntimeError(
            "tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims"
        )
    d = wrap_dim(dim, input._data.ndim)
    n = input._data.shape[d]
    if isinstance(indices_or_sections, Tensor):
        indices_or_sections = indices_or_sections.tolist()
    if isinstance(indices_or_sections, (int, np.integer)):
        parts = int(indices_or_sections)
        if parts <= 0:
            raise RuntimeError(
                f"number of sections must be larger than 0, got {indices_or_sections}"
            )
        q, r = divmod(n, parts)
        sizes = [q + 1] * r + [q] * (parts - r)
    else:
        bounds = [min(max(int(i) + n if int(i) < 0 else int(i), 0), n) for i in indices_or_sections]
        edges = [0] + bounds + [n]
        sizes = [max(b - a, 0) for a, b in zip(edges[:-1], edges[1:])]
        starts = edges[:-1]
        return tuple(narrow(input, d, min(s, n), z) for s, z in zip(starts, sizes))
    return _split_sizes(input, sizes, d)


def unbind(input: Tensor, dim: int = 0):
    """The slices along ``dim``, as views."""
    if input._data.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    d = wrap_dim(dim, input._data.ndim)
    parts = split(input, 1, d) if input._data.shape[d] else ()
    return _inplace.mark_multi_view(tuple(squeeze(p, d) for p in parts), "Unbind")


def _track(view: Tensor) -> Tensor:
    return _inplace.track_view(view)


def movedim(input: Tensor, source, destination) -> Tensor:
    """Move dims from ``source`` to ``destination`` positions (the rest keep their order)."""
    nd = input._data.ndim
    src = (source,) if isinstance(source, int) else tuple(source)
    dst = (destination,) if isinstance(destination, int) else tuple(destination)
    if len(src) != len(dst):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({list(src)} dims) should "
            f"contain the same number of dims as destination ({list(dst)} dims)"
        )
    src = tuple(wrap_dim(s, nd) for s in src)
    dst = tuple(wrap_dim(s, nd) for s in dst)
    if nd == 0:
        return _track(View.apply(input, ()))
    if len(set(src)) != len(src) or len(set(dst)) != len(dst):
        raise RuntimeError("movedim: repeated dim in `source` or `destination`")
    order = [d for d in range(nd) if d not in src]
    for s, t_ in sorted(zip(dst, src)):
        order.insert(s, t_)
    return permute(input, tuple(order))


moveaxis = movedim


def mH(self: Tensor) -> Tensor:
    """The conjugate transpose of the last two dims."""
    out = mT(self)
    return out.conj() if self.is_complex() else out


def H(self: Tensor) -> Tensor:
    """The conjugate transpose of a matrix."""
    if self._data.ndim not in (0, 2):
        raise RuntimeError(
            f"tensor.H is only supported on matrices (2-D tensors). Got {self._data.ndim}-D tensor."
        )
    out = T(self)
    return out.conj() if self.is_complex() else out


def adjoint(input: Tensor) -> Tensor:
    """The conjugate transpose of the last two dims (``mH``)."""
    return mH(input)


def narrow(input: Tensor, dim: int, start, length: int) -> Tensor:
    """The view ``input[..., start:start + length, ...]`` along ``dim``."""
    nd = input._data.ndim
    if nd == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, nd)
    n = input._data.shape[d]
    start = int(start)
    if not -n <= start <= n:
        raise IndexError(
            f"start out of range (expected to be in range of [{-n}, {n}], but got {start})"
        )
    start = start + n if start < 0 else start
    length = int(length)
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if start + length > n:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    key = (slice(None),) * d + (slice(start, start + length),)
    return input[key]


def select(input: Tensor, dim: int, index: int) -> Tensor:
    """The view at ``index`` along ``dim`` (that dim removed)."""
    nd = input._data.ndim
    if nd == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, nd)
    n = input._data.shape[d]
    index = int(index)
    if not -n <= index < n:
        raise IndexError(
            f"select(): index {index} out of range for tensor of size "
            f"{list(input._data.shape)} at dimension {d}"
        )
    return input[(slice(None),) * d + (index,)]


class Strided(ArrayFunction):
    """A strided view of ``a`` (diagonal, unfold, as_strided); math: the gradient is added back
    at the positions each element was read from (repeats summed)."""

    is_view = True
    node_name = "AsStridedBackward0"

    @staticmethod
    def forward(ctx, a, shape, strides, offset):
        ctx.in_shape = a.shape
        out = _as_strided(a, shape, strides, offset)
        if ctx.needs_input_grad and ctx.needs_input_grad[0]:
            ctx.flat = _inplace._region(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        return _inplace.PutFlat.apply(grad, ctx.flat, ctx.in_shape), None, None, None


def _as_strided(a, shape, strides, offset: int):
    """``a``'s memory seen with element ``strides`` from element ``offset``."""
    xp = xp_of(a)
    item = a.itemsize
    start = a
    if offset:
        start = xp.lib.stride_tricks.as_strided(a, (offset + 1,), (item,))[offset:]
    byte_strides = tuple(s * item for s in strides)
    return xp.lib.stride_tricks.as_strided(start, tuple(shape), byte_strides)


def as_strided(input: Tensor, size, stride, storage_offset: int | None = None) -> Tensor:
    """A view with the given sizes and element strides, from ``storage_offset`` on."""
    offset = 0 if storage_offset is None else int(storage_offset) - _storage_offset(input)
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError(f"mismatch in length of strides and shape: {len(stride)} vs {len(size)}")
    if any(s < 0 for s in stride):
        raise RuntimeError(
            f"as_strided: Negative strides are not supported at the moment, got "
            f"strides: {list(stride)}"
        )
    return _track(Strided.apply(input, size, stride, offset))


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The view of the diagonal of the (dim1, dim2) planes, appended as the last dim."""
    nd = input._data.ndim
    d1, d2 = wrap_dim(dim1, nd), wrap_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    shape, strides = list(input._data.shape), list(stride(input))
    n1, n2 = shape[d1], shape[d2]
    if offset >= 0:
        length = max(min(n1, n2 - offset), 0)
        start = offset * strides[d2] if length else 0
    else:
        length = max(min(n1 + offset, n2), 0)
        start = -offset * strides[d1] if length else 0
    diag_stride = strides[d1] + strides[d2]
    keep = [i for i in range(nd) if i not in (d1, d2)]
    out_shape = [shape[i] for i in keep] + [length]
    out_strides = [strides[i] for i in keep] + [diag_stride]
    return _strided_from(input, out_shape, out_strides, start)


def _strided_from(input: Tensor, shape, strides, start: int) -> Tensor:
    """A view of ``input`` in element strides relative to its own first element."""
    if any(s < 0 for s in stride(input)):
        input = input.contiguous()
    return _track(Strided.apply(input, tuple(shape), tuple(strides), start))


def unfold(self: Tensor, dimension: int, size: int, step: int) -> Tensor:
    """Windows of ``size`` every ``step`` along ``dimension``, as a new last dim (a view)."""
    nd = self._data.ndim
    d = wrap_dim(dimension, nd)
    n = self._data.shape[d] if nd else 1
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {n} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    if nd == 0:
        return self.reshape(1)[:size]
    shape, strides = list(self._data.shape), list(stride(self))
    shape[d] = (n - size) // step + 1
    new_stride = strides[d]
    strides[d] *= step
    return _strided_from(self, shape + [size], strides + [new_stride], 0)


def _storage_root(array):
    while isinstance(getattr(array, "base", None), type(array)):
        array = array.base
    return array


def _storage_offset(self: Tensor) -> int:
    root = _storage_root(self._data if self._base is None else self._base._data)
    delta = _inplace._address(self._data) - _inplace._address(root)
    return delta // self._data.itemsize


def storage_offset(self: Tensor) -> int:
    """How many elements into its memory block this tensor starts."""
    return _storage_offset(self)


def data_ptr(self: Tensor) -> int:
    """The address of the first element (equal for tensors that start at the same place)."""
    return _inplace._address(self._data)


def ravel(input: Tensor) -> Tensor:
    """The elements as a 1-D tensor (a view when the layout allows)."""
    return reshape(input, -1)


def split_with_sizes(input: Tensor, split_sizes, dim: int = 0):
    """Views of the given sizes along ``dim``."""
    return split(input, list(split_sizes), dim)


unsafe_split = split
unsafe_chunk = chunk


def narrow_copy(input: Tensor, dim: int, start: int, length: int) -> Tensor:
    """A copy of ``narrow(input, dim, start, length)``."""
    return narrow(input, dim, start, length).clone()


def _split_along(input: Tensor, sections, dim: int, name: str, min_dims: int):
    nd = input._data.ndim
    if nd < min_dims:
        raise RuntimeError(
            f"torch.{name} requires a tensor with at least {min_dims} dimension, but got a "
            f"tensor with {nd} dimensions!"
        )
    if isinstance(sections, (int, np.integer)):
        n = input._data.shape[dim]
        if sections == 0 or n % sections:
            raise RuntimeError(
                f"torch.{name} attempted to split along dimension {dim}, but the size of the "
                f"dimension {n} is not divisible by the split_size {sections}!"
            )
    return tensor_split(input, sections, dim)


def hsplit(input: Tensor, sections):
    """Split along dim 1 (dim 0 for 1-D tensors) into equal parts or at indices."""
    return _split_along(input, sections, 1 if input._data.ndim > 1 else 0, "hsplit", 1)


def vsplit(input: Tensor, sections):
    """Split along dim 0 of a tensor with at least 2 dims."""
    return _split_along(input, sections, 0, "vsplit", 2)


def dsplit(input: Tensor, sections):
    """Split along dim 2 of a tensor with at least 3 dims."""
    return _split_along(input, sections, 2, "dsplit", 3)


unsafe_split_with_sizes = split_with_sizes


def detach(input: Tensor) -> Tensor:
    """``input.detach()``: the same memory, outside the graph."""
    return input.detach()


def _slice(input: Tensor, dim: int = 0, start=None, end=None, step: int = 1) -> Tensor:
    d = wrap_dim(dim, input._data.ndim)
    return input[(slice(None),) * d + (slice(start, end, step),)]


def _copy_of(view_fn, name: str):
    """``name(...)``: what ``view_fn(...)`` returns, as a copy instead of a view."""

    def fn(input: Tensor, *args, **kwargs):
        out = view_fn(input, *args, **kwargs)
        return tuple(o.clone() for o in out) if isinstance(out, tuple) else out.clone()

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"A copy of what ``{name[: -len('_copy')]}`` returns (not a view)."
    return fn


alias_copy = _copy_of(lambda x: x, "alias_copy")
as_strided_copy = _copy_of(as_strided, "as_strided_copy")
detach_copy = _copy_of(detach, "detach_copy")
diagonal_copy = _copy_of(diagonal, "diagonal_copy")
expand_copy = _copy_of(lambda x, size, *, implicit=False: expand(x, size), "expand_copy")
permute_copy = _copy_of(permute, "permute_copy")
select_copy = _copy_of(select, "select_copy")
slice_copy = _copy_of(_slice, "slice_copy")
split_copy = _copy_of(split, "split_copy")
split_with_sizes_copy = _copy_of(split_with_sizes, "split_with_sizes_copy")
squeeze_copy = _copy_of(squeeze, "squeeze_copy")
t_copy = _copy_of(t, "t_copy")
transpose_copy = _copy_of(transpose, "transpose_copy")
unbind_copy = _copy_of(unbind, "unbind_copy")
unfold_copy = _copy_of(unfold, "unfold_copy")
unsqueeze_copy = _copy_of(unsqueeze, "unsqueeze_copy")
view_copy = _copy_of(  # torch's takes tensors a view cannot (the values in their order)
    lambda x, *shape: view(x, *shape) if len(shape) == 1 and hasattr(shape[0], "np")
    else reshape(x, *shape),
    "view_copy",
)  # fmt: skip
