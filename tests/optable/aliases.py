"""Table entries: torch's alternative names (``absolute``, ``divide``, ``greater``...) and the
small elementwise ops that the core table leaves out (clamp_min/max, fmax/fmin, float_power,
shifts, isposinf...). Each alias runs the same inputs as its original."""

from __future__ import annotations

from oracle import OpEntry

from .makers import args, arr, away_from_zero, ints, positive

ENTRIES = []

_UNARY_ALIASES = {
    "absolute": arr(3, 4),
    "negative": arr(3, 4),
    "fix": arr(3, 4, low=-3, high=3),
    "arcsin": arr(3, 4, low=-0.9, high=0.9),
    "arccos": arr(3, 4, low=-0.9, high=0.9),
    "arctan": arr(3, 4),
    "arcsinh": arr(3, 4),
    "arccosh": positive(3, 4, low=1.1, high=3),
    "arctanh": arr(3, 4, low=-0.9, high=0.9),
}
for _name, _maker in _UNARY_ALIASES.items():
    ENTRIES.append(OpEntry(_name, args(_maker)))

for _name in ("multiply", "subtract"):
    ENTRIES.append(OpEntry(_name, args(arr(3, 4), arr(4)), errors=(args(arr(3), arr(2)),)))
for _name in ("divide", "true_divide"):
    ENTRIES.append(
        OpEntry(_name, args(arr(3, 4), away_from_zero(4)), errors=(args(arr(3), arr(2)),))
    )
ENTRIES += [
    OpEntry(
        "divide",
        args(arr(3, 4), away_from_zero(3, 4)),
        fn=lambda lib, a, b: lib.divide(a, b, rounding_mode="trunc"),
        grad=False,
        variant="trunc",
    ),
    OpEntry("true_divide", args(ints(3), ints(3, low=1, high=4)), dtypes=("int64",), variant="int"),
    OpEntry("rsub", args(arr(3, 4), arr(4))),
    OpEntry("rsub", args(arr(3)), fn=lambda lib, a: lib.rsub(a, 2.0, alpha=3), variant="scalar"),
]

for _name in ("greater", "greater_equal", "less", "less_equal", "not_equal"):
    ENTRIES.append(
        OpEntry(
            _name,
            args(ints(3, 4, low=-2, high=2), ints(4, low=-2, high=2)),
            dtypes=("int64",),
        )
    )
    ENTRIES.append(OpEntry(_name, args(arr(3, 4), arr(3, 4)), grad=False, variant="float"))

ENTRIES += [
    OpEntry("clip", args(arr(3, 4)), fn=lambda lib, x: lib.clip(x, -0.5, 0.7)),
    OpEntry("clamp_min", args(arr(3, 4)), fn=lambda lib, x: lib.clamp_min(x, -0.5)),
    OpEntry("clamp_max", args(arr(3, 4)), fn=lambda lib, x: lib.clamp_max(x, 0.5)),
    OpEntry(
        "clamp_min", args(arr(3, 4), arr(4)), fn=lambda lib, x, m: lib.clamp_min(x, m), variant="t"
    ),
    OpEntry("fmax", args(arr(3, 4), arr(4))),
    OpEntry("fmin", args(arr(3, 4), arr(4))),
    OpEntry(
        "fmax",
        args(arr(4)),
        fn=lambda lib, x: lib.fmax(x, lib.tensor([float("nan"), 1.0, float("nan"), -1.0])),
        grad=False,
        variant="nan",
    ),
    OpEntry("float_power", args(positive(3, 4), arr(3, 4))),
    OpEntry("float_power", args(arr(3)), fn=lambda lib, x: lib.float_power(x, 2), variant="int"),
    OpEntry(
        "bitwise_left_shift",
        args(ints(5, low=0, high=8), ints(5, low=0, high=4)),
        dtypes=("int64",),
    ),
    OpEntry(
        "bitwise_right_shift",
        args(ints(5, low=-64, high=64), ints(5, low=0, high=4)),
        dtypes=("int64",),
    ),
    OpEntry(
        "isposinf",
        args(arr(4)),
        fn=lambda lib, x: lib.isposinf(x / lib.tensor([0.0, 1.0, -0.0, 2.0], dtype=x.dtype)),
        grad=False,
    ),
    OpEntry(
        "isneginf",
        args(arr(4)),
        fn=lambda lib, x: lib.isneginf(x / lib.tensor([0.0, 1.0, -0.0, 2.0], dtype=x.dtype)),
        grad=False,
    ),
    OpEntry("isreal", args(arr(3, 4)), grad=False),
    OpEntry("signbit", args(arr(3, 4)), grad=False),
]
