"""dtypes and type promotion, checked exhaustively against torch: promote_types, result_type over
every pair of dtypes and operand kinds, can_cast, finfo/iinfo, the default dtype, bfloat16."""

from __future__ import annotations

import itertools
import pickle

import numpy as np
import pytest
import torch

import ember

NAMES = [
    "bool", "uint8", "int8", "int16", "int32", "int64", "uint16", "uint32", "uint64",
    "float16", "bfloat16", "float32", "float64", "complex64", "complex128",
]  # fmt: skip
SCALARS = {"bool": True, "int": 3, "float": 2.5, "complex": 1 + 2j}


def _outcome(fn, *args):
    """The result of ``fn(*args)`` as a string, or the exception type's name."""
    try:
        return str(fn(*args))
    except Exception as e:  # noqa: BLE001 - the type is what we compare
        return type(e).__name__


def _same_outcome(e: str, t: str) -> bool:
    # torch has complex32 (float16 with complex); numpy has no such type, so ember gives
    # complex64 there (docs/differences.md)
    if t == "torch.complex32":
        return e == "torch.complex64"
    return e == t


def _operand(lib, kind: str, name: str):
    if kind == "scalar":
        return SCALARS[name]
    shape = (2,) if kind == "tensor" else ()
    return lib.ones(shape, dtype=getattr(lib, name))


def test_dtype_objects():
    for name in NAMES:
        t, e = getattr(torch, name), getattr(ember, name)
        assert repr(e) == repr(t) == f"torch.{name}"
        assert e.is_floating_point == t.is_floating_point, name
        assert e.is_complex == t.is_complex, name
        assert e.is_signed == t.is_signed, name
        assert e.itemsize == t.itemsize, name
        assert pickle.loads(pickle.dumps(e)) is e
    for alias in ("half", "float", "double", "short", "int", "long", "cfloat", "cdouble", "bool"):
        assert repr(getattr(ember, alias)) == repr(getattr(torch, alias)), alias
    assert ember.float32.to_complex() is ember.complex64
    assert ember.complex128.to_real() is ember.float64


@pytest.mark.parametrize("a", NAMES)
def test_promote_types_all_pairs(a):
    for b in NAMES:
        t = _outcome(torch.promote_types, getattr(torch, a), getattr(torch, b))
        e = _outcome(ember.promote_types, getattr(ember, a), getattr(ember, b))
        assert e == t, f"promote_types({a}, {b})"


@pytest.mark.parametrize("a", NAMES)
def test_can_cast_all_pairs(a):
    for b in NAMES:
        t = torch.can_cast(getattr(torch, a), getattr(torch, b))
        e = ember.can_cast(getattr(ember, a), getattr(ember, b))
        assert e == t, f"can_cast({a}, {b})"


# every (kind, dtype-or-scalar-type) operand: dimensioned tensors, 0-dim tensors, Python scalars
OPERANDS = (
    [("tensor", n) for n in NAMES]
    + [("zero-dim", n) for n in NAMES]
    + [("scalar", s) for s in SCALARS]
)


@pytest.mark.parametrize("first", OPERANDS, ids=lambda o: f"{o[0]}-{o[1]}")
def test_result_type_all_kinds(first):
    for second in OPERANDS:
        t = _outcome(torch.result_type, _operand(torch, *first), _operand(torch, *second))
        e = _outcome(ember.result_type, _operand(ember, *first), _operand(ember, *second))
        assert _same_outcome(e, t), f"result_type({first}, {second}): {e} vs {t}"


SMALL = ["bool", "uint8", "int8", "int32", "int64", "float16", "float32", "float64"]


@pytest.mark.parametrize(
    "first,second",
    list(itertools.product([("tensor", n) for n in SMALL], [("zero-dim", n) for n in SMALL]))
    + list(itertools.product([("tensor", n) for n in SMALL], [("scalar", s) for s in SCALARS])),
    ids=lambda o: f"{o[0]}-{o[1]}",
)
def test_arithmetic_follows_result_type(first, second):
    for op in ("add", "mul", "sub"):
        if op == "sub" and "bool" in (first[1], second[1]):
            continue  # subtracting bools is an error in both

        def run(lib, op=op):
            return getattr(lib, op)(_operand(lib, *first), _operand(lib, *second)).dtype

        assert _same_outcome(_outcome(lambda: run(ember)), _outcome(lambda: run(torch))), op


@pytest.mark.parametrize("name", ["bool", "uint8", "int8", "int16", "int32", "int64"])
def test_integer_true_division_gives_default_float(name):
    for lib in (torch, ember):
        x = lib.ones(2, dtype=getattr(lib, name))
        assert str((x / x).dtype) == "torch.float32"
        assert str((x / 2).dtype) == "torch.float32"
        assert str(lib.true_divide(x, x).dtype) == "torch.float32"


def test_float32_never_silently_becomes_float64():
    x = ember.ones(3)
    np_scalars = [np.float64(1.5), np.int64(2), np.float32(0.5)]
    results = [x + 1.5, 2.5 * x, x / 3, x**2.0, x - np.float64(0.25), x * ember.tensor(2.0,
               dtype=ember.float64), x + ember.tensor(1, dtype=ember.int64), x.sum(), x.mean(),
               x.exp(), x.sqrt(), ember.where(x > 0, x, 0.0), x.clamp(0.0, 1.0), x @ x,
               ember.maximum(x, ember.tensor(0.5, dtype=ember.float64))]  # fmt: skip
    results += [x * s for s in np_scalars]
    for r in results:
        assert r.dtype is ember.float32
        assert r.numpy().dtype == np.float32
    for s in np_scalars:
        assert str((torch.ones(3) * s).dtype) == "torch.float32"


# ---- finfo / iinfo -------------------------------------------------------------------------

FLOATS = ["float16", "bfloat16", "float32", "float64", "complex64", "complex128"]
INTS = ["uint8", "int8", "int16", "int32", "int64"]


@pytest.mark.parametrize("name", FLOATS)
def test_finfo_matches_torch(name):
    t, e = torch.finfo(getattr(torch, name)), ember.finfo(getattr(ember, name))
    for attr in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
        assert getattr(e, attr) == getattr(t, attr), attr


def test_finfo_default_and_errors():
    assert ember.finfo().eps == torch.finfo().eps
    for name in ("int32", "bool"):
        with pytest.raises(TypeError):
            torch.finfo(getattr(torch, name))
        with pytest.raises(TypeError):
            ember.finfo(getattr(ember, name))


@pytest.mark.parametrize("name", INTS)
def test_iinfo_matches_torch(name):
    t, e = torch.iinfo(getattr(torch, name)), ember.iinfo(getattr(ember, name))
    for attr in ("bits", "max", "min", "dtype"):
        assert getattr(e, attr) == getattr(t, attr), attr
    assert repr(e) == repr(t)


def test_iinfo_errors():
    for name in ("float32", "complex64"):
        with pytest.raises(TypeError):
            torch.iinfo(getattr(torch, name))
        with pytest.raises(TypeError):
            ember.iinfo(getattr(ember, name))


# ---- the default dtype ---------------------------------------------------------------------


@pytest.fixture
def float64_default():
    torch.set_default_dtype(torch.float64)
    ember.set_default_dtype(ember.float64)
    yield
    torch.set_default_dtype(torch.float32)
    ember.set_default_dtype(ember.float32)


def test_default_dtype_is_float32():
    assert ember.get_default_dtype() is ember.float32
    assert str(ember.tensor([1.5]).dtype) == "torch.float32"


def test_float64_default_changes_creation_and_promotion(float64_default):
    def probe(lib):
        x = lib.ones(2, dtype=lib.int64)
        return [
            str(d)
            for d in (
                lib.get_default_dtype(),
                lib.tensor([1.5]).dtype,
                lib.tensor(2.0).dtype,
                lib.tensor([1 + 1j]).dtype,
                lib.zeros(2).dtype,
                lib.ones(2).dtype,
                lib.empty(1).dtype,
                lib.full((2,), 1.5).dtype,
                lib.arange(3.0).dtype,
                lib.linspace(0, 1, 3).dtype,
                lib.eye(2).dtype,
                lib.rand(2).dtype,
                lib.randn(2).dtype,
                (x / x).dtype,
                (x * 1.5).dtype,
                lib.ones(2, dtype=lib.float32).add(1.5).dtype,
                lib.result_type(x, 2.5),
                lib.result_type(x, 1j),
                lib.tensor([1, 2]).dtype,
            )
        ]

    assert probe(ember) == probe(torch)


def test_set_default_dtype_rejects_integers():
    for lib in (torch, ember):
        with pytest.raises(TypeError):
            lib.set_default_dtype(lib.int64)
        assert lib.get_default_dtype() == lib.float32


# ---- bfloat16 ------------------------------------------------------------------------------


def test_bfloat16_roundtrip_and_arithmetic():
    pytest.importorskip("ml_dtypes")
    values = [1.0, 0.1, -3.3, 1000.7]

    def run(lib):
        x = lib.tensor(values, dtype=lib.bfloat16)
        y = x * 2 + 1
        return (
            str(x.dtype),
            x.float().tolist(),
            str(y.dtype),
            y.float().tolist(),
            str((x + lib.ones(4)).dtype),
            str((x + lib.ones(4, dtype=lib.float16)).dtype),
            x.is_floating_point(),
            x.element_size(),
            repr(x),
        )

    assert run(ember) == run(torch)
