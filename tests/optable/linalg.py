"""Table entries: torch.linalg (inverse, det, solve, the decompositions, norms, pinv, lstsq, LU,
...) and their top-level torch.* forms. Products and einsum are in ``linalg_products.py``."""

from __future__ import annotations

import numpy as np
from oracle import OpEntry

from .makers import args, arr, ints, noncontig

ENTRIES = []


def add(*entries):
    ENTRIES.extend(entries)


# ---- torch.linalg -----------------------------------------------------------------------------
def _orthogonal(rng, n, batch):
    q, r = np.linalg.qr(rng.standard_normal(batch + (n, n)))
    return q * np.sign(np.diagonal(r, axis1=-2, axis2=-1))[..., None, :]


def square(n, *batch):
    """A well-conditioned square matrix: random plus n on the diagonal."""

    def make(rng, dtype):
        return (rng.uniform(-1, 1, batch + (n, n)) + n * np.eye(n)).astype(dtype)

    return make


def spd(n, *batch):
    """A symmetric positive-definite matrix ``B B^T + n I``."""

    def make(rng, dtype):
        b = rng.uniform(-1, 1, batch + (n, n))
        return (b @ np.swapaxes(b, -1, -2) + n * np.eye(n)).astype(dtype)

    return make


def symmetric(n, *batch):
    """A symmetric matrix with well separated eigenvalues (gaps of 1, mixed signs)."""

    def make(rng, dtype):
        q = _orthogonal(rng, n, batch)
        w = np.arange(n) - n / 2 + 0.5 + rng.uniform(-0.2, 0.2, batch + (n,))
        return ((q * w[..., None, :]) @ np.swapaxes(q, -1, -2)).astype(dtype)

    return make


def spectrum(m, n, *batch):
    """An m x n matrix with well separated singular values (1 + k)."""

    def make(rng, dtype):
        k = min(m, n)
        u = _orthogonal(rng, m, batch)[..., :k]
        v = _orthogonal(rng, n, batch)[..., :k]
        s = 1.0 + np.arange(k)[::-1] + rng.uniform(-0.2, 0.2, batch + (k,))
        return ((u * s[..., None, :]) @ np.swapaxes(v, -1, -2)).astype(dtype)

    return make


def singular(n):
    def make(rng, dtype):
        a = rng.uniform(-1, 1, (n, n))
        a[-1] = a[0]
        a[:, -1] = 0.0
        return a.astype(dtype)

    return make


NOT_SQUARE = args(arr(3, 4))
INT_MATRIX = args(ints(3, 3))
VECTOR = args(arr(3))
SQUARE_ERRORS = (NOT_SQUARE, INT_MATRIX, VECTOR)


def svd_invariants(lib, A, full_matrices=False):
    """U and Vh are defined up to the sign of each singular pair: compare what does not
    depend on it (S, U o U, Vh o Vh, U Vh), which still reaches every backward path."""
    U, S, Vh = lib.linalg.svd(A, full_matrices=full_matrices)
    k = S.shape[-1]
    return S, U * U, Vh * Vh, U[..., :k] @ Vh[..., :k, :]


def eigh_invariants(lib, A, UPLO="L"):
    w, V = lib.linalg.eigh(A, UPLO=UPLO)
    return w, V * V, V[..., :1] * V[..., 1:2]


def qr_invariants(lib, A, mode="reduced"):
    Q, R = lib.linalg.qr(A, mode=mode)
    return Q * Q, R * R, Q[..., :1] * R[..., :1, :1]


add(
    OpEntry("linalg.inv", args(square(4)), errors=SQUARE_ERRORS),
    OpEntry("linalg.inv", args(square(3, 2, 2)), variant="batched"),
    OpEntry(
        "linalg.inv",
        args(noncontig(3, 3)),
        fn=lambda lib, a: lib.linalg.inv(a + 3 * lib.eye(3, dtype=a.dtype)),
        variant="noncontig",
    ),
    OpEntry("linalg.inv_ex", args(square(3)), fn=lambda lib, a: lib.linalg.inv_ex(a)[0]),
    OpEntry("inverse", args(square(3)), errors=(NOT_SQUARE,)),
    OpEntry("Tensor.inverse", args(square(3)), fn=lambda lib, a: a.inverse()),
    OpEntry("linalg.det", args(square(4)), errors=SQUARE_ERRORS),
    OpEntry("linalg.det", args(square(3, 2)), variant="batched"),
    OpEntry("linalg.det", args(arr(1, 1)), variant="1x1"),
    OpEntry("det", args(square(3)), errors=(NOT_SQUARE,)),
    OpEntry("Tensor.det", args(square(3)), fn=lambda lib, a: a.det()),
    OpEntry("linalg.slogdet", args(square(4)), errors=SQUARE_ERRORS),
    OpEntry(
        "linalg.slogdet",
        args(square(3, 2)),
        fn=lambda lib, a: lib.linalg.slogdet(-a),
        variant="negative",
    ),
    OpEntry("slogdet", args(square(3)), errors=(NOT_SQUARE,)),
    OpEntry("Tensor.slogdet", args(square(3)), fn=lambda lib, a: a.slogdet()),
    OpEntry("logdet", args(spd(3)), errors=(NOT_SQUARE,)),
    OpEntry(
        "logdet",
        args(square(3, 2)),
        fn=lambda lib, a: lib.logdet(-a),
        grad=False,
        variant="negative",
    ),
    OpEntry("Tensor.logdet", args(spd(3)), fn=lambda lib, a: a.logdet()),
    OpEntry(
        "linalg.solve",
        args(square(3), arr(3, 2)),
        errors=(args(square(3), arr(2, 2)), args(arr(3, 4), arr(3, 2)), args(ints(3, 3), ints(3))),
    ),
    OpEntry("linalg.solve", args(square(3), arr(3)), variant="vector"),
    OpEntry("linalg.solve", args(square(3, 2), arr(2, 3)), variant="batched-vector"),
    OpEntry("linalg.solve", args(square(3, 2), arr(3, 4)), variant="broadcast-b"),
    OpEntry("linalg.solve", args(square(3), arr(2, 3, 4)), variant="broadcast-a"),
    OpEntry(
        "linalg.solve",
        args(square(3), arr(2, 3)),
        fn=lambda lib, a, b: lib.linalg.solve(a, b, left=False),
        variant="right",
    ),
    OpEntry("linalg.cholesky", args(spd(4)), errors=SQUARE_ERRORS),
    OpEntry("linalg.cholesky", args(spd(3, 2)), variant="batched"),
    OpEntry(
        "linalg.cholesky",
        args(spd(3)),
        fn=lambda lib, a: lib.linalg.cholesky(a, upper=True),
        variant="upper",
    ),
    OpEntry("cholesky", args(spd(3)), errors=(NOT_SQUARE,)),
    OpEntry("Tensor.cholesky", args(spd(3)), fn=lambda lib, a: a.cholesky()),
    OpEntry("linalg.qr", args(spectrum(5, 3)), fn=qr_invariants, errors=(args(ints(3, 3)), VECTOR)),
    OpEntry("linalg.qr", args(spectrum(4, 4, 2)), fn=qr_invariants, variant="square-batched"),
    OpEntry("linalg.qr", args(spectrum(3, 5)), fn=qr_invariants, variant="wide"),
    OpEntry(
        "linalg.qr",
        args(spectrum(4, 4)),
        fn=lambda lib, a: qr_invariants(lib, a, "complete"),
        variant="complete",
    ),
    OpEntry(
        "linalg.qr",
        args(spectrum(5, 3)),
        fn=lambda lib, a: qr_invariants(lib, a, "complete"),
        grad=False,
        variant="complete-tall",
    ),
    OpEntry(
        "linalg.qr",
        args(spectrum(5, 3)),
        fn=lambda lib, a: lib.linalg.qr(a, mode="r")[1].abs(),
        grad=False,
        variant="r",
    ),
    OpEntry(
        "linalg.qr",
        args(arr(3, 3)),
        fn=lambda lib, a: lib.linalg.qr(a, mode="bad"),
        dtypes=(),
        errors=(args(arr(3, 3)),),
        variant="bad-mode",
    ),
    OpEntry("qr", args(spectrum(4, 3)), fn=lambda lib, a: tuple(x * x for x in lib.qr(a))),
    OpEntry(
        "Tensor.qr", args(spectrum(3, 3)), fn=lambda lib, a: tuple(x * x for x in a.qr(some=False))
    ),
    OpEntry(
        "linalg.svd", args(spectrum(5, 3)), fn=svd_invariants, errors=(args(ints(3, 3)), VECTOR)
    ),
    OpEntry("linalg.svd", args(spectrum(3, 5)), fn=svd_invariants, variant="wide"),
    OpEntry("linalg.svd", args(spectrum(4, 4, 2)), fn=svd_invariants, variant="square-batched"),
    OpEntry(
        "linalg.svd",
        args(spectrum(5, 3)),
        fn=lambda lib, a: svd_invariants(lib, a, True),
        variant="full",
    ),
    OpEntry(
        "linalg.svd",
        args(spectrum(2, 4)),
        fn=lambda lib, a: svd_invariants(lib, a, True),
        variant="full-wide",
    ),
    OpEntry(
        "svd",
        args(spectrum(4, 3)),
        fn=lambda lib, a: (lambda u, s, v: (s, u * u, v * v, u @ v.mT))(*lib.svd(a)),
    ),
    OpEntry(
        "svd", args(spectrum(4, 3)), fn=lambda lib, a: lib.svd(a, compute_uv=False), variant="no-uv"
    ),
    OpEntry("Tensor.svd", args(spectrum(3, 3)), fn=lambda lib, a: a.svd()[1]),
    OpEntry("linalg.svdvals", args(spectrum(4, 3)), errors=(VECTOR,)),
    OpEntry("linalg.svdvals", args(spectrum(3, 5, 2)), variant="batched"),
    OpEntry("linalg.eigh", args(symmetric(4)), fn=eigh_invariants, errors=SQUARE_ERRORS),
    OpEntry("linalg.eigh", args(symmetric(3, 2)), fn=eigh_invariants, variant="batched"),
    OpEntry(
        "linalg.eigh",
        args(symmetric(3)),
        fn=lambda lib, a: eigh_invariants(lib, a, "U"),
        variant="upper",
    ),
    OpEntry(
        "linalg.eigh",
        args(symmetric(3)),
        fn=lambda lib, a: lib.linalg.eigh(a, "X"),
        dtypes=(),
        errors=(args(symmetric(3)),),
        variant="bad-uplo",
    ),
    OpEntry("linalg.eigvalsh", args(symmetric(4)), errors=SQUARE_ERRORS),
    OpEntry(
        "linalg.eigvalsh",
        args(symmetric(3, 2)),
        fn=lambda lib, a: lib.linalg.eigvalsh(a, UPLO="U"),
        variant="upper",
    ),
)

# ---- norms and what is built on the decompositions --------------------------------------------
INF = float("inf")


def matrix_norm(ord, maker=None, variant="", **kw):
    return OpEntry(
        "linalg.matrix_norm",
        args(maker or spectrum(4, 3)),
        fn=lambda lib, a: lib.linalg.matrix_norm(a, ord),
        variant=variant or str(ord),
        **kw,
    )


add(
    OpEntry("linalg.matrix_norm", args(arr(3, 4)), errors=(VECTOR, INT_MATRIX)),
    *(matrix_norm(o) for o in ("fro", "nuc", 2, -2, 1, -1, INF, -INF)),
    matrix_norm("nuc", spectrum(3, 4, 2), variant="nuc-batched"),
    OpEntry(
        "linalg.matrix_norm",
        args(spectrum(3, 4, 2)),
        fn=lambda lib, a: lib.linalg.matrix_norm(a, 2, dim=(0, 2), keepdim=True),
        variant="dims-keepdim",
    ),
    OpEntry(
        "linalg.matrix_norm",
        args(arr(2, 3, 4)),
        fn=lambda lib, a: lib.linalg.matrix_norm(a, 1, dim=(2, 0)),
        variant="dims-1",
    ),
    OpEntry(
        "linalg.matrix_norm",
        args(arr(2, 3, 4)),
        fn=lambda lib, a: lib.linalg.matrix_norm(a, -INF, dim=(-1, 0), keepdim=True),
        variant="dims-inf",
    ),
    OpEntry(
        "linalg.matrix_norm",
        args(arr(3, 3)),
        fn=lambda lib, a: lib.linalg.matrix_norm(a, 3),
        dtypes=(),
        errors=(args(arr(3, 3)),),
        variant="bad-ord",
    ),
    OpEntry("linalg.vector_norm", args(arr(3, 4)), errors=(INT_MATRIX,)),
    OpEntry(
        "linalg.vector_norm",
        args(arr(3, 4)),
        fn=lambda lib, a: lib.linalg.vector_norm(a, 3, dim=1, keepdim=True),
        variant="ord3",
    ),
    OpEntry(
        "linalg.vector_norm",
        args(arr(3, 4)),
        fn=lambda lib, a: lib.linalg.vector_norm(a, INF, dim=(0, 1)),
        variant="inf",
    ),
    OpEntry(
        "linalg.vector_norm",
        args(arr(3, 4)),
        fn=lambda lib, a: lib.linalg.vector_norm(a, 1, dim=0),
        variant="ord1",
    ),
    OpEntry(
        "linalg.vector_norm",
        args(arr(3)),
        fn=lambda lib, a: lib.linalg.vector_norm(a * 0),
        # torch's second derivative at 0 is NaN, ember's 0 (docs/differences.md)
        gradgrad=False,
        variant="zero-subgradient",
    ),
    OpEntry(
        "linalg.vector_norm",
        args(arr(3)),
        fn=lambda lib, a: lib.linalg.vector_norm(a, dtype=lib.float64),
        variant="dtype",
    ),
    OpEntry("linalg.norm", args(arr(3, 4))),
    OpEntry(
        "linalg.norm",
        args(spectrum(3, 4)),
        fn=lambda lib, a: lib.linalg.norm(a, "nuc"),
        variant="nuc",
    ),
    OpEntry(
        "linalg.norm",
        args(arr(3, 4)),
        fn=lambda lib, a: lib.linalg.norm(a, INF),
        variant="matrix-inf",
    ),
    OpEntry(
        "linalg.norm", args(arr(4)), fn=lambda lib, a: lib.linalg.norm(a, 1), variant="vector-1"
    ),
    OpEntry(
        "linalg.norm",
        args(arr(2, 3, 4)),
        fn=lambda lib, a: lib.linalg.norm(a, 3, dim=1, keepdim=True),
        variant="dim",
    ),
    OpEntry(
        "linalg.norm",
        args(arr(2, 3, 4)),
        fn=lambda lib, a: lib.linalg.norm(a, dim=(0, 2)),
        variant="two-dims",
    ),
    OpEntry(
        "linalg.norm",
        args(arr(2, 3, 4)),
        fn=lambda lib, a: lib.linalg.norm(a, 2),
        dtypes=(),
        errors=(args(arr(2, 3, 4)),),
        variant="ord-3d",
    ),
    OpEntry("linalg.cond", args(spectrum(4, 3))),
    OpEntry(
        "linalg.cond",
        args(square(3)),
        fn=lambda lib, a: lib.linalg.cond(a, "fro"),
        grad=False,  # torch's own backward fails here (in-place on a saved inv_ex output)
        variant="fro",
    ),
    OpEntry("linalg.cond", args(square(3)), fn=lambda lib, a: lib.linalg.cond(a, -2), variant="-2"),
    OpEntry("linalg.pinv", args(spectrum(5, 3)), errors=(VECTOR,)),
    OpEntry("linalg.pinv", args(spectrum(3, 4, 2)), variant="wide-batched"),
    OpEntry(
        "linalg.pinv",
        args(spd(3)),
        fn=lambda lib, a: lib.linalg.pinv(a, hermitian=True),
        variant="hermitian",
    ),
    OpEntry(
        "linalg.pinv",
        args(spectrum(4, 3)),
        fn=lambda lib, a: lib.linalg.pinv(a, atol=2.5),
        variant="atol",
    ),
    OpEntry(
        "linalg.pinv",
        args(spectrum(4, 3)),
        fn=lambda lib, a: lib.linalg.pinv(a, rtol=0.5),
        variant="rtol",
    ),
    OpEntry("pinverse", args(spectrum(3, 5))),
    OpEntry("Tensor.pinverse", args(spectrum(3, 3)), fn=lambda lib, a: a.pinverse()),
    OpEntry(
        "linalg.matrix_power",
        args(square(3)),
        fn=lambda lib, a: lib.linalg.matrix_power(a, 5),
        errors=(args(arr(3, 4), 2),),
    ),
    OpEntry(
        "linalg.matrix_power",
        args(square(3, 2)),
        fn=lambda lib, a: lib.linalg.matrix_power(a, -2),
        variant="negative",
    ),
    OpEntry(
        "linalg.matrix_power",
        args(square(3)),
        fn=lambda lib, a: lib.linalg.matrix_power(a, 0),
        variant="zero",
    ),
    OpEntry(
        "linalg.matrix_power",
        args(square(3)),
        fn=lambda lib, a: lib.linalg.matrix_power(a, 1),
        variant="one",
    ),
    OpEntry("matrix_power", args(square(3)), fn=lambda lib, a: lib.matrix_power(a, 2)),
    OpEntry("Tensor.matrix_power", args(square(3)), fn=lambda lib, a: a.matrix_power(3)),
    OpEntry("linalg.matrix_rank", args(spectrum(4, 3)), grad=False, errors=(VECTOR,)),
    OpEntry("linalg.matrix_rank", args(singular(4)), grad=False, variant="singular"),
    OpEntry(
        "linalg.matrix_rank",
        args(spectrum(4, 3, 2)),
        fn=lambda lib, a: lib.linalg.matrix_rank(a, atol=2.5),
        grad=False,
        variant="atol",
    ),
    OpEntry(
        "linalg.matrix_rank",
        args(spd(3)),
        fn=lambda lib, a: lib.linalg.matrix_rank(a, hermitian=True),
        grad=False,
        variant="hermitian",
    ),
    OpEntry(
        "linalg.lstsq",
        args(spectrum(5, 3), arr(5, 2)),
        fn=lambda lib, a, b: lib.linalg.lstsq(a, b)[:3],
        errors=(args(arr(5, 3), arr(4, 2)),),
    ),
    OpEntry(
        "linalg.lstsq",
        args(spectrum(5, 3, 2), arr(2, 5, 2)),
        fn=lambda lib, a, b: lib.linalg.lstsq(a, b).solution,
        variant="batched",
    ),
    OpEntry(
        "linalg.lstsq",
        args(spectrum(5, 3), arr(5, 2)),
        fn=lambda lib, a, b: tuple(lib.linalg.lstsq(a, b, driver="gelsd")),
        variant="gelsd",
    ),
    OpEntry("linalg.vecdot", args(arr(3, 4), arr(4)), fn=lambda lib, a, b: lib.linalg.vecdot(a, b)),
    OpEntry(
        "linalg.vecdot",
        args(arr(3, 4), arr(3, 4)),
        fn=lambda lib, a, b: lib.linalg.vecdot(a, b, dim=0),
        variant="dim",
    ),
    OpEntry("linalg.matmul", args(arr(2, 3), arr(3)), fn=lambda lib, a, b: lib.linalg.matmul(a, b)),
)

add(
    OpEntry("linalg.det", args(singular(3)), variant="singular"),
    OpEntry("linalg.det", args(noncontig(3, 3)), variant="noncontig"),
    OpEntry("linalg.det", args(arr(2, 0, 0)), variant="empty"),
    OpEntry("linalg.inv", args(arr(0, 0)), variant="empty"),
    OpEntry("linalg.solve", args(square(3), noncontig(3, 2)), variant="noncontig"),
    OpEntry(
        "linalg.cholesky",
        args(spd(3)),
        fn=lambda lib, a: lib.linalg.cholesky(a.mT),
        variant="noncontig",
    ),
    OpEntry("linalg.svdvals", args(noncontig(3, 4)), variant="noncontig"),
    OpEntry("norm", args(spectrum(3, 4)), fn=lambda lib, a: lib.norm(a, p="nuc"), variant="nuc"),
    OpEntry(
        "Tensor.norm",
        args(spectrum(3, 4)),
        fn=lambda lib, a: a.norm(p="nuc", dim=(0, 1)),
        variant="nuc",
    ),
)


def lower(n, *batch):
    def make(rng, dtype):
        return (np.tril(rng.uniform(-1, 1, batch + (n, n))) + n * np.eye(n)).astype(dtype)

    return make


def solve_triangular(upper, left=True, unitriangular=False):
    return lambda lib, a, b: lib.linalg.solve_triangular(
        a, b, upper=upper, left=left, unitriangular=unitriangular
    )


add(
    OpEntry(
        "linalg.solve_triangular",
        args(square(3), arr(3, 2)),
        fn=solve_triangular(True),
        errors=(args(square(3), arr(3)), args(square(3), arr(4, 2))),
    ),
    OpEntry(
        "linalg.solve_triangular",
        args(square(3, 2), arr(3, 4)),
        fn=solve_triangular(False),
        variant="lower-batched",
    ),
    OpEntry(
        "linalg.solve_triangular",
        args(square(3), arr(2, 3)),
        fn=solve_triangular(True, left=False),
        variant="right",
    ),
    OpEntry(
        "linalg.solve_triangular",
        args(square(3), arr(3, 2)),
        fn=solve_triangular(False, unitriangular=True),
        variant="unit",
    ),
    OpEntry("linalg.matrix_exp", args(arr(3, 3)), errors=(NOT_SQUARE,)),
    OpEntry("linalg.matrix_exp", args(arr(2, 4, 4, high=3.0)), variant="batched-scaled"),
    OpEntry("matrix_exp", args(arr(3, 3))),
    OpEntry("Tensor.matrix_exp", args(arr(2, 2)), fn=lambda lib, a: a.matrix_exp()),
    OpEntry("cholesky_solve", args(arr(3, 2), lower(3))),
    OpEntry(
        "cholesky_solve",
        args(arr(2, 3, 2), lower(3)),
        fn=lambda lib, b, l: lib.cholesky_solve(b, l.mT, upper=True),
        variant="upper",
    ),
    OpEntry("cholesky_inverse", args(lower(3))),
    OpEntry(
        "cholesky_inverse",
        args(lower(3)),
        fn=lambda lib, l: lib.cholesky_inverse(l.mT, upper=True),
        variant="upper",
    ),
    OpEntry(
        "Tensor.cholesky_solve", args(arr(3, 1), lower(3)), fn=lambda lib, b, l: b.cholesky_solve(l)
    ),
    OpEntry("Tensor.cholesky_inverse", args(lower(3)), fn=lambda lib, l: l.cholesky_inverse()),
)

add(
    OpEntry(
        "linalg.solve",
        args(square(3), arr(3)),
        fn=lambda lib, a, b: lib.linalg.solve(a, b, left=False),
        dtypes=(),
        errors=(args(square(3), arr(3)),),
        variant="right-vector",
    ),
    OpEntry("linalg.cholesky_ex", args(spd(3, 2)), fn=lambda lib, a: lib.linalg.cholesky_ex(a)),
    OpEntry(
        "linalg.cholesky_ex",
        args(spd(3)),
        fn=lambda lib, a: lib.linalg.cholesky_ex(a, upper=True),
        variant="upper",
    ),
)


add(
    OpEntry(
        "linalg.lstsq",
        args(spectrum(5, 3), arr(5)),
        fn=lambda lib, a, b: lib.linalg.lstsq(a, b).solution,
        variant="vector",
    ),
    OpEntry(
        "linalg.lstsq",
        args(singular(4), arr(4, 2)),
        fn=lambda lib, a, b: lib.linalg.lstsq(a, b)[::2],
        grad=False,
        variant="rank-deficient",
    ),
    OpEntry(
        "linalg.matrix_power",
        args(arr(3, 3)),
        fn=lambda lib, a: lib.linalg.matrix_power(a, 3),
        dtypes=(),
        errors=(args(arr(3)), args(arr(2, 3))),
        variant="errors",
    ),
)


def upper_tri(n, *batch):
    def make(rng, dtype):
        return (np.triu(rng.uniform(-1, 1, batch + (n, n))) + n * np.eye(n)).astype(dtype)

    return make


add(
    OpEntry(
        "linalg.tensorinv",
        args(square(6)),
        fn=lambda lib, a: lib.linalg.tensorinv(a.reshape(2, 3, 6), ind=2),
        errors=(args(arr(4, 6, 8, 2)),),
    ),
    OpEntry(
        "linalg.tensorinv",
        args(square(6)),
        fn=lambda lib, a: lib.linalg.tensorinv(a.reshape(6, 2, 3), ind=1),
        variant="ind1",
    ),
    OpEntry(
        "linalg.tensorsolve",
        args(square(6), arr(2, 3)),
        fn=lambda lib, a, b: lib.linalg.tensorsolve(a.reshape(2, 3, 6), b),
    ),
    OpEntry(
        "linalg.tensorsolve",
        args(square(6), arr(6)),
        fn=lambda lib, a, b: lib.linalg.tensorsolve(
            a.reshape(2, 3, 6).permute(2, 0, 1), b, dims=(1, 2)
        ),
        variant="dims",
    ),
    OpEntry(
        "linalg.tensorsolve",
        args(arr(6, 4, 2, 3), arr(6, 4)),
        fn=lambda lib, a, b: lib.linalg.tensorsolve(a, b, dims=(0, 2)),
        dtypes=(),
        errors=(args(arr(6, 4, 2, 3), arr(6, 4)),),
        variant="bad-dims",
    ),
    OpEntry("linalg.vander", args(arr(4)), fn=lambda lib, x: lib.linalg.vander(x)),
    OpEntry(
        "linalg.vander",
        args(arr(2, 3)),
        fn=lambda lib, x: lib.linalg.vander(x * 0, N=5),
        variant="zero-N",
    ),
    OpEntry(
        "linalg.vander",
        args(ints(3)),
        fn=lambda lib, x: lib.linalg.vander(x),
        dtypes=("int64",),
        variant="int",
    ),
    OpEntry(
        "frobenius_norm", args(arr(2, 3, 4)), fn=lambda lib, a: lib.frobenius_norm(a, dim=(0, 2))
    ),
    OpEntry(
        "frobenius_norm",
        args(arr(2, 3, 4)),
        fn=lambda lib, a: lib.frobenius_norm(a, (1,), True),
        variant="keepdim",
    ),
    OpEntry("nuclear_norm", args(spectrum(3, 4, 2))),
    OpEntry(
        "nuclear_norm",
        args(spectrum(3, 4)),
        fn=lambda lib, a: lib.nuclear_norm(a, True),
        variant="keepdim",
    ),
    OpEntry(
        "triangular_solve",
        args(arr(3, 2), upper_tri(3)),
        fn=lambda lib, b, a: lib.triangular_solve(b, a),
    ),
    OpEntry(
        "triangular_solve",
        args(arr(2, 3, 2), upper_tri(3)),
        fn=lambda lib, b, a: lib.triangular_solve(b, a.mT, upper=False, transpose=True),
        variant="transpose",
    ),
    OpEntry(
        "triangular_solve",
        args(arr(3, 2), upper_tri(3)),
        fn=lambda lib, b, a: lib.triangular_solve(b, a, unitriangular=True),
        variant="unit",
    ),
    OpEntry(
        "Tensor.triangular_solve",
        args(arr(3, 1), upper_tri(3)),
        fn=lambda lib, b, a: b.triangular_solve(a),
    ),
)

add(
    OpEntry("linalg.lu_factor", args(arr(4, 4)), errors=(VECTOR, INT_MATRIX, args(singular(3)))),
    OpEntry("linalg.lu_factor", args(arr(5, 3)), variant="tall"),
    OpEntry("linalg.lu_factor", args(arr(3, 5)), variant="wide"),
    OpEntry("linalg.lu_factor", args(arr(2, 3, 3)), variant="batched"),
    OpEntry(
        "linalg.lu_factor_ex",
        args(singular(3)),
        fn=lambda lib, a: lib.linalg.lu_factor_ex(a)[1:],
        grad=False,
    ),
    OpEntry(
        "linalg.lu_factor_ex",
        args(arr(2, 3, 3)),
        fn=lambda lib, a: tuple(lib.linalg.lu_factor_ex(a)),
        variant="batched",
    ),
    OpEntry("linalg.lu", args(arr(4, 4)), fn=lambda lib, a: tuple(lib.linalg.lu(a))),
    OpEntry(
        "linalg.lu", args(arr(2, 5, 3)), fn=lambda lib, a: tuple(lib.linalg.lu(a)), variant="tall"
    ),
    OpEntry(
        "linalg.lu", args(arr(3, 4)), fn=lambda lib, a: tuple(lib.linalg.lu(a)), variant="wide"
    ),
    OpEntry(
        "linalg.lu_solve",
        args(square(3), arr(3, 2)),
        fn=lambda lib, a, b: lib.linalg.lu_solve(*lib.linalg.lu_factor(a), b),
    ),
    OpEntry(
        "linalg.lu_solve",
        args(square(3, 2), arr(3, 2)),
        fn=lambda lib, a, b: lib.linalg.lu_solve(*lib.linalg.lu_factor(a), b, adjoint=True),
        variant="adjoint",
    ),
    OpEntry(
        "linalg.lu_solve",
        args(square(3), arr(2, 3)),
        fn=lambda lib, a, b: lib.linalg.lu_solve(*lib.linalg.lu_factor(a), b, left=False),
        variant="right",
    ),
    OpEntry(
        "linalg.lu_solve",
        args(square(3), arr(4, 2)),
        fn=lambda lib, a, b: lib.linalg.lu_solve(*lib.linalg.lu_factor(a), b),
        dtypes=(),
        errors=(args(square(3), arr(4, 2)),),
        variant="bad-shape",
    ),
    OpEntry("lu", args(arr(3, 3)), fn=lambda lib, a: tuple(lib.lu(a))),
    OpEntry(
        "lu",
        args(singular(3)),
        fn=lambda lib, a: tuple(lib.lu(a, get_infos=True))[1:],
        grad=False,
        variant="infos",
    ),
    OpEntry("Tensor.lu", args(arr(3, 3)), fn=lambda lib, a: a.lu()[0]),
    OpEntry(
        "lu_unpack",
        args(arr(4, 3)),
        fn=lambda lib, a: tuple(lib.lu_unpack(*lib.linalg.lu_factor(a))),
    ),
    OpEntry(
        "lu_solve",
        args(arr(3, 2), square(3)),
        fn=lambda lib, b, a: lib.lu_solve(b, *lib.linalg.lu_factor(a)),
    ),
    OpEntry(
        "Tensor.lu_solve",
        args(arr(3, 2), square(3)),
        fn=lambda lib, b, a: b.lu_solve(*lib.linalg.lu_factor(a)),
    ),
)

add(
    # torch's own backward of torch.vander fails (an in-place op on a saved tensor); ember's
    # gradient is linalg.vander's, compared below
    OpEntry("vander", args(arr(4)), grad=False, errors=(args(arr(2, 3)),)),
    OpEntry(
        "vander",
        args(arr(3)),
        fn=lambda lib, x: lib.vander(x, N=5, increasing=True),
        grad=False,
        variant="increasing",
    ),
    OpEntry(
        "vander",
        args(ints(3)),
        fn=lambda lib, x: lib.vander(x, 2),
        dtypes=("int64",),
        variant="int",
    ),
    OpEntry(
        "linalg.solve_ex",
        args(square(3, 2), arr(2, 3)),
        fn=lambda lib, a, b: tuple(lib.linalg.solve_ex(a, b)),
    ),
)

# only some outputs of a multi-output op used (the others' gradients are missing or zero)
add(
    OpEntry(
        "linalg.svd",
        args(spectrum(4, 3)),
        fn=lambda lib, a: lib.linalg.svd(a, False)[0] ** 2,
        variant="only-U",
    ),
    OpEntry(
        "linalg.svd",
        args(spectrum(4, 3)),
        fn=lambda lib, a: lib.linalg.svd(a, False)[2] ** 2,
        variant="only-Vh",
    ),
    OpEntry(
        "linalg.qr",
        args(spectrum(4, 3)),
        fn=lambda lib, a: lib.linalg.qr(a)[0] ** 2,
        variant="only-Q",
    ),
    OpEntry(
        "linalg.qr",
        args(spectrum(4, 3)),
        fn=lambda lib, a: lib.linalg.qr(a)[1] ** 2,
        variant="only-R",
    ),
    OpEntry(
        "linalg.eigh",
        args(symmetric(3)),
        fn=lambda lib, a: lib.linalg.eigh(a)[1] ** 2,
        variant="only-V",
    ),
    OpEntry(
        "linalg.slogdet",
        args(square(3)),
        fn=lambda lib, a: lib.linalg.slogdet(a)[0],
        variant="only-sign",
    ),
)


def half(n):
    """A float16 matrix: LAPACK has no half precision, and torch refuses it."""

    def make(rng, dtype):
        return (rng.uniform(-1, 1, (n, n)) + n * np.eye(n)).astype("float16")

    return make


HALF = args(half(3))
add(
    *(
        OpEntry(name, HALF, dtypes=(), errors=(HALF,), variant="float16")
        for name in (
            "linalg.inv",
            "linalg.det",
            "linalg.slogdet",
            "linalg.cholesky",
            "linalg.svdvals",
            "linalg.eigvalsh",
            "linalg.pinv",
            "linalg.lu_factor",
        )
    ),
    OpEntry("linalg.qr", HALF, dtypes=(), errors=(HALF,), variant="float16"),
    OpEntry(
        "linalg.solve",
        args(half(3), half(3)),
        dtypes=(),
        errors=(args(half(3), half(3)),),
        variant="float16",
    ),
)
