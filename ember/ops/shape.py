"""Shape operations: views (reshape, permute, expand...), copies (clone, contiguous), joins."""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ._util import result_type, wrap_dim, xp_of


def _shape_arg(shape) -> tuple:
    """Accept ``f(2, 3)``, ``f((2, 3))`` and ``f([2, 3])`` alike."""
    if len(shape) == 1 and not isinstance(shape[0], (int, np.integer, Tensor)):
        shape = tuple(shape[0])
    return tuple(int(s) for s in shape)


def infer_shape(shape: tuple, numel: int) -> tuple:
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
    shape = infer_shape(_shape_arg(shape), self._data.size)
    if not _can_view(self._data, shape):
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
        )
    return View.apply(self, shape)


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
    return view(self, other._data.shape)


def reshape(input: Tensor, *shape) -> Tensor:
    """A view when the strides allow one, else a copy (as torch.reshape)."""
    shape = infer_shape(_shape_arg(shape), input._data.size)
    if _can_view(input._data, shape):
        return View.apply(input, shape)
    return View.apply(input.contiguous(), shape)


def reshape_as(self: Tensor, other: Tensor) -> Tensor:
    return reshape(self, other._data.shape)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    nd = input._data.ndim
    if nd == 0:
        return reshape(input, 1)
    s, e = wrap_dim(start_dim, nd), wrap_dim(end_dim, nd)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    shape = input._data.shape
    return reshape(input, shape[:s] + (-1,) + shape[e + 1 :]) if shape[s : e + 1] else input


def unflatten(input: Tensor, dim: int, sizes) -> Tensor:
    d = wrap_dim(dim, input._data.ndim)
    shape = input._data.shape
    sizes = tuple(sizes)
    sizes = infer_shape(sizes, shape[d]) if -1 in sizes else sizes
    if np.prod(sizes, dtype=np.int64) != shape[d]:
        raise RuntimeError(
            f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim "
            f"{dim} ({shape[d]}) in the input tensor"
        )
    return view(input, shape[:d] + sizes + shape[d + 1 :])


def squeeze(input: Tensor, dim=None) -> Tensor:
    shape = input._data.shape
    if dim is None:
        new = tuple(s for s in shape if s != 1)
    else:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        axes = {wrap_dim(d, len(shape)) for d in dims} if shape else set()
        new = tuple(s for i, s in enumerate(shape) if not (i in axes and s == 1))
    return View.apply(input, new)


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    shape = input._data.shape
    d = wrap_dim(dim, len(shape) + 1)
    return View.apply(input, shape[:d] + (1,) + shape[d:])


class Permute(ArrayFunction):
    is_view = True

    @staticmethod
    def forward(ctx, a, dims):
        ctx.dims = dims
        return a.transpose(dims)

    @staticmethod
    def backward(ctx, grad):
        return grad.permute(tuple(np.argsort(ctx.dims)))


def permute(input: Tensor, *dims) -> Tensor:
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
    return Permute.apply(input, dims)


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    nd = input._data.ndim
    if nd == 0:
        wrap_dim(dim0, 0), wrap_dim(dim1, 0)
        return View.apply(input, ())
    d0, d1 = wrap_dim(dim0, nd), wrap_dim(dim1, nd)
    dims = list(range(nd))
    dims[d0], dims[d1] = dims[d1], dims[d0]
    return Permute.apply(input, tuple(dims))


swapaxes = swapdims = transpose


def t(input: Tensor) -> Tensor:
    if input._data.ndim > 2:
        raise RuntimeError(
            f"t() expects a tensor with <= 2 dimensions, but self is {input._data.ndim}D"
        )
    return transpose(input, 0, 1) if input._data.ndim == 2 else View.apply(input, input._data.shape)


def T(self: Tensor) -> Tensor:
    return permute(self, tuple(range(self._data.ndim - 1, -1, -1)))


def mT(self: Tensor) -> Tensor:
    if self._data.ndim < 2:
        raise RuntimeError(
            "tensor.mT is only supported on matrices or batches of matrices. "
            f"Got {self._data.ndim}-D tensor."
        )
    return transpose(self, -2, -1)


class Expand(ArrayFunction):
    is_view = True

    @staticmethod
    def forward(ctx, a, shape):
        ctx.in_shape = a.shape
        return xp_of(a).broadcast_to(a, shape)

    @staticmethod
    def backward(ctx, grad):
        from ._util import sum_to_shape

        return sum_to_shape(grad, ctx.in_shape)


def expand(self: Tensor, *sizes) -> Tensor:
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
        return View.apply(self, shape)
    return Expand.apply(self, out)


def expand_as(self: Tensor, other: Tensor) -> Tensor:
    return expand(self, other._data.shape)


def broadcast_to(input: Tensor, size) -> Tensor:
    return expand(input, tuple(size))


class Clone(ArrayFunction):
    @staticmethod
    def forward(ctx, a):
        return a.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad


def clone(input: Tensor, *, memory_format=None) -> Tensor:
    return Clone.apply(input)


def contiguous(self: Tensor, memory_format=None) -> Tensor:
    """Itself when already C-contiguous, else a contiguous copy."""
    if self._data.flags.c_contiguous:
        return self
    return Clone.apply(self)


def is_contiguous(self: Tensor, memory_format=None) -> bool:
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
    item = self._data.itemsize
    strides = tuple(s // item for s in self._data.strides)
    if dim is None:
        return strides
    return strides[wrap_dim(dim, self._data.ndim)]


class Cat(ArrayFunction):
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
    for t_ in tensors:
        if not isinstance(t_, Tensor):
            raise TypeError(
                f"expected Tensor as element {tensors.index(t_)} in argument 0, but got "
                f"{type(t_).__name__}"
            )
    kept = [x for x in tensors if not (x._data.ndim == 1 and x._data.shape[0] == 0)]
    if not kept:
        return handle_out(tensors[0].clone(), out)
    ref = kept[0]
    nd = ref._data.ndim
    if nd == 0:
        raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
    d = wrap_dim(dim, nd)
    for x in kept:
        if x._data.ndim != nd:
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {nd} and {x._data.ndim}"
            )
        for k in range(nd):
            if k != d and x._data.shape[k] != ref._data.shape[k]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size "
                    f"{ref._data.shape[k]} but got size {x._data.shape[k]} for tensor number "
                    f"{tensors.index(x)} in the list."
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
    is_view = True
    node_name = "SplitWithSizesBackward0"

    @staticmethod
    def forward(ctx, a, sizes, dim):
        ctx.dim = dim
        ctx.shape = a.shape
        bounds = np.cumsum(sizes)[:-1]
        return tuple(xp_of(a).split(a, bounds, axis=dim))

    @staticmethod
    def backward(ctx, *grads):
        # missing grads were materialized as zeros by the engine
        return cat(grads, ctx.dim), None, None


def split(tensor: Tensor, split_size_or_sections, dim: int = 0):
    """Split into chunks of a given size, or into the given sizes."""
    d = wrap_dim(dim, tensor._data.ndim)
    n = tensor._data.shape[d]
    if isinstance(split_size_or_sections, (int, np.integer)):
        size = int(split_size_or_sections)
        if size <= 0 and n:
            raise RuntimeError(
                f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}"
            )
        sizes = [size] * (n // size) + ([n % size] if n % size else []) if size else [0]
    else:
        sizes = [int(s) for s in split_size_or_sections]
        if sum(sizes) != n:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's "
                f"size at dimension {d}), but got split_sizes={sizes}"
            )
    return Split.apply(tensor, sizes, d)


def chunk(input: Tensor, chunks: int, dim: int = 0):
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: " + str(chunks))
    n = input._data.shape[wrap_dim(dim, input._data.ndim)]
    size = -(-n // chunks) if n else 1
    return split(input, max(size, 1), dim)


def unbind(input: Tensor, dim: int = 0):
    d = wrap_dim(dim, input._data.ndim)
    return tuple(squeeze(p, d) for p in split(input, 1, d)) if input._data.shape[d] else ()
