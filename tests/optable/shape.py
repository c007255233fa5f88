"""Table entries: views and shape ops, manipulation, sorting and counting."""

from __future__ import annotations

import numpy as np
from oracle import OpEntry

from .makers import args, arr, ints, noncontig, positive

ENTRIES = []


def add(*entries):
    ENTRIES.extend(entries)


def method(name, maker, call, variant="", **kw):
    """An entry for ``Tensor.<name>`` called as ``call(x)`` on the first input."""
    return OpEntry(
        f"Tensor.{name}", maker, fn=lambda lib, x, *r: call(x, *r), variant=variant, **kw
    )


def distinct(*shape):
    """Distinct values (no ties for sort/topk/unique gradients)."""

    def make(rng, dtype):
        n = int(np.prod(shape))
        return (rng.permutation(n) * 0.37 - n * 0.1).reshape(shape).astype(dtype)

    return make


def with_zeros(*shape):
    def make(rng, dtype):
        x = rng.uniform(0.5, 2.0, shape)
        x[rng.random(shape) < 0.3] = 0.0
        return [x.astype(dtype)]

    return make


# ---- views ----------------------------------------------------------------------------------
add(
    method("view", args(arr(3, 4)), lambda x: x.view(2, -1, 3), errors=(args(noncontig(3, 4)),)),
    method("view_as", args(arr(3, 4), arr(6, 2)), lambda x, o: x.view_as(o)),
    OpEntry(
        "reshape",
        args(noncontig(3, 4)),
        fn=lambda lib, x: x.reshape(-1, 2),
        errors=(args(arr(3, 5)),),
    ),
    OpEntry(
        "flatten",
        args(arr(2, 3, 4)),
        fn=lambda lib, x: lib.flatten(x, 1),
        errors=(args(arr(2)),),
    ),
    OpEntry("unflatten", args(arr(2, 12)), fn=lambda lib, x: lib.unflatten(x, 1, (3, -1))),
    OpEntry("squeeze", args(arr(2, 1, 3, 1)), fn=lambda lib, x: lib.squeeze(x, (1, 3))),
    OpEntry("unsqueeze", args(arr(2, 3)), fn=lambda lib, x: lib.unsqueeze(x, -1)),
    OpEntry(
        "permute",
        args(arr(2, 3, 4)),
        fn=lambda lib, x: lib.permute(x, (2, 0, 1)),
        errors=(args(arr(2, 3)),),
    ),
    OpEntry("transpose", args(arr(2, 3, 4)), fn=lambda lib, x: lib.transpose(x, 0, -1)),
    OpEntry("swapaxes", args(arr(2, 3, 4)), fn=lambda lib, x: lib.swapaxes(x, 0, 1)),
    OpEntry(
        "movedim",
        args(arr(2, 3, 4)),
        fn=lambda lib, x: lib.movedim(x, (0, 1), (2, 0)),
        errors=(args(arr(2, 3)),),
    ),
    OpEntry("moveaxis", args(arr(2, 3, 4)), fn=lambda lib, x: lib.moveaxis(x, 0, -1)),
    OpEntry("t", args(arr(2, 3)), errors=(args(arr(2, 3, 4)),)),
    method("T", args(arr(2, 3)), lambda x: x.T),
    method("mT", args(arr(2, 3, 4)), lambda x: x.mT),
    method("mH", args(arr(2, 3, 4)), lambda x: x.mH),
    method("H", args(arr(2, 3)), lambda x: x.H),
    OpEntry("adjoint", args(arr(2, 3, 4))),
    method("expand", args(arr(3, 1)), lambda x: x.expand(2, 3, 4), errors=(args(arr(3, 2)),)),
    method("expand_as", args(arr(3, 1), arr(3, 4)), lambda x, o: x.expand_as(o)),
    OpEntry(
        "narrow",
        args(arr(3, 4)),
        fn=lambda lib, x: lib.narrow(x, 1, -3, 2),
        errors=(args(arr(3, 1)),),
    ),
    OpEntry(
        "select", args(arr(3, 4)), fn=lambda lib, x: lib.select(x, 1, -1), errors=(args(arr(3, 0)),)
    ),
    OpEntry("unbind", args(arr(3, 4)), fn=lambda lib, x: lib.unbind(x, 1)),
    OpEntry("split", args(arr(5, 4)), fn=lambda lib, x: lib.split(x, 2)),
    OpEntry(
        "split",
        args(arr(5, 4)),
        fn=lambda lib, x: lib.split(x, [1, 3, 0], 1),
        variant="sizes",
        errors=(args(arr(5, 3)),),
    ),
    OpEntry("chunk", args(arr(5, 4)), fn=lambda lib, x: lib.chunk(x, 3)),
    OpEntry("tensor_split", args(arr(7, 4)), fn=lambda lib, x: lib.tensor_split(x, 3)),
    OpEntry(
        "tensor_split",
        args(arr(7, 4)),
        fn=lambda lib, x: lib.tensor_split(x, [1, 5], 0),
        variant="indices",
    ),
    OpEntry("diagonal", args(arr(2, 3, 4)), fn=lambda lib, x: lib.diagonal(x, 1, -1, 1)),
    OpEntry(
        "diagonal",
        args(arr(3, 4)),
        fn=lambda lib, x: lib.diagonal(x, -2),
        variant="neg",
        errors=(args(arr(3)),),
    ),
    method("unfold", args(arr(3, 7)), lambda x: x.unfold(1, 3, 2), errors=(args(arr(3, 2)),)),
    OpEntry("as_strided", args(arr(3, 4)), fn=lambda lib, x: lib.as_strided(x, (3, 3), (2, 1), 1)),
    OpEntry(
        "broadcast_to",
        args(arr(3, 1)),
        fn=lambda lib, x: lib.broadcast_to(x, (2, 3, 4)),
        errors=(args(arr(3, 2)),),
    ),
    OpEntry("broadcast_tensors", args(arr(3, 1), arr(4), arr(1, 1))),
    OpEntry(
        "broadcast_shapes",
        lambda rng, dt: [(3, 1), (4,), (2, 1, 1)],
        grad=False,
        dtypes=("float32",),
        errors=(lambda rng, dt: [(3,), (4,)],),
    ),
)
for name in ("atleast_1d", "atleast_2d", "atleast_3d"):
    add(
        OpEntry(name, args(arr())),
        OpEntry(name, args(arr(3), arr(2, 3), arr(2, 1, 3)), variant="several"),
    )

# ---- rearranging ----------------------------------------------------------------------------
add(
    OpEntry(
        "flip",
        args(arr(2, 3, 4)),
        fn=lambda lib, x: lib.flip(x, (0, -1)),
        errors=(args(arr(3)),),
    ),
    OpEntry("fliplr", args(arr(2, 3)), errors=(args(arr(3)),)),
    OpEntry("flipud", args(arr(2, 3)), errors=(args(arr()),)),
    OpEntry("roll", args(arr(3, 4)), fn=lambda lib, x: lib.roll(x, (1, -2), (0, 1))),
    OpEntry("roll", args(arr(3, 4)), fn=lambda lib, x: lib.roll(x, 5), variant="flat"),
    OpEntry(
        "rot90",
        args(arr(2, 3, 4)),
        fn=lambda lib, x: lib.rot90(x, 1, (1, 2)),
        errors=(args(arr(3)),),
    ),
    OpEntry("rot90", args(arr(2, 3)), fn=lambda lib, x: lib.rot90(x, -1), variant="k=-1"),
    method("repeat", args(arr(2, 3)), lambda x: x.repeat(2, 1, 3), errors=(args(arr(2, 3, 4, 5)),)),
    OpEntry("tile", args(arr(2, 3)), fn=lambda lib, x: lib.tile(x, (2,))),
    OpEntry("repeat_interleave", args(arr(2, 3)), fn=lambda lib, x: lib.repeat_interleave(x, 2)),
    OpEntry(
        "repeat_interleave",
        args(arr(3, 2), ints(3, low=0, high=3)),
        fn=lambda lib, x, r: lib.repeat_interleave(x, r, dim=0),
        variant="tensor",
    ),
    OpEntry("tril", args(arr(2, 3, 4)), fn=lambda lib, x: lib.tril(x, 1), errors=(args(arr(3)),)),
    OpEntry("triu", args(arr(3, 4)), fn=lambda lib, x: lib.triu(x, -1), errors=(args(arr(3)),)),
    method("tril_", args(arr(3, 4)), lambda x: (x * 1).tril_()),
    OpEntry("tril_indices", lambda rng, dt: [3, 4, 1], grad=False, dtypes=("int64",)),
    OpEntry("triu_indices", lambda rng, dt: [4, 3, -1], grad=False, dtypes=("int64",)),
    OpEntry("diag_embed", args(arr(2, 3)), fn=lambda lib, x: lib.diag_embed(x, 1, 0, 2)),
    OpEntry("diagflat", args(arr(2, 2)), fn=lambda lib, x: lib.diagflat(x, -1)),
    OpEntry("block_diag", args(arr(2, 3), arr(), arr(2))),
)

# ---- cumulative -----------------------------------------------------------------------------
add(
    OpEntry(
        "cumsum",
        args(arr(3, 4)),
        fn=lambda lib, x: lib.cumsum(x, 1),
        errors=(args(arr(3)),),
    ),
    OpEntry(
        "cumsum",
        args(ints(3, 4)),
        fn=lambda lib, x: lib.cumsum(x, 0),
        dtypes=("int64",),
        variant="int",
    ),
    method("cumsum_", args(arr(3, 4)), lambda x: (x * 1).cumsum_(0)),
    OpEntry("cumprod", args(positive(3, 4)), fn=lambda lib, x: lib.cumprod(x, -1)),
    OpEntry("cumprod", with_zeros(3, 5), fn=lambda lib, x: lib.cumprod(x, 1), variant="zeros"),
    OpEntry("cummax", args(distinct(3, 4)), fn=lambda lib, x: lib.cummax(x, 1)),
    OpEntry("cummin", args(distinct(3, 4)), fn=lambda lib, x: lib.cummin(x, 0)),
    OpEntry("logcumsumexp", args(arr(3, 4)), fn=lambda lib, x: lib.logcumsumexp(x, 1)),
    OpEntry("diff", args(arr(3, 5)), fn=lambda lib, x: lib.diff(x)),
    OpEntry(
        "diff",
        args(arr(3, 5), arr(3, 1)),
        fn=lambda lib, x, p: lib.diff(x, 2, dim=1, prepend=p),
        variant="n=2-prepend",
    ),
)

# ---- sorting and counting -------------------------------------------------------------------
add(
    OpEntry("sort", args(distinct(3, 4)), fn=lambda lib, x: lib.sort(x, 0, descending=True)),
    OpEntry(
        "sort",
        args(ints(12, low=0, high=3)),
        fn=lambda lib, x: lib.sort(x, stable=True),
        dtypes=("int64",),
        variant="stable-ties",
    ),
    OpEntry(
        "sort",
        args(ints(12, low=0, high=3)),
        fn=lambda lib, x: lib.sort(x, descending=True, stable=True),
        dtypes=("int64",),
        variant="stable-descending",
    ),
    OpEntry("argsort", args(distinct(3, 4)), fn=lambda lib, x: lib.argsort(x, -1), grad=False),
    OpEntry("msort", args(distinct(3, 4))),
    OpEntry(
        "topk",
        args(distinct(3, 5)),
        fn=lambda lib, x: lib.topk(x, 2),
        errors=(args(arr(1)),),
    ),
    OpEntry(
        "topk",
        args(distinct(3, 5)),
        fn=lambda lib, x: lib.topk(x, 3, 0, largest=False),
        variant="smallest",
    ),
    OpEntry("kthvalue", args(distinct(3, 5)), fn=lambda lib, x: lib.kthvalue(x, 2, 1, True)),
    OpEntry(
        "unique",
        args(ints(10, low=0, high=4)),
        fn=lambda lib, x: lib.unique(x, return_inverse=True, return_counts=True),
        dtypes=("int64",),
    ),
    OpEntry(
        "unique",
        args(ints(5, 2, low=0, high=2)),
        fn=lambda lib, x: lib.unique(x, dim=0, return_inverse=True),
        dtypes=("int64",),
        variant="dim",
    ),
    OpEntry(
        "unique_consecutive",
        args(ints(10, low=0, high=2)),
        fn=lambda lib, x: lib.unique_consecutive(x, return_inverse=True, return_counts=True),
        dtypes=("int64",),
    ),
    OpEntry(
        "bincount",
        args(ints(10, low=0, high=5)),
        dtypes=("int64",),
        errors=(args(ints(3, low=-2, high=-1)),),
    ),
    OpEntry(
        "bincount",
        args(ints(6, low=0, high=5), arr(6)),
        fn=lambda lib, x, w: lib.bincount(x, w.detach(), minlength=7),
        grad=False,
        variant="weights",
    ),
    OpEntry("histc", args(arr(20)), fn=lambda lib, x: lib.histc(x.detach(), 5, -1, 1), grad=False),
    OpEntry(
        "bucketize",
        args(arr(3, 4)),
        fn=lambda lib, x: lib.bucketize(x.detach(), lib.tensor([-1.0, 0.0, 1.0])),
        grad=False,
    ),
    OpEntry(
        "searchsorted",
        args(arr(2, 3)),
        fn=lambda lib, x: lib.searchsorted(
            lib.tensor([[-1.0, 0, 1], [-2, 0, 2]]), x.detach(), right=True
        ),
        grad=False,
    ),
)

# ---- building -------------------------------------------------------------------------------
add(
    OpEntry("hstack", args(arr(2, 3), arr(2, 1)), fn=lambda lib, a, b: lib.hstack([a, b])),
    OpEntry("vstack", args(arr(3), arr(2, 3)), fn=lambda lib, a, b: lib.vstack([a, b])),
    OpEntry("dstack", args(arr(2, 3), arr(2, 3)), fn=lambda lib, a, b: lib.dstack([a, b])),
    OpEntry("column_stack", args(arr(3), arr(3, 2)), fn=lambda lib, a, b: lib.column_stack([a, b])),
    OpEntry(
        "meshgrid", args(arr(3), arr(2)), fn=lambda lib, a, b: lib.meshgrid(a, b, indexing="ij")
    ),
    OpEntry(
        "meshgrid",
        args(arr(3), arr(2), arr(4)),
        fn=lambda lib, a, b, c: lib.meshgrid(a, b, c, indexing="xy"),
        variant="xy",
    ),
    OpEntry("cartesian_prod", args(arr(3), arr(2))),
    OpEntry("combinations", args(arr(4)), fn=lambda lib, x: lib.combinations(x, 3)),
    OpEntry(
        "combinations",
        args(arr(3)),
        fn=lambda lib, x: lib.combinations(x, 2, with_replacement=True),
        variant="replace",
    ),
    OpEntry(
        "cdist",
        args(arr(2, 3, 4), arr(2, 5, 4)),
        errors=(args(arr(3, 4), arr(3, 5)),),
        gradgrad=False,
    ),
    OpEntry(
        "cdist",
        args(arr(3, 4), arr(5, 4)),
        fn=lambda lib, a, b: lib.cdist(a, b, p=1.0),
        gradgrad=False,
        variant="p=1",
    ),
    OpEntry(
        "cross",
        args(arr(4, 3), arr(4, 3)),
        fn=lambda lib, a, b: lib.cross(a, b, dim=1),
        errors=(args(arr(4, 2), arr(4, 2)),),
    ),
    OpEntry("cosine_similarity", args(arr(3, 4), arr(3, 4))),
    OpEntry("pairwise_distance", args(arr(3, 4), arr(3, 4))),
)

# ---- more splits and copies -----------------------------------------------------------------
add(
    OpEntry("ravel", args(noncontig(3, 4))),
    OpEntry("split_with_sizes", args(arr(5, 2)), fn=lambda lib, x: lib.split_with_sizes(x, [2, 3])),
    OpEntry("unsafe_split", args(arr(5, 2)), fn=lambda lib, x: lib.unsafe_split(x, 2)),
    OpEntry("unsafe_chunk", args(arr(5, 2)), fn=lambda lib, x: lib.unsafe_chunk(x, 2)),
    OpEntry("narrow_copy", args(arr(5, 2)), fn=lambda lib, x: lib.narrow_copy(x, 0, 1, 3)),
    OpEntry(
        "hsplit", args(arr(3, 4)), fn=lambda lib, x: lib.hsplit(x, 2), errors=(args(arr(3, 5)),)
    ),
    OpEntry(
        "vsplit", args(arr(4, 3)), fn=lambda lib, x: lib.vsplit(x, [1, 3]), errors=(args(arr(4)),)
    ),
    OpEntry(
        "dsplit", args(arr(2, 3, 4)), fn=lambda lib, x: lib.dsplit(x, 2), errors=(args(arr(3, 4)),)
    ),
    OpEntry(
        "histogram",
        args(arr(20)),
        fn=lambda lib, x: tuple(lib.histogram(x.detach(), 4, range=(-1.0, 1.0))),
        grad=False,
    ),
)
