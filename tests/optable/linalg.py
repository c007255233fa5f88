"""Table entries: matrix products (blas), einsum and friends, diagonals, and torch.linalg."""

from __future__ import annotations

import numpy as np
from oracle import OpEntry

from .makers import args, arr, noncontig

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
