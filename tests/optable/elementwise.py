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
    OpEntry(  # two Python numbers: typed as torch types them (int and float: default float)
        "where",
        args(arr(3, 4)),
        fn=lambda lib, c: (
            lib.where(c > 0, 1, 0.5), lib.where(c > 0, 2, -1), lib.where(c > 0, True, False)
        ),
        grad=False,
        variant="two scalars",
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

# ---- edge values: 0, -0, +-inf, NaN ----------------------------------------------------------

EDGE = [0.0, -0.0, float("inf"), float("-inf"), float("nan"), 1.0, -1.5, 0.25, 40.0, -40.0]


def edge(*shape):
    """Special values (signed zeros, infinities, NaN) mixed with ordinary ones, in a shape."""

    def make(rng, dtype):
        import numpy as np

        n = int(np.prod(shape)) if shape else 1
        values = np.array((EDGE * (n // len(EDGE) + 1))[:n])
        return rng.permutation(values).reshape(shape).astype(dtype)

    return make


for op in (
    "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "rsqrt", "reciprocal",
    "sin", "cos", "tan", "atan", "sinh", "cosh", "tanh", "asinh", "sigmoid", "erf", "erfc",
    "abs", "neg", "sign", "floor", "ceil", "trunc", "round", "square", "deg2rad", "rad2deg",
    "sinc", "nan_to_num", "isnan", "isinf", "isfinite", "signbit",
):  # fmt: skip
    add(OpEntry(op, args(edge(10)), grad=False, variant="edge"))
add(
    OpEntry("erfinv", args(edge(10)), fn=lambda lib, x: lib.erfinv(x.clamp(-1, 1)), grad=False,
            variant="edge"),
    OpEntry("erfinv", args(arr(5)), fn=lambda lib, x: lib.erfinv(lib.tanh(x * 4)), variant="tails"),
    OpEntry("erf", args(arr(3, 4, low=-6, high=6)), variant="wide"),
    OpEntry("erfc", args(arr(3, 4, low=-3, high=9)), variant="tail"),
)  # fmt: skip

# ---- two-input math: atan2, hypot, logaddexp(2), xlogy, copysign ------------------------------
for op in ("atan2", "arctan2", "hypot", "logaddexp", "logaddexp2", "xlogy", "copysign"):
    add(
        binary(op, arr(3, 4), away_from_zero(3, 4), errors=(args(arr(3, 4), arr(2, 4)),)),
        binary(op, arr(3, 1, 4), away_from_zero(5, 1), variant="broadcast"),
        binary(op, arr(), away_from_zero(3), variant="0-dim"),
        binary(op, noncontig(3, 4), noncontig(3, 4), variant="noncontig"),
        binary(op, arr(0, 3), arr(3), variant="empty"),
        binary(op, edge(10), edge(10), grad=False, variant="edge"),
        OpEntry(
            f"Tensor.{op}",
            args(arr(3, 4), away_from_zero(4)),
            fn=lambda lib, a, b, _op=op: getattr(a, _op)(b),
            variant="method",
        ),
    )
# These ops save their input for backward; differentiating through their in-place form needs
# the snapshot of the overwritten input (torch's original_self) that issue 3 adds.
for op in ("atan2", "arctan2", "hypot", "xlogy", "copysign"):
    add(
        OpEntry(
            f"Tensor.{op}_",
            args(arr(3, 4), away_from_zero(4)),
            fn=lambda lib, a, b, _op=op: getattr(a * 1, _op + "_")(b),
            grad=False,
        )
    )
add(
    OpEntry("atan2", args(ints(5), ints(5)), dtypes=("int64",), variant="int"),
    OpEntry("atan2", args(arr(3)), fn=lambda lib, a: lib.atan2(a, 2.0), dtypes=(),
            errors=(args(arr(3)),), variant="number"),
    OpEntry("atan2", args(arr(4)), fn=lambda lib, a: lib.atan2(a * 0, a * 0), variant="origin",
            gradgrad=False),  # at singular points torch's double backward is NaN, ember's 0
    OpEntry("hypot", args(ints(5), ints(5)), dtypes=(), errors=(args(ints(5), ints(5)),),
            variant="int"),
    OpEntry("hypot", args(arr(3), arr(3)), fn=lambda lib, a, b: lib.hypot(a, b.double()),
            variant="mixed"),
    OpEntry("logaddexp", args(ints(5), ints(5)), dtypes=(), errors=(args(ints(5), ints(5)),),
            variant="int"),
    OpEntry("logaddexp", args(arr(4, low=-300, high=300), arr(4, low=-300, high=300)),
            dtypes=("float64",), variant="large"),
    OpEntry("xlogy", args(positive(3, 4)), fn=lambda lib, y: lib.xlogy(2.0, y), variant="number-x"),
    OpEntry("xlogy", args(arr(3, 4)), fn=lambda lib, x: lib.xlogy(x, 3.0), variant="number-y"),
    OpEntry("xlogy", args(arr(4), positive(4)), fn=lambda lib, x, y: lib.xlogy(x * 0, y),
            variant="zero-x"),
    OpEntry("xlogy", args(ints(5, low=0, high=3), ints(5, low=1, high=4)), dtypes=("int64",),
            variant="int"),
    OpEntry("copysign", args(arr(3, 4)), fn=lambda lib, a: lib.copysign(a, -1.0),
            variant="number"),
    OpEntry("copysign", args(arr(4), arr(4)), fn=lambda lib, a, b: lib.copysign(a * 0, b),
            variant="zero", gradgrad=False),
    OpEntry("copysign", args(ints(5), ints(5)), dtypes=("int64",), variant="int"),
)  # fmt: skip

# ---- blends: lerp, addcmul, addcdiv ------------------------------------------------------------
add(
    OpEntry("lerp", args(arr(3, 4), arr(3, 4)), fn=lambda lib, a, b: lib.lerp(a, b, 0.3),
            errors=(args(arr(3), arr(2)),)),
    OpEntry("lerp", args(arr(3, 4), arr(3, 4)), fn=lambda lib, a, b: lib.lerp(a, b, 0.75),
            variant="high-weight"),
    OpEntry("lerp", args(arr(3, 4), arr(4), arr(3, 1, low=-1, high=2)), variant="tensor-weight"),
    OpEntry("lerp", args(arr(2, 3), arr(3)), fn=lambda lib, a, b: lib.lerp(a, b, a.new_tensor(1.0)),
            variant="weight-one"),
    OpEntry("lerp", args(noncontig(3, 4), noncontig(3, 4), arr()), variant="noncontig"),
    OpEntry("lerp", args(arr(3), arr(3)), fn=lambda lib, a, b: lib.lerp(a, b.double(), 0.5),
            dtypes=(), errors=(args(arr(3), arr(3)),), variant="dtype-mismatch"),
    OpEntry("lerp", args(ints(3), ints(3)), fn=lambda lib, a, b: lib.lerp(a, b, 0.5), dtypes=(),
            errors=(args(ints(3), ints(3)),), variant="int"),
    OpEntry("Tensor.lerp", args(arr(3), arr(3)), fn=lambda lib, a, b: a.lerp(b, 0.25)),
    OpEntry("Tensor.lerp_", args(arr(3), arr(3), arr(3)),
            fn=lambda lib, a, b, w: (a * 1).lerp_(b, w), grad=False),
    OpEntry("addcmul", args(arr(3, 4), arr(3, 4), arr(4)),
            errors=(args(arr(2), arr(3), arr(2)),)),
    OpEntry("addcmul", args(arr(3, 4), arr(3, 1), arr(4)),
            fn=lambda lib, a, b, c: lib.addcmul(a, b, c, value=-0.5), variant="value"),
    OpEntry("addcmul", args(ints(3, 4), ints(3, 4), ints(4)), dtypes=("int64",), variant="int"),
    OpEntry("Tensor.addcmul", args(arr(3), arr(3), arr(3)),
            fn=lambda lib, a, b, c: a.addcmul(b, c, value=2)),
    OpEntry("Tensor.addcmul_", args(arr(3), arr(3), arr(3)),
            fn=lambda lib, a, b, c: (a * 1).addcmul_(b, c, value=2)),
    OpEntry("addcdiv", args(arr(3, 4), arr(3, 4), away_from_zero(4)),
            errors=(args(arr(3), ints(3), ints(3, low=1, high=3)),)),
    OpEntry("addcdiv", args(arr(3, 4), arr(3, 1), away_from_zero(4)),
            fn=lambda lib, a, b, c: lib.addcdiv(a, b, c, value=3), variant="value"),
    OpEntry("Tensor.addcdiv", args(arr(3), arr(3), away_from_zero(3)),
            fn=lambda lib, a, b, c: a.addcdiv(b, c, value=0.5)),
    OpEntry("Tensor.addcdiv_", args(arr(3), arr(3), away_from_zero(3)),
            fn=lambda lib, a, b, c: (a * 1).addcdiv_(b, c)),
)  # fmt: skip

# ---- angle conversions, sinc, positive, heaviside ----------------------------------------------
for op in ("deg2rad", "rad2deg", "sinc"):
    add(
        OpEntry(op, args(arr(3, 4, low=-3, high=3))),
        OpEntry(op, args(noncontig(2, 3)), variant="noncontig"),
        OpEntry(op, args(arr()), variant="0-dim"),
        OpEntry(op, args(arr(0, 2)), variant="empty"),
        OpEntry(op, args(ints(5)), dtypes=("int64",), variant="int"),
        OpEntry(f"Tensor.{op}", args(arr(4)), fn=lambda lib, x, _op=op: getattr(x, _op)()),
        OpEntry(
            f"Tensor.{op}_",
            args(arr(4)),
            fn=lambda lib, x, _op=op: getattr(x * 1, _op + "_")(),
            grad=op != "sinc",  # sinc saves its input: see the note on atan2_ above
        ),
    )
add(
    OpEntry("sinc", args(arr(4)), fn=lambda lib, x: lib.sinc(x * 0), variant="zero",
            gradgrad=False),
    OpEntry("sinc", args(ints(5)), fn=lambda lib, x: lib.sinc(x), dtypes=("int64",),
            variant="int-zeros"),
    OpEntry("positive", args(arr(3, 4)), errors=(lambda rng, d: [rng.integers(0, 2, 3) > 0],)),
    OpEntry("positive", args(ints(4)), dtypes=("int64",), variant="int"),
    OpEntry("Tensor.positive", args(arr(3)), fn=lambda lib, x: x.positive()),
    OpEntry("heaviside", args(arr(3, 4), arr(4)),
            fn=lambda lib, x, v: lib.heaviside(x * (x > 0), v), grad=False,
            errors=(args(arr(3), ints(3)),)),
    OpEntry("heaviside", args(ints(3, 4), ints(4)), dtypes=("int64",), variant="int"),
    OpEntry("heaviside", args(edge(10), arr(1)), grad=False, variant="edge"),
    OpEntry("heaviside", args(arr(3)), fn=lambda lib, x: lib.heaviside(x, 0.5), dtypes=(),
            errors=(args(arr(3)),), variant="number"),
    OpEntry("Tensor.heaviside", args(arr(3), arr(3)), fn=lambda lib, x, v: x.heaviside(v),
            grad=False),
    OpEntry("Tensor.heaviside_", args(arr(3), arr(3)),
            fn=lambda lib, x, v: x.detach().clone().heaviside_(v.detach()), grad=False),
)  # fmt: skip


# ---- dtype coverage: integer inputs, and torch's refusals of bool ------------------------------
def int_like(*shape, low=-5, high=6):
    """Integers in the entry's own dtype (int64, int32, int16, uint8...)."""

    def make(rng, dtype):
        lo = 0 if dtype == "uint8" else low
        return rng.integers(lo, high, shape).astype(dtype)

    return make


def bool_array(*shape):
    def make(rng, _dtype):
        return rng.integers(0, 2, shape).astype(bool)

    return make


INT_DTYPES = ("int64", "int32", "int16", "uint8")
for op in ("sin", "sqrt", "sigmoid", "erf", "log1p", "tanh", "exp2", "reciprocal", "sinc"):
    add(OpEntry(op, args(int_like(3, 4, low=0)), dtypes=INT_DTYPES, variant="int-dtypes"))
for op in ("abs", "neg", "sign", "floor", "ceil", "round", "trunc", "square", "clamp_min"):
    fn = (lambda lib, x: lib.clamp_min(x, 1)) if op == "clamp_min" else None
    add(OpEntry(op, args(int_like(3, 4)), fn=fn, dtypes=INT_DTYPES, variant="int-dtypes"))
for op, kinds in (("abs", "b"), ("floor", "b"), ("ceil", "b"), ("round", "b"), ("trunc", "b"),
                  ("frac", "bi")):  # fmt: skip
    makers = (args(bool_array(4)),) + ((args(ints(4)),) if "i" in kinds else ())
    add(OpEntry(op, args(arr(4)), dtypes=(), errors=makers, variant="no-kernel"))
for op in ("floor_divide", "remainder", "fmod", "pow"):
    add(
        OpEntry(op, args(arr(4), arr(4)), dtypes=(), variant="bool",
                errors=(args(bool_array(4), bool_array(4)),)),
    )  # fmt: skip
add(
    OpEntry("remainder", args(edge(10), edge(10)), grad=False, variant="edge"),
    OpEntry("remainder", args(arr(6)), fn=lambda lib, x: lib.remainder(x * 0, -2.0),
            variant="signed-zero"),
    OpEntry("fmod", args(edge(10), edge(10)), grad=False, variant="edge"),
    OpEntry("remainder", args(int_like(3, 4), int_like(4, low=1)), dtypes=INT_DTYPES,
            variant="int-dtypes"),
    OpEntry("floor_divide", args(int_like(3, 4), int_like(4, low=1)), dtypes=INT_DTYPES,
            variant="int-dtypes"),
    OpEntry("pow", args(int_like(3, 4, low=-2, high=3), ints(3, 4, low=-3, high=4)),
            dtypes=("int64", "int32"), variant="int-negative-tensor-exponent"),
    OpEntry("pow", args(ints(4, low=-3, high=4)), fn=lambda lib, e: lib.pow(2, e),
            dtypes=("int64",), variant="number-base"),
    OpEntry("bitwise_left_shift", args(int_like(3, 4, low=0, high=4), int_like(4, low=0, high=3)),
            dtypes=("int64", "int32", "uint8"), errors=(args(bool_array(3), bool_array(3)),)),
    OpEntry("bitwise_right_shift", args(int_like(3, 4, low=0, high=64), int_like(4, low=0, high=3)),
            dtypes=("int64", "int32", "uint8"), errors=(args(bool_array(3), bool_array(3)),)),
    OpEntry("Tensor.__lshift__", args(int_like(4, low=0, high=4)), fn=lambda lib, x: x << 2,
            dtypes=("int64",)),
    OpEntry("Tensor.__rshift__", args(int_like(4, low=0, high=64)), fn=lambda lib, x: x >> 1,
            dtypes=("int64",)),
)  # fmt: skip
for op in ("add", "sub", "mul", "div", "maximum", "minimum", "fmax", "fmin", "pow"):
    add(OpEntry(op, args(edge(10), edge(10)), grad=False, variant="edge"))
for op in ("sigmoid", "sinc", "erf", "tanh", "exp"):
    add(OpEntry(op, args(arr(3, 4)), dtypes=("float16",), grad=False, variant="half", rtol=1e-3,
                atol=1e-3))  # fmt: skip

# ---- the dtype rules of lerp and addcmul/addcdiv -------------------------------------------------
add(
    OpEntry("lerp", args(ints(3), ints(3)), fn=lambda lib, a, b: lib.lerp(a, b, lib.tensor(0.25)),
            dtypes=("int64",), variant="int-0-dim-weight"),
    OpEntry("lerp", args(arr(), arr(), arr()), fn=lambda lib, a, b, w: lib.lerp(a, b, w.double()),
            dtypes=("float32",), variant="0-dim-weight-promotes"),
    OpEntry("lerp", args(arr(3), arr(3), arr(3)),
            fn=lambda lib, a, b, w: lib.lerp(a, b, w.double()), dtypes=(),
            errors=(args(arr(3), arr(3), arr(3)),), variant="weight-dtype"),
    OpEntry("addcmul", args(ints(3, 4), ints(3, 4), ints(4)),
            fn=lambda lib, a, b, c: lib.addcmul(a, b, c, value=2.7), dtypes=("int64",),
            variant="int-value-truncates"),
    OpEntry("addcmul", args(ints(3), ints(3), arr(3)),
            fn=lambda lib, a, b, c: lib.addcmul(a, b, c, value=0.5), variant="mixed-dtypes"),
    OpEntry("addcmul", args(arr(3)), fn=lambda lib, x: lib.addcmul(x > 0, x > 0, x > 0),
            dtypes=(), errors=(args(arr(3)),), variant="bool"),
)  # fmt: skip

# ---- Python numbers: wrapped into small integer types, refused where torch wants tensors -------
for op, call in (
    ("maximum", lambda lib, x: lib.maximum(x, 1.0)),
    ("minimum", lambda lib, x: lib.minimum(2, x)),
    ("fmax", lambda lib, x: lib.fmax(x, 0)),
    ("fmin", lambda lib, x: lib.fmin(0.5, x)),
    ("hypot", lambda lib, x: lib.hypot(2.0, x)),
    ("logaddexp", lambda lib, x: lib.logaddexp(1.0, x)),
    ("copysign", lambda lib, x: lib.copysign(1.0, x)),
    ("fmod", lambda lib, x: lib.fmod(3.0, x)),
    ("eq", lambda lib, x: lib.eq(1.0, x)),
    ("logical_and", lambda lib, x: lib.logical_and(x, True)),
    ("sub", lambda lib, x: lib.sub(x, True)),
):
    add(OpEntry(op, args(arr(3)), fn=call, dtypes=(), errors=(args(arr(3)),), variant="number"))
add(
    OpEntry("add", args(int_like(6, low=0)), fn=lambda lib, x: lib.add(x, -3), dtypes=("uint8",),
            variant="wraps"),
    OpEntry("mul", args(int_like(6)), fn=lambda lib, x: x * 300, dtypes=("int8",),
            variant="wraps"),
    OpEntry("lt", args(int_like(6, low=0)), fn=lambda lib, x: x < -1, dtypes=("uint8",),
            variant="wraps"),
    OpEntry("pow", args(edge(10)), fn=lambda lib, x: lib.pow(x, 0.5), grad=False,
            variant="sqrt-edge"),
    OpEntry("pow", args(edge(10)), fn=lambda lib, x: x**-0.5, grad=False, variant="rsqrt-edge"),
    OpEntry("pow", args(positive(3, 4)), fn=lambda lib, x: x**-0.5, variant="rsqrt"),
    OpEntry("pow", args(int_like(4)), fn=lambda lib, x: lib.pow(x, -2), dtypes=(),
            errors=(args(ints(4, low=0, high=5, dtype="uint8")),), variant="uint8-negative"),
)  # fmt: skip

# relu keeps NaN (max(NaN, 0) is NaN in torch)
add(
    OpEntry(
        "relu",
        args(arr(4)),
        fn=lambda lib, x: lib.relu(x * float("nan")),
        grad=False,
        variant="nan",
    )
)
