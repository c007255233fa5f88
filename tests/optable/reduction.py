"""Table entries: reductions (sum, mean, prod, extrema, arg-extrema, var/std, norms, logsumexp,
all/any, count_nonzero, median, mode and the nan-ignoring forms).

Each reduction is checked over all dims, one dim (also negative), a tuple of dims, with
``keepdim``, on 0-dim, empty and non-contiguous input, with ties and special values, in integer
dtypes where torch accepts them, and for torch's exception on a bad ``dim``.
"""

from __future__ import annotations

import numpy as np
from oracle import OpEntry

from .makers import args, arr, ints, noncontig, positive

ENTRIES = []


def add(*entries):
    ENTRIES.extend(entries)


def ties(*shape, values=(-1.0, 0.5, 2.0)):
    """Values drawn from a small set, so that reductions meet ties."""

    def make(rng, dtype):
        return rng.choice(values, shape).astype(dtype)

    return make


def with_zeros(*shape):
    """Random values with about a third of them zero (prod's gradient must stay exact)."""

    def make(rng, dtype):
        x = rng.uniform(0.5, 1.5, shape) * rng.choice([-1.0, 0.0, 1.0], shape)
        return x.astype(dtype)

    return make


def with_nan(*shape):
    def make(rng, dtype):
        x = rng.uniform(-2, 2, shape)
        x[rng.uniform(size=shape) < 0.3] = np.nan
        return x.astype(dtype)

    return make


def with_inf(*shape):
    def make(rng, dtype):
        x = rng.uniform(-2, 2, shape)
        x.flat[0], x.flat[-1] = -np.inf, np.inf
        return x.astype(dtype)

    return make


def bools(*shape):
    def make(rng, _dtype):
        return rng.integers(0, 2, shape).astype(bool)

    return make


def call(name, *a, **kw):
    """``fn`` calling ``lib.<name>(x, *a, **kw)``."""
    return lambda lib, x: getattr(lib, name)(x, *a, **kw)


BAD_DIM = args(arr(2, 3))  # used with dim=3: IndexError in both libraries
INTS = ("int64", "int32")

# ---- sum, mean, prod, nansum, nanmean, logsumexp: the shared set of dims ----------------------
DIM_CASES = [
    ("all", (), {}),
    ("dim", (1,), {}),
    ("negative-dim", (-1,), {}),
    ("tuple-dims", ((0, 2),), {}),
    ("negative-tuple", ((-1, 0),), {}),
    ("keepdim", (1,), {"keepdim": True}),
    ("tuple-keepdim", ((0, 2),), {"keepdim": True}),
    ("empty-tuple", ((),), {}),
]
for op in ("sum", "mean", "prod", "nansum", "nanmean", "logsumexp", "amax", "amin"):
    for variant, a, kw in DIM_CASES:
        if op == "prod" and "tuple" in variant:
            continue  # torch.prod takes one dim
        if op == "logsumexp" and variant == "all":
            a = ((0, 1, 2),)
        if op == "logsumexp" and variant == "empty-tuple":
            # torch raises a RuntimeError there (a broadcast check that fails); with keepdim,
            # () is every dim, as for the others
            kw = {"keepdim": True}
        add(OpEntry(op, args(arr(2, 3, 4)), fn=call(op, *a, **kw), variant=variant))
    add(
        OpEntry(op, args(arr()), fn=call(op, *((0,) if op == "logsumexp" else ())),
                variant="0-dim"),
        OpEntry(op, args(arr()), fn=call(op, 0, keepdim=True), variant="0-dim-keepdim"),
        OpEntry(op, args(noncontig(3, 4)), fn=call(op, 0), variant="noncontig"),
        OpEntry(op, args(arr(2, 3)), fn=call(op, 2), dtypes=(), errors=(BAD_DIM,),
                variant="bad-dim"),
        OpEntry(f"Tensor.{op}", args(arr(3, 4)), fn=lambda lib, x, _op=op: getattr(x, _op)(1)),
    )  # fmt: skip
    if op not in ("amax", "amin"):
        add(OpEntry(op, args(arr(0, 3)), fn=call(op, 0), variant="empty"))
    add(OpEntry(op, args(arr(0, 3)), fn=call(op, 1), variant="empty-kept-dim"))
    if op not in ("prod", "logsumexp"):
        add(
            OpEntry(op, args(arr(2, 3)), fn=call(op, (0, 0)), dtypes=(), errors=(args(arr(2, 3)),),
                    variant="repeated-dim")
        )  # fmt: skip

add(
    # sum: integers and bools sum to int64; dtype= casts first
    OpEntry("sum", args(ints(3, 4)), fn=call("sum"), dtypes=INTS, variant="int"),
    OpEntry("sum", args(ints(3, 4)), fn=call("sum", 1), dtypes=INTS, variant="int-dim"),
    OpEntry("sum", args(bools(3, 4)), fn=call("sum", 0), dtypes=("bool",), variant="bool"),
    OpEntry("sum", args(arr(3, 4)), fn=lambda lib, x: lib.sum(x, 1, dtype=lib.float64),
            variant="dtype"),
    OpEntry("sum", args(ints(3, 4)), fn=lambda lib, x: lib.sum(x, dtype=lib.float32),
            dtypes=("int64",), variant="int-dtype"),
    OpEntry("sum", args(arr(2, 3)), fn=lambda lib, x: x.sum(dim=[0, 1]), variant="list-dims"),
    # mean: integer input needs dtype=
    OpEntry("mean", args(ints(3, 4)), fn=call("mean"), dtypes=(), errors=(args(ints(3, 4)),),
            variant="int"),
    OpEntry("mean", args(ints(3, 4)), fn=lambda lib, x: lib.mean(x, 0, dtype=lib.float64),
            dtypes=("int64",), variant="int-dtype"),
    OpEntry("mean", args(arr(3, 4)), fn=lambda lib, x: lib.mean(x, dtype=lib.float64),
            variant="dtype"),
    # prod: exact gradients with zeros, one zero and several zeros in a row
    OpEntry("prod", args(with_zeros(4, 5)), fn=call("prod"), variant="zeros"),
    OpEntry("prod", args(with_zeros(4, 5)), fn=call("prod", 1), variant="zeros-dim"),
    OpEntry("prod", args(arr(3, 4)), fn=lambda lib, x: lib.prod(x * (x > -1.5), 0),
            variant="one-zero"),
    OpEntry("prod", args(arr(4)), fn=lambda lib, x: lib.prod(x * lib.tensor([0.0, 1, 0, 1])),
            variant="two-zeros"),
    OpEntry("prod", args(arr(3, 1, 2)), fn=call("prod", 1), variant="size-1-dim"),
    OpEntry("prod", args(ints(3, 4, low=-3, high=4)), fn=call("prod", 1), dtypes=INTS,
            variant="int"),
    OpEntry("prod", args(arr(3, 4)), fn=lambda lib, x: lib.prod(x, 1, dtype=lib.float64),
            variant="dtype"),
    # logsumexp: stable for large values, -inf rows, +inf entries
    OpEntry("logsumexp", args(arr(3, 4, low=-1000, high=1000)), fn=call("logsumexp", 1),
            variant="large"),
    OpEntry("logsumexp", args(arr(3, 4)), fn=lambda lib, x: lib.logsumexp(x * 0 - float("inf"), 1),
            grad=False, variant="neg-inf-rows"),
    OpEntry("logsumexp", args(with_inf(3, 4)), fn=call("logsumexp", 1), grad=False,
            variant="inf"),
    OpEntry("logsumexp", args(ints(3, 4)), fn=call("logsumexp", 1), dtypes=("int64",),
            variant="int"),
    # nan-ignoring forms
    OpEntry("nansum", args(with_nan(3, 4)), fn=call("nansum", 1), variant="nan"),
    OpEntry("nansum", args(with_nan(3, 4)), fn=call("nansum"), variant="nan-all"),
    OpEntry("nanmean", args(with_nan(3, 4)), fn=call("nanmean", 1), variant="nan"),
    OpEntry("nanmean", args(with_nan(3, 4)), fn=call("nanmean"), variant="nan-all"),
    OpEntry("nansum", args(ints(3, 4)), fn=call("nansum", 0), dtypes=("int64",), variant="int"),
    # amax / amin: the gradient is shared evenly among ties
    OpEntry("amax", args(ties(3, 5)), fn=call("amax", 1), variant="ties"),
    OpEntry("amin", args(ties(3, 5)), fn=call("amin", (0, 1)), variant="ties"),
    OpEntry("amax", args(ints(3, 4)), fn=call("amax", 1), dtypes=INTS, variant="int"),
    OpEntry("amin", args(bools(3, 4)), fn=call("amin", 0), dtypes=("bool",), variant="bool"),
    OpEntry("amax", args(with_nan(3, 4)), fn=call("amax", 1), grad=False, variant="nan"),
    OpEntry("amax", args(arr(0, 3)), fn=call("amax", 0), dtypes=(), errors=(args(arr(0, 3)),),
            variant="empty-reduced"),
    OpEntry("amin", args(arr(0, 3)), fn=call("amin"), dtypes=(), errors=(args(arr(0, 3)),),
            variant="empty-all"),
)  # fmt: skip

# ---- max / min: full, with dim (values, indices), against a tensor ----------------------------
for op in ("max", "min"):
    add(
        OpEntry(op, args(arr(3, 4)), errors=(args(arr(0, 3)),)),
        OpEntry(op, args(ties(3, 4)), variant="ties"),
        OpEntry(op, args(arr(3, 4)), fn=call(op, 1), variant="dim",
                errors=(args(arr(3, 0)),)),
        OpEntry(op, args(ties(3, 5)), fn=call(op, 1), variant="dim-ties"),
        OpEntry(op, args(arr(3, 4)), fn=call(op, -2, keepdim=True), variant="keepdim"),
        OpEntry(op, args(arr(3, 4)), fn=lambda lib, x, _op=op: getattr(lib, _op)(x, dim=0),
                variant="dim-keyword"),
        OpEntry(op, args(arr()), fn=call(op, 0), variant="0-dim"),
        OpEntry(op, args(arr(0, 3)), fn=call(op, 1), variant="empty-kept-dim"),
        OpEntry(op, args(noncontig(3, 4)), fn=call(op, 1), variant="noncontig"),
        OpEntry(op, args(with_nan(3, 4)), fn=call(op, 1), grad=False, variant="nan"),
        OpEntry(op, args(ints(3, 4)), fn=call(op, 1), dtypes=INTS, variant="int"),
        OpEntry(op, args(bools(3, 4)), fn=call(op, 1), dtypes=("bool",), variant="bool"),
        OpEntry(op, args(arr(3, 4), arr(4)), variant="other"),
        OpEntry(op, args(arr(2, 3)), fn=call(op, 2), dtypes=(), errors=(BAD_DIM,),
                variant="bad-dim"),
        # the named tuple: fields by name, and unpacking
        OpEntry(op, args(arr(3, 4)),
                fn=lambda lib, x, _op=op: (getattr(lib, _op)(x, 1).values,
                                           getattr(lib, _op)(x, 1).indices),
                variant="fields"),
        OpEntry(f"Tensor.{op}", args(arr(3, 4)),
                fn=lambda lib, x, _op=op: tuple(getattr(x, _op)(dim=1, keepdim=True))),
    )  # fmt: skip

for op in ("argmax", "argmin"):
    add(
        OpEntry(op, args(arr(3, 4)), grad=False, errors=(args(arr(0, 3)),)),
        OpEntry(op, args(arr(3, 4)), fn=call(op, 1), grad=False, variant="dim"),
        OpEntry(op, args(ties(3, 5)), fn=call(op, 1), grad=False, variant="ties"),
        OpEntry(op, args(ties(3, 5)), fn=call(op), grad=False, variant="ties-all"),
        OpEntry(op, args(arr(3, 4)), fn=call(op, -1, keepdim=True), grad=False,
                variant="keepdim"),
        OpEntry(op, args(arr(3, 4)), fn=call(op, None, keepdim=True), grad=False,
                variant="all-keepdim"),
        OpEntry(op, args(arr()), fn=call(op), grad=False, variant="0-dim"),
        OpEntry(op, args(noncontig(3, 4)), fn=call(op, 0), grad=False, variant="noncontig"),
        OpEntry(op, args(with_nan(3, 4)), fn=call(op, 1), grad=False, variant="nan"),
        OpEntry(op, args(ints(3, 4)), fn=call(op, 0), dtypes=INTS, variant="int"),
        OpEntry(op, args(arr(0, 3)), fn=call(op, 0), dtypes=(), errors=(args(arr(0, 3)),),
                variant="empty-reduced"),
        OpEntry(op, args(arr(2, 3)), fn=call(op, 2), dtypes=(), errors=(BAD_DIM,),
                variant="bad-dim"),
        OpEntry(f"Tensor.{op}", args(arr(3, 4)), fn=lambda lib, x, _op=op: getattr(x, _op)(1),
                grad=False),
    )  # fmt: skip

add(
    OpEntry("aminmax", args(arr(3, 4)), fn=lambda lib, x: tuple(lib.aminmax(x)),
            errors=(args(arr(0, 3)),)),
    OpEntry("aminmax", args(ties(3, 5)), fn=lambda lib, x: tuple(lib.aminmax(x, dim=1)),
            variant="dim-ties"),
    OpEntry("aminmax", args(arr(3, 4)),
            fn=lambda lib, x: tuple(lib.aminmax(x, dim=-1, keepdim=True)), variant="keepdim"),
    OpEntry("aminmax", args(arr(3, 4)),
            fn=lambda lib, x: (lib.aminmax(x, dim=0).min, lib.aminmax(x, dim=0).max),
            variant="fields"),
    OpEntry("aminmax", args(ints(3, 4)), fn=lambda lib, x: tuple(lib.aminmax(x, dim=1)),
            dtypes=INTS, variant="int"),
    OpEntry("aminmax", args(arr()), fn=lambda lib, x: tuple(lib.aminmax(x)), variant="0-dim"),
    OpEntry("Tensor.aminmax", args(arr(3, 4)), fn=lambda lib, x: tuple(x.aminmax(dim=0))),
)  # fmt: skip

# ---- var, std, var_mean, std_mean ------------------------------------------------------------
VAR_CASES = [
    ("all", (), {}),
    ("dim", (1,), {}),
    ("negative-dim", (-1,), {}),
    ("tuple-dims", ((0, 2),), {}),
    ("keepdim", (1,), {"keepdim": True}),
    ("biased", (1,), {"unbiased": False}),
    ("unbiased-all", (), {"unbiased": True}),
    ("correction-0", ((0, 1),), {"correction": 0}),
    ("correction-2", (2,), {"correction": 2, "keepdim": True}),
    ("dim-keyword", (), {"dim": 0, "correction": 1}),
]
for op in ("var", "std", "var_mean", "std_mean"):
    for variant, a, kw in VAR_CASES:
        add(OpEntry(op, args(arr(2, 3, 4)), fn=call(op, *a, **kw), variant=variant))
    add(
        OpEntry(op, args(arr()), fn=call(op, correction=0), variant="0-dim"),
        OpEntry(op, args(noncontig(3, 4)), fn=call(op, 0), variant="noncontig"),
        OpEntry(op, args(arr(2, 3)), fn=call(op, 2), dtypes=(), errors=(BAD_DIM,),
                variant="bad-dim"),
        OpEntry(op, args(arr(3, 1)), fn=call(op, 1), grad=False, variant="one-sample"),
        OpEntry(f"Tensor.{op}" if op in ("var", "std") else op, args(arr(3, 4)),
                fn=lambda lib, x, _op=op: getattr(lib, _op)(x, 1, keepdim=True),
                variant="" if op in ("var", "std") else "positional-keepdim"),
    )  # fmt: skip
add(
    OpEntry("var", args(ints(3, 4)), fn=call("var", 1), dtypes=(), errors=(args(ints(3, 4)),),
            variant="int"),
    OpEntry("std", args(arr(3, 4)), fn=lambda lib, x: lib.std(x * 0 + 1, 1), variant="constant"),
    OpEntry("var", args(arr(4)), fn=lambda lib, x: lib.var(x, False),
            variant="positional-unbiased"),
)  # fmt: skip

# ---- norm (torch.norm: Frobenius and vector p-norms), dist ------------------------------------
NORM_PS = [("fro", "fro"), ("p1", 1), ("p2", 2), ("inf", float("inf")), ("neg-inf", -float("inf")),
           ("p0", 0), ("p3", 3), ("p-half", 0.5)]  # fmt: skip
for variant, p in NORM_PS:
    add(
        OpEntry("norm", args(arr(3, 4)), fn=lambda lib, x, _p=p: lib.norm(x, _p),
                variant=f"{variant}", gradgrad=p != 0),
        OpEntry("norm", args(arr(2, 3, 4)), fn=lambda lib, x, _p=p: lib.norm(x, _p, dim=1),
                variant=f"{variant}-dim", gradgrad=p != 0),
    )  # fmt: skip
add(
    OpEntry("norm", args(arr(2, 3, 4)), fn=lambda lib, x: lib.norm(x, 2, dim=(0, 2), keepdim=True),
            variant="tuple-keepdim"),
    OpEntry("norm", args(arr(2, 3, 4)), fn=lambda lib, x: lib.norm(x, dim=-1), variant="neg-dim"),
    OpEntry("norm", args(arr(3, 4)), fn=lambda lib, x: lib.norm(x, "fro", dim=(0, 1)),
            variant="fro-dims"),
    OpEntry("norm", args(with_zeros(3, 4)), fn=lambda lib, x: lib.norm(x, dim=1),
            variant="zeros"),
    OpEntry("norm", args(arr(3)), fn=lambda lib, x: lib.norm(x * 0), variant="zero-vector",
            gradgrad=False),
    OpEntry("norm", args(ties(3, 4)), fn=lambda lib, x: lib.norm(x, float("inf"), dim=1),
            variant="inf-ties"),
    OpEntry("norm", args(arr()), fn=lambda lib, x: lib.norm(x), variant="0-dim"),
    OpEntry("norm", args(arr(0, 3)), fn=lambda lib, x: lib.norm(x, dim=0), variant="empty"),
    OpEntry("norm", args(noncontig(3, 4)), fn=lambda lib, x: lib.norm(x, 1, dim=0),
            variant="noncontig"),
    OpEntry("norm", args(arr(3, 4)), fn=lambda lib, x: lib.norm(x, dtype=lib.float64),
            variant="dtype"),
    OpEntry("norm", args(arr(2, 3)), fn=lambda lib, x: lib.norm(x, dim=2), dtypes=(),
            errors=(BAD_DIM,), variant="bad-dim"),
    OpEntry("Tensor.norm", args(arr(3, 4)), fn=lambda lib, x: x.norm(p=3, dim=1)),
    OpEntry("dist", args(arr(3, 4), arr(4))),
    OpEntry("dist", args(arr(3, 4), arr(3, 4)), fn=lambda lib, a, b: lib.dist(a, b, 1),
            variant="p1"),
    OpEntry("dist", args(arr(3, 4), arr(3, 4)), fn=lambda lib, a, b: lib.dist(a, b, float("inf")),
            variant="inf"),
)  # fmt: skip

# ---- all, any, count_nonzero ------------------------------------------------------------------
for op in ("all", "any"):
    add(
        OpEntry(op, args(bools(3, 4)), dtypes=("bool",), grad=False),
        OpEntry(op, args(bools(3, 4)), fn=call(op, 1), dtypes=("bool",), variant="dim"),
        OpEntry(op, args(bools(2, 3, 4)), fn=call(op, (0, 2)), dtypes=("bool",),
                variant="tuple-dims"),
        OpEntry(op, args(bools(3, 4)), fn=call(op, -1, keepdim=True), dtypes=("bool",),
                variant="keepdim"),
        OpEntry(op, args(ints(3, 4, low=0, high=2)), fn=call(op, 0), dtypes=("int64",),
                variant="int"),
        OpEntry(op, args(ints(3, 4, low=0, high=2, dtype="uint8")), fn=call(op, 0),
                dtypes=("uint8",), variant="uint8"),
        OpEntry(op, args(with_zeros(3, 4)), fn=call(op, 1), grad=False, variant="float"),
        OpEntry(op, args(arr(0, 3)), fn=call(op, 0), grad=False, variant="empty"),
        OpEntry(op, args(arr()), fn=call(op), grad=False, variant="0-dim"),
        OpEntry(op, args(arr(2, 3)), fn=call(op, 2), dtypes=(), errors=(BAD_DIM,),
                variant="bad-dim"),
        OpEntry(f"Tensor.{op}", args(bools(3, 4)), fn=lambda lib, x, _op=op: getattr(x, _op)(),
                dtypes=("bool",)),
    )  # fmt: skip
add(
    OpEntry("count_nonzero", args(with_zeros(3, 4)), grad=False),
    OpEntry("count_nonzero", args(with_zeros(3, 4)), fn=call("count_nonzero", 1), grad=False,
            variant="dim"),
    OpEntry("count_nonzero", args(with_zeros(2, 3, 4)), fn=call("count_nonzero", (0, -1)),
            grad=False, variant="tuple-dims"),
    OpEntry("count_nonzero", args(ints(3, 4, low=0, high=2)), dtypes=("int64",), variant="int"),
    OpEntry("count_nonzero", args(bools(3, 4)), fn=call("count_nonzero", 0), dtypes=("bool",),
            variant="bool"),
    OpEntry("count_nonzero", args(arr(0, 3)), fn=call("count_nonzero", 0), grad=False,
            variant="empty"),
    OpEntry("count_nonzero", args(arr()), grad=False, variant="0-dim"),
    OpEntry("count_nonzero", args(arr(2, 3)), fn=call("count_nonzero", 2), dtypes=(),
            errors=(BAD_DIM,), variant="bad-dim"),
    OpEntry("Tensor.count_nonzero", args(with_zeros(3, 4)), fn=lambda lib, x: x.count_nonzero(0),
            grad=False),
)  # fmt: skip

# ---- median, nanmedian, mode ------------------------------------------------------------------
for op in ("median", "nanmedian"):
    add(
        OpEntry(op, args(arr(3, 5))),
        OpEntry(op, args(arr(4, 6)), variant="even"),
        OpEntry(op, args(arr(3, 5)), fn=lambda lib, x, _op=op: tuple(getattr(lib, _op)(x, 1)),
                variant="dim"),
        OpEntry(op, args(arr(3, 4)),
                fn=lambda lib, x, _op=op: tuple(getattr(lib, _op)(x, 0, keepdim=True)),
                variant="keepdim"),
        OpEntry(op, args(ties(3, 7)),
                fn=lambda lib, x, _op=op: getattr(lib, _op)(x, -1).values, variant="ties"),
        OpEntry(op, args(with_nan(3, 5)), grad=False, variant="nan"),
        OpEntry(op, args(with_nan(3, 5)),
                fn=lambda lib, x, _op=op: getattr(lib, _op)(x, 1).values, grad=False,
                variant="nan-dim"),
        OpEntry(op, args(arr()), fn=lambda lib, x, _op=op: tuple(getattr(lib, _op)(x, 0)),
                variant="0-dim"),
        OpEntry(op, args(arr(0, 3)), grad=False, variant="empty"),
        OpEntry(op, args(noncontig(3, 4)), fn=lambda lib, x, _op=op: tuple(getattr(lib, _op)(x, 0)),
                variant="noncontig"),
        OpEntry(op, args(ints(3, 5)), fn=lambda lib, x, _op=op: getattr(lib, _op)(x, 1).values,
                dtypes=INTS, variant="int"),
        OpEntry(op, args(arr(2, 3)), fn=lambda lib, x, _op=op: getattr(lib, _op)(x, 2), dtypes=(),
                errors=(BAD_DIM,), variant="bad-dim"),
        OpEntry(op, args(arr(0, 3)), fn=lambda lib, x, _op=op: getattr(lib, _op)(x, 0), dtypes=(),
                errors=(args(arr(0, 3)),), variant="empty-reduced"),
        OpEntry(f"Tensor.{op}", args(arr(3, 5)),
                fn=lambda lib, x, _op=op: tuple(getattr(x, _op)(dim=1))),
    )  # fmt: skip
add(
    OpEntry("median", args(arr(3, 5)),
            fn=lambda lib, x: (lib.median(x, 1).values, lib.median(x, 1).indices),
            variant="fields"),
    OpEntry("mode", args(ties(3, 7)), fn=lambda lib, x: tuple(lib.mode(x))),
    OpEntry("mode", args(ties(3, 7)), fn=lambda lib, x: tuple(lib.mode(x, 0)), variant="dim"),
    OpEntry("mode", args(ties(3, 7)), fn=lambda lib, x: tuple(lib.mode(x, -1, keepdim=True)),
            variant="keepdim"),
    OpEntry("mode", args(ties(2, 3, 6)), fn=lambda lib, x: tuple(lib.mode(x, 1)), variant="3d"),
    OpEntry("mode", args(ties(7)), fn=lambda lib, x: (lib.mode(x).values, lib.mode(x).indices),
            variant="fields"),
    OpEntry("mode", args(arr()), fn=lambda lib, x: tuple(lib.mode(x)), variant="0-dim"),
    OpEntry("mode", args(ints(3, 8, low=0, high=3)), fn=lambda lib, x: tuple(lib.mode(x)),
            dtypes=INTS, variant="int"),
    OpEntry("mode", args(noncontig(3, 4)), fn=lambda lib, x: tuple(lib.mode(x, 0)),
            variant="noncontig"),
    OpEntry("mode", args(arr(2, 3)), fn=lambda lib, x: lib.mode(x, 2), dtypes=(),
            errors=(BAD_DIM,), variant="bad-dim"),
    OpEntry("Tensor.mode", args(ties(3, 7)), fn=lambda lib, x: tuple(x.mode())),
)  # fmt: skip

# ---- reductions of positive input that torch computes through logs -----------------------------
add(
    OpEntry("prod", args(positive(3, 4)), fn=call("prod", 0, keepdim=True), variant="positive"),
)

# ---- dtypes: what integer reductions give, dtype= on integers, and refusals --------------------


def int_like(*shape):
    """Integers in the entry's own dtype."""

    def make(rng, dtype):
        return rng.integers(0 if dtype == "uint8" else -4, 5, shape).astype(dtype)

    return make


SMALL_INTS = ("int16", "int8", "uint8")
add(
    OpEntry("sum", args(int_like(3, 4)), fn=call("sum", 1), dtypes=SMALL_INTS,
            variant="small-ints"),
    OpEntry("prod", args(int_like(3, 4)), fn=call("prod", 0), dtypes=SMALL_INTS,
            variant="small-ints"),
    OpEntry("sum", args(int_like(3, 4)), fn=lambda lib, x: lib.sum(x, 0, dtype=lib.int32),
            dtypes=("int64", "int16"), variant="int-to-int32"),
    OpEntry("prod", args(int_like(3, 4)), fn=lambda lib, x: lib.prod(x, 1, dtype=lib.int32),
            dtypes=("int64", "uint8"), variant="int-to-int32"),
    OpEntry("sum", args(arr(3, 4)), fn=lambda lib, x: lib.sum(x, dtype=lib.float32),
            dtypes=("float16",), variant="half-to-float", grad=False),
    OpEntry("amax", args(int_like(3, 4)), fn=call("amax", 0), dtypes=SMALL_INTS,
            variant="small-ints"),
    OpEntry("argmax", args(int_like(3, 4)), fn=call("argmax", 1), dtypes=SMALL_INTS,
            variant="small-ints"),
    OpEntry("count_nonzero", args(int_like(3, 4)), fn=call("count_nonzero", 1),
            dtypes=SMALL_INTS, variant="small-ints"),
    OpEntry("median", args(arr(3)), dtypes=(), errors=(args(bools(3, 4)),), variant="bool"),
    OpEntry("argmax", args(arr(3)), dtypes=(), errors=(args(bools(3, 4)),), variant="bool"),
)  # fmt: skip

# ---- NumPy's argument names, which torch accepts too -----------------------------------------
for op in ("sum", "mean", "amax", "std", "logsumexp", "nansum"):
    add(OpEntry(op, args(arr(3, 4)), variant="numpy-names",
                fn=lambda lib, x, _op=op: getattr(x, _op)(axis=1, keepdims=True)))  # fmt: skip
add(
    OpEntry("max", args(arr(3, 4)), fn=lambda lib, x: tuple(lib.max(x, axis=0, keepdims=True)),
            variant="numpy-names"),
    OpEntry("median", args(arr(3, 5)), fn=lambda lib, x: tuple(lib.median(x, axis=-1)),
            variant="numpy-names"),
    OpEntry("argmax", args(arr(3, 4)), fn=lambda lib, x: lib.argmax(x, axis=1), grad=False,
            variant="numpy-names"),
    OpEntry("any", args(bools(3, 4)), fn=lambda lib, x: lib.any(x, axis=0, keepdims=True),
            dtypes=("bool",), variant="numpy-names"),
)  # fmt: skip
