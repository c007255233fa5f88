"""Table entries: indexing (get/set), gather/scatter, index_*, masked_*, take/put, nonzero."""

from __future__ import annotations

import numpy as np
from oracle import OpEntry

from .makers import args, arr, ints, positive

ENTRIES = []


def add(*entries):
    ENTRIES.extend(entries)


def mask(*shape, p=0.5):
    def make(rng, _dtype):
        return rng.random(shape) < p

    return make


def perm_rows(n, k, cols):
    """Index of shape (k, cols), distinct rows in each column (a deterministic scatter)."""

    def make(rng, _dtype):
        return np.argsort(rng.random((n, cols)), axis=0)[:k].astype(np.int64)

    return make


def distinct(n, k):
    def make(rng, _dtype):
        return rng.permutation(n)[:k].astype(np.int64)

    return make


def fixed(value):
    def make(rng, _dtype):
        return np.array(value)

    return make


# ---- x[key] and x[key] = v ------------------------------------------------------------------
GET_KEYS = {
    "int": lambda lib: 1,
    "neg-slice": lambda lib: (slice(None), slice(-2, None)),
    "step": lambda lib: (slice(None, None, 2), slice(1, None, 3)),
    "none-ellipsis": lambda lib: (None, Ellipsis, 0),
    "list": lambda lib: [0, 2, 2],
    "tensor-2d": lambda lib: lib.tensor([[0, 1], [2, 2]]),
    "int-slice-list": lambda lib: (0, slice(None), [1, 2]),
    "separated": lambda lib: ([0, 1], slice(None), [1, 2]),
    "bool": lambda lib: (True, slice(None), 1),
}
for variant, key in GET_KEYS.items():
    add(
        OpEntry(
            "Tensor.__getitem__",
            args(arr(3, 4, 5)),
            fn=lambda lib, x, _k=key: x[_k(lib)],
            variant=variant,
            errors=(args(arr()),) if variant == "int" else (),
        )
    )
add(
    OpEntry(
        "Tensor.__getitem__",
        args(arr(3, 4), mask(3, 4)),
        fn=lambda lib, x, m: x[m],
        variant="mask",
        errors=(args(arr(3, 4), mask(4)),),
    ),
    OpEntry(
        "Tensor.__getitem__",
        args(arr(3, 4), ints(2, 2, low=-3, high=3)),
        fn=lambda lib, x, i: x[i],
        variant="index-tensor",
        errors=(args(arr(3, 4), fixed([0, 5])),),
    ),
)


def _set(key):
    def fn(lib, x, v):
        y = x * 1
        y[key(lib)] = v
        return y

    return fn


add(
    OpEntry("Tensor.__setitem__", args(arr(3, 4, 5), arr(5)), fn=_set(lambda lib: (0, 1))),
    OpEntry(
        "Tensor.__setitem__",
        args(arr(3, 4, 5), arr(3, 2)),
        fn=_set(lambda lib: (slice(None), slice(0, None, 2), 1)),
        variant="step",
    ),
    OpEntry(
        "Tensor.__setitem__",
        args(arr(3, 4), arr(2, 4)),
        fn=_set(lambda lib: [2, 0]),
        variant="list",
        errors=(args(arr(3, 4), arr(3, 4)),),
    ),
    OpEntry(
        "Tensor.__setitem__",
        args(arr(3, 4), arr()),
        fn=lambda lib, x, v: _set(lambda _: x.detach() > 0)(lib, x, v),
        variant="mask",
    ),
    OpEntry(
        "Tensor.__setitem__",
        args(arr(3, 4, 5), arr(2, 4)),
        fn=_set(lambda lib: ([0, 1], slice(None), [1, 2])),
        variant="separated",
    ),
)

# ---- gather / scatter -----------------------------------------------------------------------
add(
    OpEntry(
        "gather",
        args(arr(3, 4), ints(2, 4, low=0, high=3)),
        fn=lambda lib, x, i: lib.gather(x, 0, i),
        errors=(
            args(arr(3, 4), ints(2, 4, low=3, high=5)),
            args(arr(3, 4), ints(2, low=0, high=3)),
        ),
    ),
    OpEntry(
        "gather",
        args(arr(3, 4), ints(2, 3, low=0, high=4)),
        fn=lambda lib, x, i: x.gather(-1, i),
        variant="smaller-index",
    ),
    OpEntry(
        "scatter",
        args(arr(3, 4), perm_rows(3, 2, 4), arr(2, 4)),
        fn=lambda lib, x, i, s: lib.scatter(x, 0, i, s),
        errors=(args(arr(3, 4), ints(2, 4, low=3, high=5), arr(2, 4)),),
    ),
    OpEntry(
        "scatter",
        args(arr(3, 4), perm_rows(4, 2, 3), arr(3, 5)),
        fn=lambda lib, x, i, s: x.scatter(1, i.T, s),
        grad=False,  # torch's own backward rejects a src larger than index
        variant="larger-src",
    ),
    OpEntry(
        "scatter",
        args(arr(3, 4), ints(2, 4, low=0, high=3)),
        fn=lambda lib, x, i: lib.scatter(x, 0, i, 1.5),
        variant="value",
    ),
    OpEntry(
        "scatter",
        args(arr(3, 4), ints(3, 4, low=0, high=3), arr(3, 4)),
        fn=lambda lib, x, i, s: lib.scatter(x, 0, i, s, reduce="add"),
        grad=False,
        variant="reduce-add",
    ),
    OpEntry(
        "scatter",
        args(arr(3, 4), ints(3, 4, low=0, high=3), arr(3, 4)),
        fn=lambda lib, x, i, s: lib.scatter(x, 0, i, s, reduce="multiply"),
        grad=False,
        variant="reduce-multiply",
    ),
    OpEntry(
        "scatter_add",
        args(arr(3, 4), ints(5, 4, low=0, high=3), arr(5, 4)),
        fn=lambda lib, x, i, s: lib.scatter_add(x, 0, i, s),
        errors=(args(arr(3, 4), ints(5, 4, low=0, high=3), ints(5, 4)),),
    ),
    OpEntry(
        "Tensor.scatter_",
        args(arr(3, 4), perm_rows(3, 2, 4), arr(2, 4)),
        fn=lambda lib, x, i, s: (x * 1).scatter_(0, i, s),
    ),
    OpEntry(
        "Tensor.scatter_add_",
        args(arr(3, 4), ints(5, 4, low=0, high=3), arr(5, 4)),
        fn=lambda lib, x, i, s: (x * 1).scatter_add_(0, i, s),
    ),
)
for reduce in ("sum", "prod", "mean", "amax", "amin"):
    for include_self in (True, False):
        add(
            OpEntry(
                "scatter_reduce",
                args(positive(3, 4), ints(5, 4, low=0, high=3), positive(5, 4)),
                fn=lambda lib, x, i, s, _r=reduce, _s=include_self: lib.scatter_reduce(
                    x, 0, i, s, _r, include_self=_s
                ),
                gradgrad=reduce in ("sum", "mean"),
                variant=f"{reduce}-{include_self}",
                errors=(args(arr(3), ints(2, low=0, high=3), arr(2), "median"),)
                if reduce == "sum" and include_self
                else (),
            )
        )
add(
    OpEntry(
        "Tensor.scatter_reduce_",
        args(arr(3, 4), ints(5, 4, low=0, high=3), arr(5, 4)),
        fn=lambda lib, x, i, s: (x * 1).scatter_reduce_(0, i, s, "amax"),
    )
)

# ---- index_* --------------------------------------------------------------------------------
add(
    OpEntry(
        "index_select",
        args(arr(3, 4), ints(5, low=0, high=4)),
        fn=lambda lib, x, i: lib.index_select(x, 1, i),
        errors=(args(arr(3, 4), ints(2, 2, low=0, high=3)), args(arr(3, 4), fixed([7]))),
    ),
    OpEntry(
        "index_add",
        args(arr(3, 4), ints(5, low=0, high=3), arr(5, 4)),
        fn=lambda lib, x, i, s: lib.index_add(x, 0, i, s, alpha=2.0),
        errors=(args(arr(3, 4), ints(5, low=0, high=3), arr(4, 4)),),
    ),
    OpEntry(
        "index_copy",
        args(arr(3, 4), distinct(4, 2), arr(3, 2)),
        fn=lambda lib, x, i, s: lib.index_copy(x, 1, i, s),
        errors=(args(arr(3, 4), distinct(4, 2), arr(3, 3)),),
    ),
    OpEntry(
        "index_fill",
        args(arr(3, 4), ints(2, low=0, high=3)),
        fn=lambda lib, x, i: lib.index_fill(x, 0, i, -1.0),
    ),
    OpEntry(
        "index_fill",
        args(arr(3, 4), ints(2, low=0, high=4), arr()),
        fn=lambda lib, x, i, v: x.index_fill(1, i, v),
        variant="tensor-value",
        errors=(args(arr(3, 4), ints(2, low=0, high=4), arr(2)),),
    ),
    OpEntry(
        "index_put",
        args(arr(3, 4), distinct(3, 2), arr(2, 4)),
        fn=lambda lib, x, i, v: lib.index_put(x, (i,), v),
        errors=(args(arr(3, 4), distinct(3, 2), arr(3, 4)),),
    ),
    OpEntry(
        "index_put",
        args(arr(3, 4), ints(5, low=0, high=3), ints(5, low=0, high=4), arr(5)),
        fn=lambda lib, x, i, j, v: lib.index_put(x, (i, j), v, accumulate=True),
        variant="accumulate",
    ),
    OpEntry(
        "index_put_",
        args(arr(3, 4), ints(5, low=0, high=3), arr()),
        fn=lambda lib, x, i, v: (x * 1).index_put_((i,), v, accumulate=True),
    ),
    OpEntry(
        "Tensor.index_add_",
        args(arr(3, 4), ints(5, low=0, high=3), arr(5, 4)),
        fn=lambda lib, x, i, s: (x * 1).index_add_(0, i, s),
    ),
    OpEntry(
        "Tensor.index_copy_",
        args(arr(3, 4), distinct(3, 2), arr(2, 4)),
        fn=lambda lib, x, i, s: (x * 1).index_copy_(0, i, s),
    ),
    OpEntry(
        "Tensor.index_fill_",
        args(arr(3, 4), ints(2, low=0, high=3)),
        fn=lambda lib, x, i: (x * 1).index_fill_(0, i, 2),
    ),
)

# ---- masks ----------------------------------------------------------------------------------
add(
    OpEntry(
        "masked_fill",
        args(arr(3, 4), mask(3, 4)),
        fn=lambda lib, x, m: lib.masked_fill(x, m, float("-inf")),
        gradgrad=True,
        errors=(args(arr(3, 4), ints(3, 4, low=0, high=2)), args(arr(3, 4), mask(3, 4), arr(2))),
    ),
    OpEntry(
        "masked_fill",
        args(arr(2, 3, 4), mask(3, 1), arr()),
        fn=lambda lib, x, m, v: x.masked_fill(m, v),
        variant="broadcast-tensor-value",
    ),
    OpEntry(
        "Tensor.masked_fill_",
        args(arr(3, 4), mask(4)),
        fn=lambda lib, x, m: (x * 1).masked_fill_(m, 0.5),
    ),
    OpEntry(
        "masked_select",
        args(arr(3, 4), mask(4)),
        errors=(args(arr(3, 4), mask(3)),),
    ),
    OpEntry(
        "masked_scatter",
        args(arr(3, 4), mask(3, 4), arr(13)),
        errors=(args(arr(3, 4), mask(3, 4, p=1.0), arr(5)),),
    ),
    OpEntry(
        "Tensor.masked_scatter_",
        args(arr(3, 4), mask(4), arr(3, 4)),
        fn=lambda lib, x, m, s: (x * 1).masked_scatter_(m, s),
    ),
)

# ---- flat indices and nonzero ---------------------------------------------------------------
add(
    OpEntry(
        "take",
        args(arr(3, 4), ints(2, 3, low=-12, high=12)),
        errors=(args(arr(3, 4), fixed([12])),),
    ),
    OpEntry(
        "take_along_dim",
        args(arr(3, 4), ints(3, 2, low=0, high=4)),
        fn=lambda lib, x, i: lib.take_along_dim(x, i, dim=1),
    ),
    OpEntry(
        "take_along_dim",
        args(arr(3, 4), ints(5, low=0, high=12)),
        variant="flat",
    ),
    OpEntry(
        "take_along_dim",
        args(arr(3, 1, 4), ints(1, 2, 2, low=0, high=4)),
        fn=lambda lib, x, i: lib.take_along_dim(x, i, dim=2),
        variant="broadcast",
    ),
    OpEntry(
        "put",
        args(arr(3, 4), distinct(12, 5), arr(5)),
        errors=(args(arr(3, 4), distinct(12, 5), arr(4)),),
    ),
    OpEntry(
        "Tensor.put_",
        args(arr(3, 4), ints(5, low=0, high=12), arr(5)),
        fn=lambda lib, x, i, s: (x * 1).put_(i, s, accumulate=True),
    ),
    OpEntry("nonzero", args(ints(3, 4, low=0, high=2)), dtypes=("int64",)),
    OpEntry(
        "nonzero",
        args(arr(3, 4)),
        fn=lambda lib, x: lib.nonzero(x > 0, as_tuple=True),
        grad=False,
        variant="as_tuple",
    ),
    OpEntry("argwhere", args(ints(2, 3, low=0, high=2)), dtypes=("int64",)),
    OpEntry(
        "where",
        args(arr(3, 4)),
        fn=lambda lib, x: lib.where(x > 0),
        grad=False,
        variant="one-argument",
    ),
)

# ---- scatter into views, index_reduce -------------------------------------------------------
add(
    OpEntry(
        "slice_scatter",
        args(arr(3, 4), arr(3, 2)),
        fn=lambda lib, x, s: lib.slice_scatter(x, s, 1, 0, 4, 2),
    ),
    OpEntry(
        "select_scatter",
        args(arr(3, 4), arr(4)),
        fn=lambda lib, x, s: lib.select_scatter(x, s, 0, -1),
    ),
    OpEntry(
        "diagonal_scatter",
        args(arr(3, 4), arr(3)),
        fn=lambda lib, x, s: lib.diagonal_scatter(x, s, 1),
    ),
)
for reduce in ("prod", "mean", "amax", "amin"):
    add(
        OpEntry(
            "index_reduce",
            args(positive(3, 4), ints(5, low=0, high=3), positive(5, 4)),
            fn=lambda lib, x, i, s, _r=reduce: lib.index_reduce(x, 0, i, s, _r, include_self=False),
            gradgrad=reduce == "mean",
            variant=reduce,
        )
    )
add(
    OpEntry(
        "Tensor.index_reduce_",
        args(arr(3, 4), ints(2, low=0, high=3), arr(2, 4)),
        fn=lambda lib, x, i, s: (x * 1).index_reduce_(0, i, s, "amax"),
    )
)


def zeros_in(*shape):
    def make(rng, dtype):
        x = rng.uniform(0.5, 2.0, shape)
        x[rng.random(shape) < 0.3] = 0.0
        return x.astype(dtype)

    return make


for include_self in (True, False):
    add(
        OpEntry(
            "scatter_reduce",
            args(zeros_in(3, 4), ints(5, 4, low=0, high=3), zeros_in(5, 4)),
            fn=lambda lib, x, i, s, _s=include_self: lib.scatter_reduce(
                x, 0, i, s, "prod", include_self=_s
            ),
            gradgrad=False,  # torch refuses it when two zeros meet
            variant=f"prod-zeros-{include_self}",
        )
    )

add(
    OpEntry(
        "nonzero_static",
        args(ints(3, 4, low=0, high=2)),
        fn=lambda lib, x: (
            lib.nonzero_static(x, size=20),
            lib.nonzero_static(x, size=2, fill_value=9),
        ),
        dtypes=("int64",),
    )
)
