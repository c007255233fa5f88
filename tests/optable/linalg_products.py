"""Table entries: matrix products (matmul's broadcasting rules, mm, bmm, addmm, ...), einsum
and the contractions (tensordot, inner, kron, multi_dot), and diagonals (diagonal, diag,
diag_embed, diagonal_scatter, trace)."""

from __future__ import annotations

from oracle import OpEntry

from .makers import args, arr, ints, noncontig

ENTRIES = []


def add(*entries):
    ENTRIES.extend(entries)


# ---- matrix products ------------------------------------------------------------------------
add(
    OpEntry("matmul", args(arr(3, 4), arr(4, 5)), errors=(args(arr(3, 4), arr(3, 5)),)),
    OpEntry("matmul", args(arr(4), arr(4)), variant="1d-1d", errors=(args(arr(4), arr(3)),)),
    OpEntry("matmul", args(arr(4), arr(2, 4, 3)), variant="1d-3d"),
    OpEntry("matmul", args(arr(2, 3, 4), arr(4)), variant="3d-1d"),
    OpEntry("matmul", args(arr(3, 4), arr(4)), variant="2d-1d", errors=(args(arr(3, 4), arr(3)),)),
    OpEntry("matmul", args(arr(4), arr(4, 5)), variant="1d-2d", errors=(args(arr(3), arr(4, 5)),)),
    OpEntry(
        "matmul",
        args(arr(2, 1, 3, 4), arr(5, 4, 2)),
        variant="broadcast-batch",
        errors=(args(arr(2, 3, 4), arr(3, 4, 2)), args(arr(2, 3, 4), arr(2, 3, 2))),
    ),
    OpEntry("matmul", args(arr(2, 3, 4), arr(4, 5)), variant="3d-2d"),
    OpEntry("matmul", args(arr(3, 4), arr(2, 4, 5)), variant="2d-3d"),
    OpEntry("matmul", args(arr(3, 4), arr(2, 3, 4, 5)), variant="2d-4d"),
    OpEntry("matmul", args(arr(3, 4), arr(0, 4, 5)), variant="2d-empty-stack"),
    OpEntry("matmul", args(noncontig(3, 4), noncontig(4, 5)), variant="noncontig"),
    OpEntry("matmul", args(arr(0, 4), arr(4, 5)), variant="empty"),
    OpEntry("matmul", args(arr(3, 0), arr(0, 5)), variant="empty-k"),
    OpEntry("matmul", args(arr(3, 4), arr(4, 5)), fn=lambda lib, a, b: a @ b, variant="operator"),
    OpEntry(
        "mm",
        args(arr(3, 4), arr(4, 5)),
        errors=(args(arr(3, 4), arr(3, 5)), args(arr(4), arr(4, 5))),
    ),
    OpEntry("mm", args(noncontig(3, 4), arr(4, 2)), variant="noncontig"),
    OpEntry(
        "bmm",
        args(arr(2, 3, 4), arr(2, 4, 5)),
        errors=(args(arr(2, 3, 4), arr(3, 4, 5)), args(arr(3, 4), arr(4, 5))),
    ),
    OpEntry("mv", args(arr(3, 4), arr(4)), errors=(args(arr(3, 4), arr(3)),)),
    OpEntry("dot", args(arr(4), arr(4)), errors=(args(arr(4), arr(3)), args(arr(2, 2), arr(4)))),
    OpEntry("vdot", args(arr(4), arr(4)), errors=(args(arr(4), arr(3)),)),
    OpEntry("outer", args(arr(3), arr(4)), errors=(args(arr(3, 1), arr(4)),)),
    OpEntry("ger", args(arr(3), arr(4))),
    OpEntry(
        "addmm",
        args(arr(3, 5), arr(3, 4), arr(4, 5)),
        errors=(args(arr(3, 5), arr(3, 4), arr(3, 5)),),
    ),
    OpEntry(
        "addmm",
        args(arr(5), arr(3, 4), arr(4, 5)),
        fn=lambda lib, c, a, b: lib.addmm(c, a, b, beta=0.5, alpha=2.0),
        variant="scaled",
    ),
    OpEntry("addmv", args(arr(3), arr(3, 4), arr(4)), errors=(args(arr(3), arr(3, 4), arr(3)),)),
    OpEntry(
        "addmv",
        args(arr(1), arr(3, 4), arr(4)),
        fn=lambda lib, c, a, b: lib.addmv(c, a, b, beta=2.0, alpha=-1.0),
        variant="scaled",
    ),
    OpEntry(
        "baddbmm",
        args(arr(2, 3, 5), arr(2, 3, 4), arr(2, 4, 5)),
        errors=(args(arr(2, 3, 5), arr(2, 3, 4), arr(2, 3, 5)),),
    ),
    OpEntry(
        "baddbmm",
        args(arr(3, 5), arr(2, 3, 4), arr(2, 4, 5)),
        fn=lambda lib, c, a, b: lib.baddbmm(c, a, b, beta=0.5, alpha=3.0),
        variant="scaled",
    ),
    OpEntry(
        "addbmm",
        args(arr(3, 5), arr(2, 3, 4), arr(2, 4, 5)),
        errors=(args(arr(3, 5), arr(2, 3, 4), arr(2, 3, 5)),),
    ),
    OpEntry("addr", args(arr(3, 4), arr(3), arr(4)), errors=(args(arr(3, 4), arr(3), arr(3)),)),
    OpEntry(
        "addr",
        args(arr(3, 4), arr(3), arr(4)),
        fn=lambda lib, c, a, b: lib.addr(c, a, b, beta=0.0, alpha=2.0),
        variant="beta0",
    ),
    OpEntry("Tensor.matmul", args(arr(2, 3), arr(3)), fn=lambda lib, a, b: a.matmul(b)),
    OpEntry("Tensor.mm", args(arr(2, 3), arr(3, 2)), fn=lambda lib, a, b: a.mm(b)),
)


# ---- einsum and contractions ----------------------------------------------------------------
def einsum(equation, *makers, variant, **kw):
    return OpEntry(
        "einsum",
        args(*makers),
        fn=lambda lib, *xs: lib.einsum(equation, *xs),
        variant=variant,
        **kw,
    )


add(
    einsum(
        "ij,jk->ik",
        arr(3, 4),
        arr(4, 5),
        variant="matmul",
        errors=(args(arr(3, 4), arr(5, 5)), args(arr(3, 4)), args(arr(3), arr(3, 5))),
    ),
    einsum("bij,bjk->bik", arr(2, 3, 4), arr(2, 4, 5), variant="bmm"),
    einsum("ii->i", arr(4, 4), variant="diagonal", errors=(args(arr(3, 4)),)),
    einsum("ii", arr(4, 4), variant="trace"),
    einsum("iij->ji", arr(3, 3, 2), variant="diagonal-3d"),
    einsum("ij->", arr(3, 4), variant="sum"),
    einsum("ij->j", arr(3, 4), variant="sum-rows"),
    einsum("i,j->ij", arr(3), arr(4), variant="outer"),
    einsum("i,i", arr(5), arr(5), variant="dot"),
    einsum("ij,jk", arr(3, 4), arr(4, 5), variant="implicit"),
    einsum("ba,Ab", arr(3, 4), arr(2, 3), variant="implicit-case"),
    einsum("...ij,...jk->...ik", arr(2, 1, 3, 4), arr(5, 4, 2), variant="ellipsis-broadcast"),
    einsum("...ij,...jk", arr(2, 3, 4), arr(4, 2), variant="ellipsis-implicit"),
    einsum("i...->...", arr(2, 3, 4), variant="ellipsis-sum"),
    einsum("ij,ij->ij", arr(3, 1), arr(3, 5), variant="size1-broadcast"),
    einsum("ij,jk,kl->il", arr(3, 4), arr(4, 5), arr(5, 2), variant="chain"),
    einsum("ij->ji", noncontig(3, 4), variant="transpose-noncontig"),
    einsum("bhid,bhjd->bhij", arr(2, 2, 3, 4), arr(2, 2, 5, 4), variant="attention"),
    einsum("ii,ij->j", arr(3, 3), arr(3, 4), variant="diagonal-product"),
    einsum("i, i -> ", arr(3), arr(3), variant="spaces"),
    OpEntry(
        "einsum",
        args(arr(3, 4), arr(4, 5)),
        fn=lambda lib, a, b: lib.einsum("ij,jk->ik", [a, b]),
        variant="list",
    ),
    OpEntry(
        "einsum",
        args(arr(3, 4), arr(4, 5)),
        fn=lambda lib, a, b: lib.einsum(a, [0, 1], b, [1, 2], [0, 2]),
        variant="sublist",
    ),
    OpEntry(
        "einsum",
        args(arr(3, 4), arr(4, 5)),
        fn=lambda lib, a, b: lib.einsum(a, [30, 1], b, [1, 0]),
        variant="sublist-implicit",
    ),
    OpEntry(
        "einsum",
        args(arr(3, 4), arr(4, 5)),
        fn=lambda lib, a, b: lib.einsum("ij,jk", a, b.double()),
        dtypes=(),
        errors=(args(arr(3, 4), arr(4, 5)),),
        variant="dtype-mismatch",
    ),
    OpEntry(
        "einsum",
        args(arr(3, 4)),
        fn=lambda lib, a: lib.einsum("ij->ii", a),
        dtypes=(),
        errors=(args(arr(3, 4)),),
        variant="repeated-output",
    ),
    OpEntry(
        "einsum",
        args(arr(3, 4)),
        fn=lambda lib, a: lib.einsum("ij->k", a),
        dtypes=(),
        errors=(args(arr(3, 4)),),
        variant="unknown-output",
    ),
    OpEntry(
        "einsum",
        args(ints(3, 4), ints(4, 2)),
        fn=lambda lib, a, b: lib.einsum("ij,jk", a, b),
        dtypes=("int64",),
        variant="int",
    ),
    OpEntry(
        "tensordot", args(arr(2, 3, 4), arr(3, 4, 5)), errors=(args(arr(2, 3, 4), arr(4, 3, 5)),)
    ),
    OpEntry(
        "tensordot",
        args(arr(2, 3, 4), arr(4, 3, 5)),
        fn=lambda lib, a, b: lib.tensordot(a, b, dims=([1, 2], [1, 0])),
        variant="lists",
    ),
    OpEntry(
        "tensordot",
        args(arr(2, 3), arr(4)),
        fn=lambda lib, a, b: lib.tensordot(a, b, dims=0),
        variant="outer",
    ),
    OpEntry(
        "tensordot",
        args(arr(2, 3, 4), arr(4, 3, 5)),
        fn=lambda lib, a, b: lib.tensordot(a, b, dims=([-1], [0])),
        variant="negative-dims",
    ),
    OpEntry(
        "tensordot",
        args(arr(2, 3), arr(3, 2)),
        fn=lambda lib, a, b: lib.tensordot(a, b, dims=-1),
        dtypes=(),
        errors=(args(arr(2, 3), arr(3, 2)),),
        variant="negative",
    ),
    OpEntry("kron", args(arr(2, 3), arr(4, 2)), errors=()),
    OpEntry("kron", args(arr(2, 3), arr(4)), variant="mixed-ndim"),
    OpEntry("kron", args(arr(2, 1, 3), arr(2, 2)), variant="3d"),
    OpEntry("kron", args(ints(2, 2), ints(2, 3)), dtypes=("int64",), variant="int"),
    OpEntry("inner", args(arr(2, 3), arr(4, 3)), errors=(args(arr(2, 3), arr(4, 2)),)),
    OpEntry("inner", args(arr(3), arr(3)), variant="1d"),
    OpEntry("inner", args(arr(2, 3), arr()), variant="0-dim"),
    OpEntry("Tensor.inner", args(arr(2, 3), arr(3)), fn=lambda lib, a, b: a.inner(b)),
    OpEntry("Tensor.kron", args(arr(2), arr(3)), fn=lambda lib, a, b: a.kron(b)),
    OpEntry(
        "chain_matmul",
        args(arr(3, 4), arr(4, 2), arr(2, 5)),
        fn=lambda lib, *m: lib.chain_matmul(*m),
    ),
    OpEntry(
        "linalg.multi_dot",
        args(arr(3, 4), arr(4, 2), arr(2, 5)),
        fn=lambda lib, *m: lib.linalg.multi_dot(list(m)),
        errors=(args(arr(3, 4), arr(3, 2)), args(arr(3, 4)), args(arr(3, 4), arr(2, 4, 2))),
    ),
    OpEntry(
        "linalg.multi_dot",
        args(arr(4), arr(4, 2), arr(2, 3), arr(3)),
        fn=lambda lib, *m: lib.linalg.multi_dot(list(m)),
        variant="vectors",
    ),
)

# ---- diagonals --------------------------------------------------------------------------------
add(
    OpEntry("diagonal", args(arr(3, 4)), errors=(args(arr(3, 4), 1, 1, 1),)),
    OpEntry("diagonal", args(arr(3, 4), 1), variant="offset"),
    OpEntry("diagonal", args(arr(4, 3), -2), variant="negative-offset"),
    OpEntry("diagonal", args(arr(3, 4), 5), variant="offset-past-end"),
    OpEntry("diagonal", args(arr(3, 4, 5), 1, 2, 0), variant="dims"),
    OpEntry("diagonal", args(arr(3, 4, 5), -1, -1, 0), variant="dims-reversed"),
    OpEntry("diagonal", args(noncontig(4, 3)), variant="noncontig"),
    OpEntry("Tensor.diagonal", args(arr(2, 3, 3)), fn=lambda lib, a: a.diagonal(0, -2, -1)),
    OpEntry(
        "diagonal",
        args(arr(3, 3)),
        fn=lambda lib, a: _write_through_diagonal(a),
        grad=False,
        variant="view-write",
    ),
    OpEntry(
        "linalg.diagonal", args(arr(2, 3, 4)), fn=lambda lib, a: lib.linalg.diagonal(a, offset=1)
    ),
    OpEntry("diag", args(arr(4)), errors=(args(arr(2, 2, 2)),)),
    OpEntry("diag", args(arr(3), -1), variant="vector-offset"),
    OpEntry("diag", args(arr(3, 4), 2), variant="matrix-offset"),
    OpEntry("diag", args(arr(3, 4)), variant="matrix"),
    OpEntry("Tensor.diag", args(arr(3)), fn=lambda lib, a: a.diag(1)),
    OpEntry("diag_embed", args(arr(2, 3)), errors=(args(arr(3, 4), 1, 0, 0),)),
    OpEntry("diag_embed", args(arr(3, 4), 1, 0, 2), variant="dims"),
    OpEntry("diag_embed", args(arr(3, 4), -1, -1, 0), variant="dims-reversed"),
    OpEntry("Tensor.diag_embed", args(arr(3)), fn=lambda lib, a: a.diag_embed()),
    OpEntry("trace", args(arr(3, 3)), errors=(args(arr(2, 3, 3)),)),
    OpEntry("trace", args(arr(3, 5)), variant="rect"),
    OpEntry("trace", args(ints(3, 3, dtype="int32")), dtypes=("int32",), variant="int"),
    OpEntry("Tensor.trace", args(arr(4, 4)), fn=lambda lib, a: a.trace()),
)


def _write_through_diagonal(a):
    """torch's diagonal is a view: writes through it reach the base (and its gradient)."""
    b = a * 1
    b.diagonal().mul_(3.0)
    return b


def _inplace(name):
    def call(lib, c, *xs):
        c = c * 1  # a non-leaf copy, so the in-place op is recorded in both libraries
        getattr(c, name + "_")(*xs, beta=0.5, alpha=2.0)
        return c

    return call


add(
    OpEntry("Tensor.bmm", args(arr(2, 3, 4), arr(2, 4, 2)), fn=lambda lib, a, b: a.bmm(b)),
    OpEntry("Tensor.mv", args(arr(3, 4), arr(4)), fn=lambda lib, a, b: a.mv(b)),
    OpEntry("Tensor.dot", args(arr(4), arr(4)), fn=lambda lib, a, b: a.dot(b)),
    OpEntry("Tensor.vdot", args(arr(4), arr(4)), fn=lambda lib, a, b: a.vdot(b)),
    OpEntry("Tensor.outer", args(arr(3), arr(4)), fn=lambda lib, a, b: a.outer(b)),
    OpEntry("Tensor.ger", args(arr(3), arr(4)), fn=lambda lib, a, b: a.ger(b)),
    OpEntry(
        "Tensor.addmm", args(arr(3, 5), arr(3, 4), arr(4, 5)), fn=lambda lib, c, a, b: c.addmm(a, b)
    ),
    OpEntry("Tensor.addmv", args(arr(3), arr(3, 4), arr(4)), fn=lambda lib, c, a, b: c.addmv(a, b)),
    OpEntry(
        "Tensor.addbmm",
        args(arr(3, 5), arr(2, 3, 4), arr(2, 4, 5)),
        fn=lambda lib, c, a, b: c.addbmm(a, b),
    ),
    OpEntry(
        "Tensor.baddbmm",
        args(arr(2, 3, 5), arr(2, 3, 4), arr(2, 4, 5)),
        fn=lambda lib, c, a, b: c.baddbmm(a, b),
    ),
    OpEntry("Tensor.addr", args(arr(3, 4), arr(3), arr(4)), fn=lambda lib, c, a, b: c.addr(a, b)),
    OpEntry("Tensor.addmm_", args(arr(3, 5), arr(3, 4), arr(4, 5)), fn=_inplace("addmm")),
    OpEntry("Tensor.addmv_", args(arr(3), arr(3, 4), arr(4)), fn=_inplace("addmv")),
    OpEntry("Tensor.addbmm_", args(arr(3, 5), arr(2, 3, 4), arr(2, 4, 5)), fn=_inplace("addbmm")),
    OpEntry(
        "Tensor.baddbmm_", args(arr(2, 3, 5), arr(2, 3, 4), arr(2, 4, 5)), fn=_inplace("baddbmm")
    ),
    OpEntry("Tensor.addr_", args(arr(3, 4), arr(3), arr(4)), fn=_inplace("addr")),
    OpEntry("diagonal_scatter", args(arr(3, 4), arr(3)), errors=(args(arr(3, 4), arr(4)),)),
    OpEntry(
        "diagonal_scatter",
        args(arr(2, 3, 4), arr(3, 2)),
        fn=lambda lib, a, s: lib.diagonal_scatter(a, s, 1, 0, 2),
        variant="dims",
    ),
    OpEntry(
        "Tensor.diagonal_scatter",
        args(arr(3, 3), arr(2)),
        fn=lambda lib, a, s: a.diagonal_scatter(s, -1),
    ),
)


add(
    OpEntry(
        "addbmm",
        args(arr(3, 5), arr(2, 3, 4), arr(2, 4, 5)),
        fn=lambda lib, c, a, b: lib.addbmm(c, a, b, beta=0.5, alpha=2.0),
        errors=(args(arr(3, 5), arr(2, 3, 4), arr(3, 4, 5)),),
        variant="scaled",
    ),
)


def _bools(*shape):
    def make(rng, dtype):
        return rng.integers(0, 2, shape).astype(bool)

    return make


BOOL_ERRORS = {
    "matmul": args(_bools(2, 2), _bools(2, 2)),
    "mm": args(_bools(2, 2), _bools(2, 2)),
    "mv": args(_bools(2, 2), _bools(2)),
    "dot": args(_bools(2), _bools(2)),
    "bmm": args(_bools(1, 2, 2), _bools(1, 2, 2)),
}
add(
    *(
        OpEntry(name, maker, dtypes=(), errors=(maker,), variant="bool")
        for name, maker in BOOL_ERRORS.items()
    ),
    OpEntry(
        "einsum",
        args(_bools(2, 2), _bools(2, 2)),
        fn=lambda lib, a, b: lib.einsum("ij,jk", a, b),
        dtypes=(),
        errors=(args(_bools(2, 2), _bools(2, 2)),),
        variant="bool",
    ),
)
