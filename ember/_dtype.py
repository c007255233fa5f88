"""dtype objects, PyTorch's type promotion, and the mapping to and from NumPy dtypes."""

from __future__ import annotations

import sys

import numpy as np


class dtype:
    """A tensor element type, named and behaving as PyTorch's (``ember.float32``...)."""

    __slots__ = ("name", "np", "is_floating_point", "is_complex", "is_signed", "itemsize", "_kind")

    def __init__(self, name: str, np_dtype, kind: str):
        self.name = name
        self.np = np.dtype(np_dtype) if np_dtype is not None else None
        self._kind = kind  # one of "b", "i", "f", "c": the promotion category
        self.is_floating_point = kind == "f"
        self.is_complex = kind == "c"
        self.is_signed = name not in ("bool", "uint8", "uint16", "uint32", "uint64")
        self.itemsize = self.np.itemsize if self.np is not None else 2

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __reduce__(self):
        return (_dtype_by_name, (self.name,))

    def to_real(self) -> dtype:
        """The real dtype of a complex dtype (itself otherwise)."""
        return {"complex64": float32, "complex128": float64}.get(self.name, self)

    def to_complex(self) -> dtype:
        """The complex dtype with this dtype's precision."""
        return {"float64": complex128, "float16": complex64}.get(self.name, complex64)


bool_ = dtype("bool", np.bool_, "b")
uint8 = dtype("uint8", np.uint8, "i")
int8 = dtype("int8", np.int8, "i")
int16 = dtype("int16", np.int16, "i")
int32 = dtype("int32", np.int32, "i")
int64 = dtype("int64", np.int64, "i")
uint16 = dtype("uint16", np.uint16, "i")
uint32 = dtype("uint32", np.uint32, "i")
uint64 = dtype("uint64", np.uint64, "i")
float16 = dtype("float16", np.float16, "f")
float32 = dtype("float32", np.float32, "f")
float64 = dtype("float64", np.float64, "f")
complex64 = dtype("complex64", np.complex64, "c")
complex128 = dtype("complex128", np.complex128, "c")


class _BFloat16(dtype):
    """bfloat16, whose NumPy dtype comes from the optional ml_dtypes package: imported the
    first time it is needed (4 ms of ``import ember`` otherwise); None without ml_dtypes."""

    __slots__ = ()

    def __init__(self):
        self.name = "bfloat16"
        self._kind = "f"
        self.is_floating_point, self.is_complex, self.is_signed = True, False, True
        self.itemsize = 2

    @property
    def np(self):
        if "np" not in _bfloat16_np:
            try:
                import ml_dtypes
            except ImportError:
                _bfloat16_np["np"] = None
            else:
                _bfloat16_np["np"] = np.dtype(ml_dtypes.bfloat16)
                _by_np[_bfloat16_np["np"]] = self
        return _bfloat16_np["np"]


_bfloat16_np: dict = {}
bfloat16 = _BFloat16()

# torch's aliases `float`, `int` and `bool` are bound in ember/__init__.py, not here, so that
# this module can still use the builtins of those names.
half = float16
double = float64
short = int16
long = int64
cfloat = complex64
cdouble = complex128

all_dtypes = (
    bool_, uint8, int8, int16, int32, int64, uint16, uint32, uint64,
    float16, bfloat16, float32, float64, complex64, complex128,
)  # fmt: skip

_by_np = {d.np: d for d in all_dtypes if d is not bfloat16}  # bfloat16's joins when resolved
_by_name = {d.name: d for d in all_dtypes}


def _dtype_by_name(name: str) -> dtype:
    return _by_name[name]


def from_numpy_dtype(np_dtype) -> dtype:
    """The ember dtype of a NumPy dtype; TypeError for the ones torch has no counterpart of."""
    try:
        return _by_np[np_dtype]
    except KeyError:
        pass
    if "ml_dtypes" in sys.modules:  # a bfloat16 array exists only then: resolve, join the table
        bfloat16.np  # noqa: B018
    try:
        return _by_np[np.dtype(np_dtype)]
    except (KeyError, TypeError):
        raise TypeError(
            f"can't convert np.ndarray of type {np.dtype(np_dtype)}. The only supported types "
            "are: float64, float32, float16, complex64, complex128, int64, int32, int16, "
            "int8, uint64, uint32, uint16, uint8, and bool."
        ) from None


def to_numpy_dtype(d: dtype):
    """The NumPy dtype of an ember dtype (bfloat16 needs ml_dtypes)."""
    if d.np is None:
        raise ImportError("bfloat16 needs the ml_dtypes package: pip install 'ember[bf16]'")
    return d.np


# ---------------------------------------------------------------------------------------------
# Promotion. PyTorch promotes along bool < integers < floating < complex; within a category the
# lattice below decides (uint8 with int8 gives int16, float16 with bfloat16 gives float32).

_ORDER = (bool_, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64,
          complex64, complex128)  # fmt: skip


def _build_promotion_table():
    table = {}
    for a in _ORDER:
        for b in _ORDER:
            table[a, b] = _promote_pair(a, b)
    for u in (uint16, uint32, uint64):
        for other in _ORDER + (uint16, uint32, uint64):
            table[u, other] = table[other, u] = _promote_unsigned(u, other)
    return table


def _promote_pair(a: dtype, b: dtype) -> dtype:
    if a is b:
        return a
    if a is bool_:
        return b
    if b is bool_:
        return a
    if a.is_complex or b.is_complex:
        wide = any(d in (float64, complex128) for d in (a, b))
        return complex128 if wide else complex64
    if a.is_floating_point and b.is_floating_point:
        if {a, b} == {float16, bfloat16}:
            return float32
        return a if a.itemsize > b.itemsize else b
    if a.is_floating_point:
        return a
    if b.is_floating_point:
        return b
    # two integer types
    if a is uint8 or b is uint8:
        other = b if a is uint8 else a
        return int16 if other is int8 else other
    return a if a.itemsize > b.itemsize else b


def _promote_unsigned(u: dtype, other: dtype) -> dtype:
    # torch promotes the wide unsigned types only with themselves and with floating types
    if other is u:
        return u
    if other.is_floating_point:
        return other
    return None


_PROMOTE = _build_promotion_table()


def promote_types(a: dtype, b: dtype) -> dtype:
    """The smallest dtype both ``a`` and ``b`` can be cast to, as ``torch.promote_types``."""
    out = _PROMOTE.get((a, b))
    if out is None:
        raise RuntimeError(
            f"Promotion for uint16, uint32, uint64 types is not supported, attempted "
            f"to promote {scalar_type_name(a)} and {scalar_type_name(b)}"
        )
    return out


_SCALAR_TYPE_NAMES = {
    "bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short", "int32": "Int",
    "int64": "Long", "uint16": "UInt16", "uint32": "UInt32", "uint64": "UInt64",
    "float16": "Half", "bfloat16": "BFloat16", "float32": "Float", "float64": "Double",
    "complex64": "ComplexFloat", "complex128": "ComplexDouble",
}  # fmt: skip


def scalar_type_name(d: dtype) -> str:
    """The name torch's messages use for a dtype (``Float``, ``Long``...)."""
    return _SCALAR_TYPE_NAMES[d.name]


_default_float = [float32]


def get_default_dtype() -> dtype:
    """The floating dtype that creation and promotion default to (float32)."""
    return _default_float[0]


def set_default_dtype(d: dtype) -> None:
    """Make ``d`` (a floating dtype) the default for creation and promotion."""
    if d not in (float16, bfloat16, float32, float64):
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _default_float[0] = d


def default_complex_dtype() -> dtype:
    """The complex dtype that goes with the default float dtype."""
    return complex128 if _default_float[0] is float64 else complex64


def _category_rank(d: dtype | None) -> int:
    if d is None:
        return -1
    return "bifc".index(d._kind)


def _combine(higher: dtype | None, lower: dtype | None) -> dtype | None:
    """Merge two priority classes: ``higher`` wins unless ``lower`` is in a higher category."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    if _category_rank(lower) > _category_rank(higher):
        if lower.is_complex and higher.is_floating_point:
            return higher.to_complex()
        return promote_types(higher, lower) if higher is bool_ or lower.is_floating_point else lower
    return higher


def scalar_dtype(value) -> dtype:
    """The dtype a Python number takes when it stands alone (``torch.tensor(3.0)``)."""
    if isinstance(value, (bool, np.bool_)):
        return bool_
    if isinstance(value, (int, np.integer)):
        return int64
    if isinstance(value, complex):
        return default_complex_dtype()
    return _default_float[0]


def result_type_of(tensor_dtypes_dim, tensor_dtypes_zero, scalars) -> dtype:
    """PyTorch's promotion over three priority classes: tensors with dimensions, 0-dim tensors,
    and Python scalars (which only decide the category)."""
    dim = None
    for d in tensor_dtypes_dim:
        dim = d if dim is None else promote_types(dim, d)
    zero = None
    for d in tensor_dtypes_zero:
        zero = d if zero is None else promote_types(zero, d)
    wrapped = None
    for s in scalars:
        d = scalar_dtype(s)
        wrapped = d if wrapped is None else promote_types(wrapped, d)
    return _combine(dim, _combine(zero, wrapped))


def can_cast(from_: dtype, to: dtype) -> bool:
    """Whether ``from_`` may be cast to ``to`` under PyTorch's same-kind rule."""
    return _category_rank(from_) <= _category_rank(to)


class finfo:
    """Machine limits of a floating dtype, as ``torch.finfo``."""

    def __init__(self, type: dtype | None = None):
        type = type or get_default_dtype()
        if not (type.is_floating_point or type.is_complex):
            raise TypeError(
                f"torch.finfo() requires a floating point input type. Use "
                f"torch.iinfo to handle '{type}'"
            )
        real = type.to_real()
        if real is bfloat16:
            import ml_dtypes

            info = ml_dtypes.finfo(to_numpy_dtype(real))
        else:
            info = np.finfo(to_numpy_dtype(real))
        self.bits = int(info.bits)
        self.eps = float(info.eps)
        self.max = float(info.max)
        self.min = float(info.min)
        self.tiny = float(info.smallest_normal)
        self.smallest_normal = self.tiny
        self.resolution = 10.0 ** -int(info.precision)
        self.dtype = type.to_real().name

    def __repr__(self):
        return (
            f"finfo(resolution={self.resolution}, min={self.min:g}, max={self.max:g}, "
            f"eps={self.eps:g}, smallest_normal={self.tiny:g}, tiny={self.tiny:g}, "
            f"dtype={self.dtype})"
        )


class iinfo:
    """Machine limits of an integer dtype, as ``torch.iinfo``."""

    def __init__(self, type: dtype):
        if type.is_floating_point or type.is_complex:
            raise TypeError(
                f"torch.iinfo() requires an integer input type. Use torch.finfo to handle '{type}'"
            )
        if type is bool_:
            self.bits, self.min, self.max = 8, 0, 1
        else:
            info = np.iinfo(type.np)
            self.bits, self.min, self.max = info.bits, int(info.min), int(info.max)
        self.dtype = type.name

    def __repr__(self):
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"
