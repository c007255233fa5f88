"""Table entries: elementwise arithmetic, math functions, comparisons and selection."""

from __future__ import annotations

from oracle import OpEntry

from .makers import args, arr, away_from_zero, ints, noncontig, positive

ENTRIES = []


def add(*entries):
    ENTRIES.extend(entries)


def binary(name, a=arr(3, 4), b=arr(3, 4), **kw):
    return OpEntry(name, args(a, b), **kw)


# ---- binary arithmetic, with broadcasting and scalars --------------------------------------
for op in ("add", "sub", "mul"):
    add(
        binary(op, errors=(args(arr(3, 4), arr(2, 4)),)),
        binary(op, arr(3, 1, 4), arr(5, 1), variant="broadcast"),
        binary(op, arr(), arr(3), variant="0-dim"),
        OpEntry(
            op,
            args(arr(2, 3)),
            fn=lambda lib, x, _op=op: getattr(lib, _op)(x, 2.5),
            variant="scalar",
        ),
        binary(op, noncontig(3, 4), noncontig(3, 4), variant="noncontig"),
        binary(op, arr(0, 3), arr(3), variant="empty"),
    )
add(
    OpEntry(
        "add", args(arr(3), arr(3)), fn=lambda lib, a, b: lib.add(a, b, alpha=2), variant="alpha"
    ),
    OpEntry("div", args(arr(3, 4), away_from_zero(3, 4)), errors=(args(arr(2), arr(3)),)),
    OpEntry("div", args(arr(2, 3)), fn=lambda lib, a: lib.div(a, 0.5), variant="scalar"),
    OpEntry("div", args(ints(3, 4), ints(3, 4, low=1, high=5)), dtypes=("int64",), variant="int"),
    OpEntry(
        "div",
        args(arr(3, 4), away_from_zero(3, 4)),
        fn=lambda lib, a, b: lib.div(a, b, rounding_mode="floor"),
        grad=False,
        variant="floor",
    ),
    OpEntry(
        "div",
        args(ints(3, 4), ints(3, 4, low=1, high=5)),
        fn=lambda lib, a, b: lib.div(-a, b, rounding_mode="trunc"),
        dtypes=("int64",),
        variant="trunc-int",
    ),
    OpEntry("pow", args(positive(3, 4), arr(3, 4))),
    OpEntry("pow", args(arr(3, 4)), fn=lambda lib, a: lib.pow(a, 3), variant="int-exponent"),
    OpEntry("pow", args(arr(3, 4)), fn=lambda lib, a: a**2.0, variant="operator"),
    OpEntry("pow", args(positive(4)), fn=lambda lib, a: 2.0**a, variant="rpow"),
    OpEntry(
        "pow",
        args(ints(3, low=1, high=4)),
        fn=lambda lib, a: lib.pow(a, 2),
        dtypes=("int64",),
        variant="int",
    ),
    OpEntry(
        "pow",
        args(ints(3, low=1, high=4)),
        fn=lambda lib, a: lib.pow(a, -1),
        dtypes=(),
        errors=(args(ints(3, low=1, high=4)),),
        variant="int-negative",
    ),
    OpEntry("remainder", args(arr(3, 4), away_from_zero(3, 4))),
    OpEntry("remainder", args(ints(5), ints(5, low=1, high=4)), dtypes=("int64",), variant="int"),
    OpEntry("fmod", args(arr(3, 4), away_from_zero(3, 4))),
    OpEntry("floor_divide", args(arr(3, 4), away_from_zero(3, 4)), grad=False),
    OpEntry("maximum", args(arr(3, 4), arr(4))),
    OpEntry("minimum", args(arr(3, 4), arr(4))),
    OpEntry(
        "maximum", args(arr(3), arr(3)), fn=lambda lib, a, b: lib.maximum(a, a * 1), variant="ties"
    ),
    OpEntry(
        "where", args(arr(3, 4), arr(3, 4), arr(4)), fn=lambda lib, c, a, b: lib.where(c > 0, a, b)
    ),
    OpEntry(
        "where",
        args(arr(3, 4), arr(3, 4)),
        fn=lambda lib, c, a: lib.where(c > 0, a, 0.0),
        variant="scalar",
    ),
)

# ---- unary math ----------------------------------------------------------------------------
for op in (
    "neg",
    "exp",
    "exp2",
    "expm1",
    "sin",
    "cos",
    "tanh",
    "sigmoid",
    "atan",
    "sinh",
    "cosh",
    "asinh",
    "erf",
    "erfc",
    "abs",
    "sign",
    "floor",
    "ceil",
    "trunc",
    "frac",
    "round",
    "square",
):
    add(
        OpEntry(op, args(away_from_zero(3, 4))),
        OpEntry(op, args(noncontig(2, 3)), variant="noncontig"),
        OpEntry(op, args(arr()), variant="0-dim"),
    )
for op in ("log", "log2", "log10", "sqrt", "rsqrt", "reciprocal"):
    add(OpEntry(op, args(positive(3, 4))))
add(
    OpEntry("log1p", args(arr(3, 4, low=-0.5, high=2))),
    OpEntry("tan", args(arr(3, 4, low=-1, high=1))),
    OpEntry("asin", args(arr(3, 4, low=-0.9, high=0.9))),
    OpEntry("acos", args(arr(3, 4, low=-0.9, high=0.9))),
    OpEntry("atanh", args(arr(3, 4, low=-0.9, high=0.9))),
    OpEntry("acosh", args(arr(3, 4, low=1.1, high=3))),
    OpEntry("erfinv", args(arr(3, 4, low=-0.9, high=0.9))),
    OpEntry("logit", args(arr(3, 4, low=0.05, high=0.95))),
    OpEntry("exp", args(ints(4)), dtypes=("int64",), variant="int"),
    OpEntry(
        "round",
        args(arr(3, 4, low=-20, high=20)),
        fn=lambda lib, x: lib.round(x, decimals=1),
        variant="decimals",
    ),
    OpEntry("clamp", args(arr(3, 4)), fn=lambda lib, x: lib.clamp(x, -0.5, 0.5)),
    OpEntry(
        "clamp",
        args(arr(3, 4)),
        fn=lambda lib, x: lib.clamp(x),
        grad=False,
        dtypes=(),
        errors=(args(arr(3)),),
        variant="no-bounds",
    ),
    OpEntry("clamp", args(arr(3, 4)), fn=lambda lib, x: lib.clamp(x, min=0.1), variant="min"),
    OpEntry(
        "clamp",
        args(arr(3, 4), arr(4), arr(4)),
        fn=lambda lib, x, lo, hi: lib.clamp(x, lo, lo + 1),
        variant="tensor-bounds",
    ),
    OpEntry(
        "clamp",
        args(ints(6)),
        fn=lambda lib, x: lib.clamp(x, -2, 3),
        dtypes=("int64",),
        variant="int",
    ),
    OpEntry(
        "nan_to_num",
        args(arr(4)),
        fn=lambda lib, x: lib.nan_to_num(
            x / lib.tensor([0.0, 1.0, 0.0, 1.0], dtype=x.dtype) * 0 + x
        ),
        grad=False,
    ),
    OpEntry("Tensor.__abs__", args(arr(3)), fn=lambda lib, x: abs(x)),
)

# ---- comparisons and logic -----------------------------------------------------------------
for op in ("eq", "ne", "lt", "le", "gt", "ge"):
    add(
        OpEntry(
            op,
            args(ints(3, 4, low=0, high=3), ints(4, low=0, high=3)),
            dtypes=("int64", "float32"),
            grad=False,
        ),
        OpEntry(
            op,
            args(arr(3)),
            fn=lambda lib, x, _op=op: getattr(lib, _op)(x, 0.5),
            grad=False,
            variant="scalar",
        ),
    )
for op in ("logical_and", "logical_or", "logical_xor"):
    add(
        OpEntry(
            op,
            args(ints(3, 4, low=0, high=2), ints(3, 4, low=0, high=2)),
            dtypes=("int64",),
            grad=False,
        )
    )
for op in ("bitwise_and", "bitwise_or", "bitwise_xor"):
    add(
        OpEntry(
            op,
            args(ints(3, 4, low=0, high=8), ints(3, 4, low=0, high=8)),
            dtypes=("int64",),
            grad=False,
            errors=(args(arr(3), arr(3)),),
        )
    )
add(
    OpEntry("logical_not", args(ints(5, low=0, high=2)), dtypes=("int64",), grad=False),
    OpEntry("bitwise_not", args(ints(5)), dtypes=("int64",), grad=False),
    OpEntry("isnan", args(arr(4)), fn=lambda lib, x: lib.isnan(x / (x * 0)), grad=False),
    OpEntry("isinf", args(arr(4)), fn=lambda lib, x: lib.isinf(x / (x * 0 + (x > 0))), grad=False),
    OpEntry("isfinite", args(arr(4)), fn=lambda lib, x: lib.isfinite(x / (x > 0)), grad=False),
    OpEntry("equal", args(arr(3)), fn=lambda lib, x: lib.equal(x, x.clone()), grad=False),
    OpEntry("allclose", args(arr(3)), fn=lambda lib, x: lib.allclose(x, x + 1e-9), grad=False),
    OpEntry("isclose", args(arr(3), arr(3)), grad=False),
)


def _bool_dtype_maker(rng, dtype):
    return [rng.integers(0, 2, (3, 4)).astype(bool)]


add(
    OpEntry(
        "Tensor.__invert__", _bool_dtype_maker, fn=lambda lib, x: ~x, dtypes=("bool",), grad=False
    )
)
