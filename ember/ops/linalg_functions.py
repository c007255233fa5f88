"""torch.linalg functions built on the factorizations in ``linalg.py``: pinv (with its own
backward, as torch), lstsq, matrix_rank, matrix_power, cond, and the namespace's aliases of
products (multi_dot, vecdot, matmul) and of diagonal."""

from __future__ import annotations

import collections

from .._dtype import finfo
from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from . import blas
from ._util import handle_out, xp_of
from .comparison import maximum, where
from .linalg import (
    _check_matrix,
    _eye_like,
    eigvalsh,
    inv,
    matrix_norm,
    svdvals,
)

lstsq_result = collections.namedtuple(
    "linalg_lstsq", ["solution", "residuals", "rank", "singular_values"]
)


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
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError(
            "linalg.matrix_power: A must be batches of square matrices, but they are "
            f"{' by '.join(str(s) for s in A.shape[-2:]) if A.ndim >= 2 else A.ndim} matrices"
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
    return handle_out(result, out)


def matrix_rank(A: Tensor, *, atol=None, rtol=None, hermitian: bool = False, out=None) -> Tensor:
    """The number of singular values above ``max(atol, rtol * s_max)`` (int64)."""
    _check_matrix(A, "linalg.matrix_rank")
    from ..autograd.grad_mode import no_grad

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
