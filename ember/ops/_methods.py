"""Binding Tensor's methods and operators to the op functions.

Most methods *are* the op function (``Tensor.exp is ember.exp``): the op takes the tensor as
its first argument. Methods that differ from any torch.* function are listed in METHOD_ONLY.
In-place forms (``add_``) compute the op, then write into ``self`` (``indexing._assign``).
"""

from __future__ import annotations

import numbers

import numpy as np

from .. import _dtype, _shared_memory, _tensor
from .._tensor import Tensor
from ..autograd.grad_mode import state
from . import _inplace as _inplace_mod
from . import (
    arithmetic,
    blas,
    comparison,
    complex_parts,
    conversion,
    creation,
    indexing,
    manipulation,
    masking,
    random,
    shape,
    unary,
)
from . import gamma as _gamma
from ._util import np_kind, type_name

# Tensor methods that are exactly the ember.* function of the same name.
FUNCTION_METHODS = (
    "add sub subtract mul multiply div divide true_divide floor_divide remainder fmod pow "
    "float_power rsub "
    "atan2 arctan2 hypot logaddexp logaddexp2 xlogy copysign lerp addcmul addcdiv deg2rad "
    "rad2deg sinc positive heaviside "
    "neg negative abs absolute sign exp exp2 expm1 log log2 log10 log1p sqrt rsqrt square "
    "reciprocal sin cos tan asin acos atan arcsin arccos arctan sinh cosh tanh asinh acosh "
    "atanh arcsinh arccosh arctanh sigmoid logit erf erfc erfinv floor ceil round trunc fix "
    "frac clamp clip clamp_min clamp_max nan_to_num "
    "eq ne lt le gt ge not_equal less less_equal greater greater_equal equal isclose "
    "allclose isnan isinf isfinite isposinf isneginf isreal signbit logical_and logical_or "
    "logical_xor logical_not bitwise_and bitwise_or bitwise_xor bitwise_not "
    "bitwise_left_shift bitwise_right_shift where maximum minimum fmax fmin "
    "sum nansum mean nanmean prod amax amin aminmax max min argmax argmin var std logsumexp "
    "all any count_nonzero norm dist median nanmedian mode "
    "matmul mm bmm mv dot vdot outer ger addmm addmv addbmm baddbmm addr "
    "inner kron diagonal diagonal_scatter diag diag_embed trace det logdet slogdet inverse "
    "cholesky cholesky_solve cholesky_inverse matrix_power matrix_exp pinverse svd qr "
    "triangular_solve lu lu_solve "
    "reshape flatten unflatten squeeze unsqueeze permute transpose swapaxes swapdims t "
    "expand_as broadcast_to clone split chunk unbind "
    "relu softmax log_softmax prelu hardshrink "
    "movedim moveaxis narrow select diagonal tensor_split as_strided adjoint index_put "
    "index_put_ gather scatter scatter_add scatter_reduce index_select index_add index_copy "
    "index_fill masked_fill masked_select masked_scatter take take_along_dim put nonzero "
    "argwhere flip fliplr flipud roll rot90 tile repeat_interleave tril triu diag_embed diagflat "
    "cumsum cumprod cummax cummin logcumsumexp diff sort argsort msort topk kthvalue unique "
    "unique_consecutive bincount histc cross ravel split_with_sizes unsafe_split unsafe_chunk "
    "narrow_copy hsplit vsplit dsplit slice_scatter select_scatter diagonal_scatter index_reduce "
    "histogram nonzero_static as_strided_scatter unsafe_split_with_sizes "
    "sgn gcd lcm ldexp frexp nextafter lgamma digamma mvlgamma i0 quantile nanquantile cov "
    "corrcoef renorm igamma igammac multinomial bernoulli "
    "conj conj_physical resolve_conj resolve_neg is_conj is_neg angle "
).split()  # (as_strided_scatter, unravel_index and the *_copy forms are functions only)

METHOD_ONLY = {
    "polygamma": lambda self, n: _gamma.polygamma(n, self),
    "to": conversion.to,
    "type": conversion.type_,
    "type_as": conversion.type_as,
    "cpu": conversion.cpu,
    "cuda": conversion.cuda,
    "view": shape.view,
    "view_as": shape.view_as,
    "reshape_as": shape.reshape_as,
    "expand": shape.expand,
    "contiguous": shape.contiguous,
    "is_contiguous": shape.is_contiguous,
    "stride": shape.stride,
    "storage_offset": shape.storage_offset,
    "data_ptr": shape.data_ptr,
    "unfold": shape.unfold,
    "repeat": manipulation.repeat,
    "new_tensor": creation.new_tensor,
    "new_zeros": creation.new_zeros,
    "new_ones": creation.new_ones,
    "new_empty": creation.new_empty,
    "new_full": creation.new_full,
    "__getitem__": indexing.getitem,
    "__setitem__": indexing.setitem,
    **conversion.CASTS,
    "share_memory_": _shared_memory.share_memory_,
    "is_shared": _shared_memory.is_shared,
}

PROPERTIES = {"T": shape.T, "mT": shape.mT, "mH": shape.mH, "H": shape.H,
              "real": complex_parts.real, "imag": complex_parts.imag}  # fmt: skip


def _inplace(fn):
    """``x.op_(...)``: compute ``op(x, ...)`` and write it into ``x``."""

    def method(self, *args, **kwargs):
        return _inplace_mod.inplace(self, fn, *args, **kwargs)

    method.__name__ = fn.__name__ + "_"
    method.__doc__ = f"In-place version of :func:`{fn.__name__}`."
    return method


INPLACE = (
    "add sub mul div floor_divide remainder fmod pow neg abs sign exp exp2 expm1 log log2 atan2 "
    "arctan2 hypot xlogy copysign lerp addcmul addcdiv deg2rad rad2deg sinc heaviside log10 "
    "log1p sqrt rsqrt square reciprocal sin cos tan asin acos atan sinh cosh tanh asinh acosh "
    "atanh sigmoid logit erf erfc erfinv floor ceil round trunc frac clamp clip clamp_min "
    "clamp_max nan_to_num eq ne lt le gt ge logical_and logical_or logical_xor logical_not "
    "bitwise_and bitwise_or bitwise_xor bitwise_not arcsin arccos arctan arcsinh arccosh "
    "arctanh fix negative absolute divide multiply subtract true_divide greater greater_equal "
    "less less_equal not_equal bitwise_left_shift bitwise_right_shift addmm addmv addbmm "
    "baddbmm addr digamma lgamma i0 igamma igammac gcd lcm ldexp nextafter sgn renorm mvlgamma "
    "relu scatter scatter_add scatter_reduce index_add index_copy index_fill masked_fill "
    "masked_scatter put tril triu cumsum cumprod index_reduce"
).split()


def _fill_(self: Tensor, value) -> Tensor:
    """Fill with ``value`` (a number or a 0-dim tensor)."""
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(
                f"fill_ only supports 0-dimension value tensor but got tensor with "
                f"{value._data.ndim} dimensions."
            )
        return indexing._assign(self, value.to(self.dtype).expand(self.shape), overwrite=True)
    full = creation.full_like(self, value)
    return indexing._assign(self, full)


def _zero_(self: Tensor) -> Tensor:
    return _fill_(self, 0)


# ---- in-place sampling: draws from the default generator (or ``generator``) -----------------


def _float_like(self: Tensor):
    return self.dtype if self.is_floating_point() else None


def _uniform_(self: Tensor, a: float = 0.0, b: float = 1.0, *, generator=None) -> Tensor:
    """Fill with samples uniform on [a, b)."""
    u = random.rand(self.shape, dtype=_float_like(self), generator=generator)
    return indexing._assign(self, u * (b - a) + a)


def _normal_(self: Tensor, mean: float = 0.0, std: float = 1.0, *, generator=None) -> Tensor:
    """Fill with normal samples of the given mean and standard deviation."""
    z = random.randn(self.shape, dtype=_float_like(self), generator=generator)
    return indexing._assign(self, z * std + mean)


def _log_normal_(self: Tensor, mean: float = 1.0, std: float = 2.0, *, generator=None):
    return indexing._assign(self, (_normal_(self.detach().clone(), mean, std) * 1).exp())


def _bernoulli_(self: Tensor, p=0.5, *, generator=None) -> Tensor:
    """Fill with 1 with probability ``p`` (a number or a tensor broadcast to self), else 0."""
    if isinstance(p, Tensor):
        draws = random.bernoulli(p.detach().expand(self.shape), generator=generator)
    else:
        draws = random.bernoulli(self.detach(), float(p), generator=generator)
    return indexing._assign(self, draws.to(self.dtype))


def _random_(self: Tensor, from_=0, to=None, *, generator=None, **kwargs) -> Tensor:
    """Fill with integers uniform on [from, to); ``random_(to)`` and ``random_()`` as torch."""
    from_ = kwargs.pop("from", from_)
    if to is None:
        if from_ != 0:
            from_, to = 0, from_
        elif self.is_floating_point():
            to = 2 ** (np.finfo(self._data.dtype).nmant + 1) + 1
        elif self.dtype is _dtype.bool_:
            to = 2
        else:
            to = int(np.iinfo(self._data.dtype).max) + 1
    draws = random.randint(from_, to, tuple(self.shape), generator=generator)
    return indexing._assign(self, draws.to(self.dtype))


def _exponential_(self: Tensor, lambd: float = 1.0, *, generator=None) -> Tensor:
    """Fill with exponential samples of rate ``lambd``."""
    u = random.rand(self.shape, dtype=_float_like(self), generator=generator)
    return indexing._assign(self, -(1 - u).log() / lambd)


def _cauchy_(self: Tensor, median: float = 0.0, sigma: float = 1.0, *, generator=None):
    u = random.rand(self.shape, dtype=_float_like(self), generator=generator)
    return indexing._assign(self, ((u - 0.5) * np.pi).tan() * sigma + median)


def _geometric_(self: Tensor, p: float, *, generator=None) -> Tensor:
    u = random.rand(self.shape, dtype=_float_like(self) or _dtype.float64, generator=generator)
    return indexing._assign(self, ((1 - u).log() / np.log1p(-p)).ceil().to(self.dtype))


def _restriding(fn):
    def method(self, *args):
        return _inplace_mod.restride(self, fn, *args)

    method.__name__ = fn.__name__ + "_"
    method.__doc__ = f"In-place version of :func:`{fn.__name__}` (sizes and strides only)."
    return method


RESTRIDE = {
    name + "_": _restriding(getattr(shape, name))
    for name in ("t", "transpose", "swapaxes", "swapdims", "squeeze", "unsqueeze", "as_strided")
}


def _resize_(self: Tensor, *sizes, memory_format=None) -> Tensor:
    """Give ``self`` the given sizes; elements beyond the old ones are uninitialized (zeros)."""
    shape_ = shape._shape_arg(sizes)
    n = int(np.prod(shape_, dtype=np.int64))
    flat = self._data.reshape(-1)
    if n <= flat.size:
        data = flat[:n].reshape(shape_) if self._data.flags.c_contiguous else flat[:n].copy()
    else:
        data = np.zeros(n, self._data.dtype)
        data[: flat.size] = flat
    if state.enabled and self._requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    self._data = data.reshape(shape_)
    _inplace_mod.bump(self)
    return self


def _resize_as_(self: Tensor, other: Tensor, memory_format=None) -> Tensor:
    return _resize_(self, other.shape)


def _fill_diagonal_(self: Tensor, fill_value, wrap: bool = False) -> Tensor:
    """Fill the main diagonal (all dims equal, or a matrix; ``wrap`` continues it below a tall
    matrix's square part every ``cols + 1`` rows, as NumPy does)."""
    shape_ = self._data.shape
    if len(shape_) < 2:
        raise RuntimeError("dimensions must larger than 1")
    if len(shape_) > 2 and len(set(shape_)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    mask = np.zeros(shape_, dtype=bool)
    np.fill_diagonal(mask, True, wrap=wrap)
    return _inplace_mod.inplace(self, masking.masked_fill, Tensor._make(mask), fill_value)


def _float_power_(self: Tensor, exponent) -> Tensor:
    """In-place ``float_power``: only a double (or complex double) tensor can hold its result."""
    if self._data.dtype not in (np.float64, np.complex128):
        raise RuntimeError(
            f"the base given to float_power_ has dtype {type_name(self.dtype)} but the "
            "operation's result requires dtype Double"
        )
    return _inplace_mod.inplace(self, arithmetic.float_power, exponent)


def _is_same_size(self: Tensor, other: Tensor) -> bool:
    return self._data.shape == other._data.shape


def _is_nonzero(self: Tensor) -> bool:
    if self._data.size == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if self._data.size > 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(self._data.reshape(()))


def _is_signed(self: Tensor) -> bool:
    return np_kind(self._data.dtype) in "ifc"


def _sum_to_size(self: Tensor, *size) -> Tensor:
    """Sum over broadcast dims down to ``size`` (which must expand to this tensor's shape)."""
    target = shape._shape_arg(size)
    try:
        ok = np.broadcast_shapes(target, self._data.shape) == self._data.shape
    except ValueError:
        ok = False
    if not ok:
        raise RuntimeError(
            f"size {{{list(target)}}} is not expandable to size {{{list(self._data.shape)}}}."
        )
    from ._util import sum_to_shape

    return sum_to_shape(self, target)


def _apply_(self: Tensor, callable) -> Tensor:
    """Replace each element by ``callable(element)`` (CPU only, no autograd, as torch)."""
    if self._requires_grad:
        raise RuntimeError(
            "Can't call apply_() on Variable that requires grad. Use var.detach().apply_() instead."
        )
    values = [callable(v) for v in self._data.reshape(-1).tolist()]
    _inplace_mod.write(self, np.asarray(values, dtype=self._data.dtype).reshape(self._data.shape))
    return self


def _map_(self: Tensor, other: Tensor, callable) -> Tensor:
    """Replace each element by ``callable(element, other's element)`` (other broadcast)."""
    if self._requires_grad:
        raise RuntimeError(
            "Can't call map_() on Variable that requires grad. Use var.detach().map_() instead."
        )
    pairs = zip(self._data.reshape(-1).tolist(),
                np.broadcast_to(other._data, self._data.shape).reshape(-1).tolist())  # fmt: skip
    values = [callable(a, b) for a, b in pairs]
    _inplace_mod.write(self, np.asarray(values, dtype=self._data.dtype).reshape(self._data.shape))
    return self


OTHER_METHODS = {
    "fill_diagonal_": _fill_diagonal_, "float_power_": _float_power_,
    "is_same_size": _is_same_size, "is_nonzero": _is_nonzero, "is_signed": _is_signed,
    "sum_to_size": _sum_to_size, "apply_": _apply_, "map_": _map_,
}  # fmt: skip


SAMPLING = {
    "uniform_": _uniform_, "normal_": _normal_, "log_normal_": _log_normal_,
    "bernoulli_": _bernoulli_, "random_": _random_, "exponential_": _exponential_,
    "cauchy_": _cauchy_, "geometric_": _geometric_,
}  # fmt: skip


def _copy_(self: Tensor, src, non_blocking: bool = False) -> Tensor:
    """Copy ``src`` into self (broadcast, cast to self's dtype, moved to self's device)."""
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'src' must be Tensor, not {type(src).__name__}")
    return indexing._assign(self, src.to(device=self.device, dtype=self.dtype), overwrite=True)


# the in-place methods torch also offers as functions (``torch.abs_(x)``); relu_ is the
# activation family's
TORCH_INPLACE_FUNCTIONS = (
    "abs_ acos_ acosh_ arccos_ arccosh_ arcsin_ arcsinh_ arctan_ arctanh_ as_strided_ asin_ "
    "asinh_ atan_ atanh_ ceil_ clamp_ clamp_max_ clamp_min_ clip_ cos_ cosh_ detach_ erf_ erfc_ "
    "exp2_ exp_ expm1_ fill_ fix_ floor_ frac_ index_put_ log10_ log1p_ log2_ log_ logit_ "
    "nan_to_num_ neg_ negative_ reciprocal_ resize_as_ round_ rsqrt_ sigmoid_ sin_ sinh_ sqrt_ "
    "square_ tan_ tanh_ trunc_ zero_ gcd_ lcm_ ldexp_ i0_ xlogy_ sinc_ deg2rad_ rad2deg_ addmv_"
).split()


def inplace_functions() -> dict:
    """``{name: Tensor.name}`` for TORCH_INPLACE_FUNCTIONS (a method takes the tensor first)."""
    return {
        name: getattr(Tensor, name) for name in TORCH_INPLACE_FUNCTIONS if hasattr(Tensor, name)
    }


def _binary(fn, reflected: bool = False):
    """An operator method; a non-tensor, non-number operand gives NotImplemented."""

    def op(self, other):
        if not isinstance(other, (Tensor, numbers.Number, np.bool_)):
            return NotImplemented
        return fn(other, self) if reflected else fn(self, other)

    op.__name__ = fn.__name__
    return op


def _invert(self: Tensor) -> Tensor:
    if np_kind(self._data.dtype) == "b":
        return comparison.logical_not(self)
    return comparison.bitwise_not(self)


OPERATORS = {
    "__add__": _binary(arithmetic.add),
    "__radd__": _binary(arithmetic.add, reflected=True),
    "__sub__": _binary(arithmetic.sub),
    "__rsub__": _binary(arithmetic.sub, reflected=True),
    "__mul__": _binary(arithmetic.mul),
    "__rmul__": _binary(arithmetic.mul, reflected=True),
    "__truediv__": _binary(arithmetic.div),
    "__rtruediv__": _binary(arithmetic.div, reflected=True),
    "__floordiv__": _binary(arithmetic.floor_divide),
    "__rfloordiv__": _binary(arithmetic.floor_divide, reflected=True),
    "__mod__": _binary(arithmetic.remainder),
    "__rmod__": _binary(arithmetic.remainder, reflected=True),
    "__pow__": _binary(arithmetic.pow),
    "__rpow__": _binary(arithmetic.pow, reflected=True),
    "__matmul__": blas.matmul,
    "__rmatmul__": lambda self, other: blas.matmul(other, self),
    "__and__": _binary(comparison.bitwise_and),
    "__rand__": _binary(comparison.bitwise_and, reflected=True),
    "__or__": _binary(comparison.bitwise_or),
    "__ror__": _binary(comparison.bitwise_or, reflected=True),
    "__xor__": _binary(comparison.bitwise_xor),
    "__rxor__": _binary(comparison.bitwise_xor, reflected=True),
    "__lshift__": _binary(comparison.bitwise_left_shift),
    "__rshift__": _binary(comparison.bitwise_right_shift),
    "__eq__": _binary(comparison.eq),
    "__ne__": _binary(comparison.ne),
    "__lt__": _binary(comparison.lt),
    "__le__": _binary(comparison.le),
    "__gt__": _binary(comparison.gt),
    "__ge__": _binary(comparison.ge),
    "__neg__": unary.neg,
    "__abs__": unary.abs,
    "__pos__": lambda self: self,
    "__invert__": _invert,
}

IN_PLACE_OPERATORS = {
    "__iadd__": "add_", "__isub__": "sub_", "__imul__": "mul_", "__itruediv__": "div_",
    "__ifloordiv__": "floor_divide_", "__imod__": "remainder_", "__ipow__": "pow_",
    "__iand__": "bitwise_and_", "__ior__": "bitwise_or_", "__ixor__": "bitwise_xor_",
}  # fmt: skip


def _bind():
    from .. import ops

    for name in FUNCTION_METHODS:
        setattr(Tensor, name, getattr(ops, name))
    for name, fn in METHOD_ONLY.items():
        setattr(Tensor, name, fn)
    for name, fn in PROPERTIES.items():
        setattr(Tensor, name, property(fn))
    for name in INPLACE:
        if hasattr(ops, name):  # an op another family adds later (relu) binds once it exists
            setattr(Tensor, name + "_", _inplace(getattr(ops, name)))
    for name, fn in {**SAMPLING, **RESTRIDE, **OTHER_METHODS}.items():
        setattr(Tensor, name, fn)
    Tensor.resize_ = _resize_
    Tensor.resize_as_ = _resize_as_
    Tensor.fill_ = _fill_
    Tensor.zero_ = _zero_
    Tensor.copy_ = _copy_
    for name, fn in OPERATORS.items():
        setattr(Tensor, name, fn)
    for name, method in IN_PLACE_OPERATORS.items():
        setattr(Tensor, name, getattr(Tensor, method))
    Tensor.__hash__ = _tensor.Tensor.__hash__


_bind()
