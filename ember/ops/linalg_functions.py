"""torch.linalg functions built on the factorizations in ``linalg.py``: pinv (with its own
backward, as torch), lstsq, matrix_rank, matrix_power, cond, solve_triangular, matrix_exp,
tensorinv, tensorsolve, vander, and the namespace's aliases of products (multi_dot, vecdot,
matmul) and of diagonal."""

from __future__ import annotations

import math

from .._dtype import finfo
from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ..autograd.grad_mode import no_grad
from . import blas
from ._util import handle_out, in_float32, np_kind, return_type, xp_of
from .comparison import maximum, where
from .creation import ones_like
from .linalg import (
    _check_matrix,
    _check_square,
    _eye_like,
    _solve_matrices,
    eigvalsh,
    inv,
    matrix_norm,
    svdvals,
)
from .shape import cat, stack

lstsq_result = return_type("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))


def cond(A: Tensor, p=None, *, out=None) -> Tensor:
    """The condition number ``norm(A) * norm(A^-1)`` (2-norm by default: s_max / s_min)."""
    _check_matrix(A, "linalg.cond")
    if p in (None, 2, -2):
        S = svdvals(A)
        ratio = S.amax(-1) / S.amin(-1)
        return handle_out(ratio if p in (None, 2) else ratio.reciprocal(), out)
    return handle_out(matrix_norm(A, p) * matrix_norm(inv(A), p), out)


def _tolerance(S: Tensor, atol, rtol, shape) -> Tensor:
    """torch's cutoff ``max(atol, rtol * s_max)``: rtol defaults to eps * max(m, n), or to 0
    when only a positive atol is given."""
    if rtol is None:
        atol_given = atol is not None and (isinstance(atol, Tensor) or atol > 0)
        rtol = 0.0 if atol_given else finfo(S.dtype).eps * max(shape[-2:])
    tol = S.amax(-1, keepdim=True) * rtol
    if isinstance(atol, Tensor):
        return maximum(tol, atol.unsqueeze(-1))
    return tol if atol is None else tol.clamp_min(atol)


class Pinv(ArrayFunction):
    """math: X = A^+ (singular values <= tol dropped);
    dA = -X^T dX X^T + (I - A X) dX^T X X^T + X^T X dX^T (I - X A)"""

    @staticmethod
    def forward(ctx, A, atol, rtol, hermitian):
        xp = xp_of(A)
        if hermitian:
            w, V = xp.linalg.eigh(A)
            s, left, right = xp.abs(w), V * xp.sign(w)[..., None, :], xp.swapaxes(V, -1, -2)
        else:
            left, s, right = xp.linalg.svd(A, full_matrices=False)
        if rtol is None:
            rtol = (
                0.0 if atol is not None and atol > 0 else xp.finfo(A.dtype).eps * max(A.shape[-2:])
            )
        s_max = s.max(-1, keepdims=True) if s.shape[-1] else xp.zeros(s.shape[:-1] + (1,), s.dtype)
        tol = xp.maximum(s_max * rtol, atol or 0.0)
        keep = s > tol
        s_inv = xp.where(keep, 1 / xp.where(keep, s, 1), 0).astype(A.dtype)
        X = (xp.swapaxes(right, -1, -2) * s_inv[..., None, :]) @ xp.swapaxes(left, -1, -2)
        ctx.save_for_backward(A, X)
        return X

    @staticmethod
    def backward(ctx, grad):
        A, X = ctx.saved_tensors
        m, n = A.shape[-2:]
        left = -(X.mT @ grad @ X.mT)
        proj_a = _eye_like(A, m) - A @ X  # I - A X, m x m
        proj_x = _eye_like(A, n) - X @ A  # I - X A, n x n
        return left + proj_a @ grad.mT @ (X @ X.mT) + (X.mT @ X) @ grad.mT @ proj_x


def pinv(A: Tensor, *, atol=None, rtol=None, hermitian: bool = False, out=None) -> Tensor:
    """The Moore-Penrose pseudo-inverse, from the SVD (or eigh when ``hermitian``); singular
    values at most ``max(atol, rtol * s_max)`` count as zero. rtol defaults to
    eps * max(m, n), or to 0 when only a positive atol is given."""
    _check_matrix(A, "linalg.pinv")
    return handle_out(Pinv.apply(A, atol, rtol, hermitian), out)


def matrix_power(A: Tensor, n: int, *, out=None) -> Tensor:
    """``A^n`` for an integer n (negative: of the inverse), by repeated squaring."""
    if A.ndim < 2:
        raise RuntimeError(
            "linalg.matrix_power: The input tensor A must have at least 2 dimensions."
        )
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(
            "linalg.matrix_power: A must be batches of square matrices, but they are "
            f"{A.shape[-2]} by {A.shape[-1]} matrices"
        )
    if n == 0:
        # the identity, still connected to A (zero gradient) as torch's result is
        ignore = Tensor._make(xp_of(A._data).zeros((), dtype=bool))
        return handle_out(where(ignore, A, _eye_like(A, A.shape[-1])), out)
    base = inv(A) if n < 0 else A
    n = abs(n)
    result = None
    while n:
        if n & 1:
            result = base if result is None else result @ base
        n >>= 1
        if n:
            base = base @ base
    return handle_out(A.clone() if result is A else result, out)


def matrix_rank(A: Tensor, *, atol=None, rtol=None, hermitian: bool = False, out=None) -> Tensor:
    """The number of singular values above ``max(atol, rtol * s_max)`` (int64)."""
    _check_matrix(A, "linalg.matrix_rank")
    with no_grad():
        S = eigvalsh(A).abs() if hermitian else svdvals(A)
        rank = (S > _tolerance(S, atol, rtol, A.shape)).sum(-1)
    return handle_out(rank, out)


def lstsq(A: Tensor, B: Tensor, rcond=None, *, driver=None):
    """Least-squares ``min ||A X - B||``: ``(solution, residuals, rank, singular_values)``.

    The solution is ``pinv(A) @ B`` (differentiable); as torch's default CPU driver 'gelsy',
    residuals and singular_values are empty unless driver is 'gelsd' or 'gelss'."""
    _check_matrix(A, "torch.linalg.lstsq")
    if A.dtype != B.dtype:
        raise RuntimeError(
            f"torch.linalg.lstsq: Expected input and other to have the same dtype, but got "
            f"input's dtype {A.dtype} and other's dtype {B.dtype}"
        )
    vector = B.ndim == A.ndim - 1
    B2 = B.unsqueeze(-1) if vector else B
    if B2.shape[-2] != A.shape[-2]:
        raise RuntimeError(
            f"torch.linalg.lstsq: input.size(-2) should match other.size(-2). Got "
            f"{A.shape[-2]} and {B2.shape[-2]}"
        )
    driver = driver or "gelsy"
    rtol = rcond if rcond is not None and rcond > 0 else None
    X = pinv(A, rtol=rtol) @ B2
    rank = matrix_rank(A, rtol=rtol)
    m, n = A.shape[-2:]
    residuals = X.reshape(-1)[:0]  # empty, but part of the graph as torch's is
    singular_values = Tensor._make(xp_of(A._data).zeros((0,), A._data.dtype))
    if driver in ("gelsd", "gelss"):
        singular_values = svdvals(A.detach())
    if driver != "gelsy" and m > n and bool((rank == n).all()):
        residuals = ((A @ X - B2) ** 2).sum(-2)
    return lstsq_result(X.squeeze(-1) if vector else X, residuals, rank, singular_values)


def multi_dot(tensors, *, out=None) -> Tensor:
    """The product of a chain of matrices; the first may be a row vector, the last a column."""
    return blas._multi_dot(list(tensors), out=out)


def vecdot(x: Tensor, y: Tensor, *, dim: int = -1, out=None) -> Tensor:
    """The dot product of vectors along ``dim`` (broadcasting the other dims)."""
    return handle_out((x * y).sum(dim), out)


def diagonal(A: Tensor, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """``torch.diagonal`` with the last two dims as its defaults."""
    from . import matrix

    return matrix.diagonal(A, offset, dim1, dim2)


matmul = blas.matmul


def solve_triangular(
    A: Tensor, B: Tensor, *, upper: bool, left: bool = True, unitriangular: bool = False, out=None
) -> Tensor:
    """X with ``A X = B`` (``X A = B`` when not ``left``) reading only A's upper or lower
    triangle (and taking its diagonal as ones when ``unitriangular``)."""
    name = "linalg.solve_triangular"
    _check_square(A, name)
    if B.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor B must have at least 2 dimensions.")
    xp = xp_of(A._data)
    n = A.shape[-1]
    ones = xp.ones((n, n), dtype=A._data.dtype)
    mask = (
        xp.triu(ones, 1 if unitriangular else 0)
        if upper
        else xp.tril(ones, -1 if unitriangular else 0)
    )
    # masking makes the other triangle exactly zero, so its gradient is zero too
    T = A * Tensor._make(mask)
    if unitriangular:
        T = T + _eye_like(A, n)
    return handle_out(_solve_matrices(T, B, left, name), out)


class MatrixExp(ArrayFunction):
    """math: E = exp(A);  dA = [exp([[A^T, dE], [0, A^T]])]_{12}  (the upper-right block of the
    exponential of a block matrix: the adjoint of the Frechet derivative)"""

    @staticmethod
    def forward(ctx, A):
        ctx.save_for_backward(A)
        return _expm(xp_of(A), A)

    @staticmethod
    def backward(ctx, grad):
        (A,) = ctx.saved_tensors
        n = A.shape[-1]
        At = A.mT
        top = cat([At, grad], dim=-1)
        bottom = cat([At * 0, At], dim=-1)
        return MatrixExp.apply(cat([top, bottom], dim=-2))[..., :n, n:]


# Pade [13/13] coefficients and the 1-norm bound up to which they are accurate (Higham 2005)
_PADE13 = (
    64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0,
    129060195264000.0, 10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0,
    40840800.0, 960960.0, 16380.0, 182.0, 1.0,
)  # fmt: skip
_THETA13 = 5.371920351148152


def _expm(xp, A):
    """exp(A) by scaling and squaring with a [13/13] Pade approximant, in float64."""
    a = A.astype("float64")
    norm = float(xp.abs(a).sum(-2).max()) if a.size else 0.0
    s = max(0, math.ceil(math.log2(norm / _THETA13))) if norm > _THETA13 else 0
    a = a / 2.0**s
    b = _PADE13
    eye = xp.eye(a.shape[-1])
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    u = a @ (
        a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2) + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * eye
    )
    v = a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 + b[0] * eye
    r = xp.linalg.solve(v - u, v + u)
    for _ in range(s):
        r = r @ r
    return r.astype(A.dtype)


@in_float32
def matrix_exp(A: Tensor) -> Tensor:
    """The matrix exponential ``sum_k A^k / k!``."""
    _check_square(A, "linalg.matrix_exp")
    return MatrixExp.apply(A)


def tensorinv(A: Tensor, ind: int = 2, *, out=None) -> Tensor:
    """The inverse of ``A`` under ``tensordot(., ., ind)``: ``A`` reshaped to a square matrix
    (its first ``ind`` dims against the rest), inverted, reshaped back."""
    rows, cols = tuple(A.shape[:ind]), tuple(A.shape[ind:])
    m, n = math.prod(rows), math.prod(cols)
    if ind <= 0 or m != n:
        raise RuntimeError(
            f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
            f"prod(self.shape[:ind]), but got {n} != {m}"
        )
    return handle_out(inv(A.reshape(m, n)).reshape(cols + rows), out)


def tensorsolve(A: Tensor, B: Tensor, dims=None, *, out=None) -> Tensor:
    """X with ``tensordot(A, X, X.ndim) = B``; ``dims`` of A are moved to the end first."""
    if dims is not None:
        moved = [d % A.ndim for d in dims]
        A = A.permute([d for d in range(A.ndim) if d not in moved] + moved)
    rows, cols = tuple(A.shape[: B.ndim]), tuple(A.shape[B.ndim :])
    m, n = math.prod(rows), math.prod(cols)
    if m != n:
        raise RuntimeError(
            f"Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == "
            f"prod(self.shape[:other.ndim]), but got {n} != {m}"
        )
    X = _solve_matrices(A.reshape(m, n), B.reshape(m, 1), True, "linalg.tensorsolve")
    return handle_out(X.reshape(cols), out)


def vander(x: Tensor, N: int | None = None) -> Tensor:
    """The Vandermonde matrix ``V[..., i, j] = x[..., i] ** j`` for j < N (default len(x)),
    built as running products so the gradient at x = 0 is finite."""
    if x.ndim < 1:
        raise RuntimeError("linalg.vander: x must have at least one dimension.")
    N = x.shape[-1] if N is None else N
    if N < 0:
        raise RuntimeError("N must be non-negative.")
    if np_kind(x._data.dtype) in "biu":  # integers (and bools) count in int64, as torch's
        x = x.long()
    columns = [ones_like(x)]
    for _ in range(1, N):
        columns.append(columns[-1] * x)
    return stack(columns[:N], dim=-1)
