"""LU factorization with partial pivoting: ``linalg.lu_factor``, ``lu_factor_ex``, ``lu``,
``lu_solve``. ``A = P L U`` with L unit lower triangular, U upper triangular; the packed form
holds L below the diagonal and U on and above it, and pivots (1-based, int32) record the row
swaps as LAPACK's getrf does.

NumPy has no LU, so the forward is the textbook elimination, a loop over columns with each
step vectorized over rows and the batch. Unpacking and solving are ember ops on the packed
factor, so only the factorization itself needs a backward.
"""

from __future__ import annotations

from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ._util import np_kind, return_type, type_name, xp_of
from .linalg import _check_matrix, _eye_like, _solve_matrices
from .linalg_functions import solve_triangular
from .shape import cat

lu_factor_result = return_type("linalg_lu_factor", ("LU", "pivots"))
lu_factor_ex_result = return_type("linalg_lu_factor_ex", ("LU", "pivots", "info"))
lu_result = return_type("linalg_lu", ("P", "L", "U"))


def _getrf(xp, A):
    """Packed LU, 1-based pivots and info (first zero pivot, 1-based; 0 if none)."""
    m, n = A.shape[-2:]
    k = min(m, n)
    batch = A.shape[:-2]
    a = A.reshape((-1, m, n)).copy()
    count = a.shape[0]
    rows = xp.arange(count)
    pivots = xp.zeros((count, k), dtype="int32")
    info = xp.zeros(count, dtype="int32")
    for j in range(k):
        p = j + xp.argmax(xp.abs(a[:, j:, j]), axis=-1)  # first largest, as LAPACK's idamax
        pivots[:, j] = p + 1
        row_j = a[rows, j].copy()
        a[rows, j] = a[rows, p]
        a[rows, p] = row_j
        pivot = a[:, j, j]
        zero = pivot == 0
        info = xp.where(zero & (info == 0), j + 1, info)
        scale = xp.where(zero, 0, 1 / xp.where(zero, 1, pivot))  # a zero pivot: nothing to do
        a[:, j + 1 :, j] *= scale[:, None]
        a[:, j + 1 :, j + 1 :] -= a[:, j + 1 :, j, None] * a[:, j, None, j + 1 :]
    return a.reshape(A.shape), pivots.reshape(batch + (k,)), info.reshape(batch)


def _permutation(xp, pivots, m: int, dtype):
    """P with ``A = P L U`` from getrf's pivots (the swaps applied in order)."""
    batch = pivots.shape[:-1]
    flat = pivots.reshape(-1, pivots.shape[-1]) - 1
    count = flat.shape[0]
    rows = xp.arange(count)
    perm = xp.tile(xp.arange(m), (count, 1))
    for j in range(flat.shape[1]):
        p = flat[:, j]
        at_j = perm[rows, j].copy()
        perm[rows, j] = perm[rows, p]
        perm[rows, p] = at_j
    # row i of L U is row perm[i] of A, so P[perm[i], i] = 1
    P = xp.zeros((count, m, m), dtype=dtype)
    P[rows[:, None], perm, xp.arange(m)] = 1
    return P.reshape(batch + (m, m))


def _unpack(LU: Tensor) -> tuple:
    """L (m x k, unit diagonal) and U (k x n) from the packed factor, as ember ops."""
    xp = xp_of(LU._data)
    m, n = LU.shape[-2:]
    k = min(m, n)
    lower = Tensor._make(xp.tril(xp.ones((m, k), dtype=LU._data.dtype), -1))
    upper = Tensor._make(xp.triu(xp.ones((k, n), dtype=LU._data.dtype)))
    L = LU[..., :, :k] * lower + Tensor._make(xp.eye(m, k, dtype=LU._data.dtype))
    U = LU[..., :k, :] * upper
    return L, U


class LuFactor(ArrayFunction):
    """math: A = P L U;  for a square A with gL (strictly lower) and gU (upper) read from the
    packed gradient:  dA = P L^-T (tril_-1(L^T gL) + triu(gU U^T)) U^-T.
    A tall A = P [L1; L2] U adds dA2 = P2 gL2 U^-T (L2 = A2 U^-1); a wide A = P L [U1 U2]
    adds dA2 = P L^-T gU2 (U2 = L^-1 P^T A2); each feeds back into the square part."""

    @staticmethod
    def forward(ctx, A):
        xp = xp_of(A)
        LU, pivots, info = _getrf(xp, A)
        ctx.mark_non_differentiable(pivots, info)
        ctx.P = _permutation(xp, pivots, A.shape[-2], A.dtype)
        ctx.save_for_backward(LU)
        return LU, pivots, info

    @staticmethod
    def backward(ctx, grad, _grad_pivots=None, _grad_info=None):
        (LU,) = ctx.saved_tensors
        P = Tensor._make(ctx.P)
        m, n = LU.shape[-2:]
        k = min(m, n)
        L, U = _unpack(LU)
        grad_l, grad_u = _unpack_grad(grad)
        if m > n:  # tall: split L = [L1; L2]
            L1, L2 = L[..., :k, :], L[..., k:, :]
            grad_l1, grad_l2 = grad_l[..., :k, :], grad_l[..., k:, :]
            grad_a2 = _right_solve_upper(grad_l2, U)  # gL2 U^-T
            grad_u = grad_u - _right_solve_upper(L2.mT @ grad_l2, U)
            grad_a = cat([_square_lu_grad(L1, U, grad_l1, grad_u), grad_a2], dim=-2)
        elif m < n:  # wide: split U = [U1 U2]
            U1, U2 = U[..., :, :k], U[..., :, k:]
            grad_u1, grad_u2 = grad_u[..., :, :k], grad_u[..., :, k:]
            grad_a2 = solve_triangular(L.mT, grad_u2, upper=True, unitriangular=True)
            grad_l = grad_l - solve_triangular(
                L.mT, grad_u2 @ U2.mT, upper=True, unitriangular=True
            )
            grad_a = cat([_square_lu_grad(L, U1, grad_l, grad_u1), grad_a2], dim=-1)
        else:
            grad_a = _square_lu_grad(L, U, grad_l, grad_u)
        return P @ grad_a


def _unpack_grad(grad: Tensor) -> tuple:
    """The packed gradient split into its strictly lower (L) and upper (U) parts."""
    xp = xp_of(grad._data)
    m, n = grad.shape[-2:]
    k = min(m, n)
    lower = Tensor._make(xp.tril(xp.ones((m, k), dtype=grad._data.dtype), -1))
    upper = Tensor._make(xp.triu(xp.ones((k, n), dtype=grad._data.dtype)))
    return grad[..., :, :k] * lower, grad[..., :k, :] * upper


def _right_solve_upper(G: Tensor, U: Tensor) -> Tensor:
    """``G U^-T``"""
    return solve_triangular(U, G.mT, upper=True).mT


def _square_lu_grad(L: Tensor, U: Tensor, grad_l: Tensor, grad_u: Tensor) -> Tensor:
    """``L^-T (tril_-1(L^T gL) + triu(gU U^T)) U^-T`` for square L, U (P applied later)."""
    xp = xp_of(L._data)
    k = L.shape[-1]
    ones = xp.ones((k, k), dtype=L._data.dtype)
    middle = (L.mT @ grad_l) * Tensor._make(xp.tril(ones, -1))
    middle = middle + (grad_u @ U.mT) * Tensor._make(xp.triu(ones))
    left = solve_triangular(L.mT, middle, upper=True, unitriangular=True)
    return _right_solve_upper(left, U)


def _check_lu(A: Tensor, pivot: bool, name: str) -> None:
    if np_kind(A._data.dtype) not in "fc" or A._data.dtype.itemsize < 4:
        raise NotImplementedError(f"\"lu_cpu\" not implemented for '{type_name(A.dtype)}'")
    _check_matrix(A, name)
    if not pivot:
        raise RuntimeError(f"{name}: LU without pivoting is not implemented on the CPU")


def lu_factor_ex(A: Tensor, *, pivot: bool = True, check_errors: bool = False):
    """``(LU, pivots, info)``: info is the 1-based index of the first zero pivot, 0 if none."""
    _check_lu(A, pivot, "linalg.lu_factor_ex")
    LU, pivots, info = LuFactor.apply(A)
    if check_errors and bool((info > 0).any()):
        raise RuntimeError("torch.linalg.lu_factor_ex: the factorization found a zero pivot")
    return lu_factor_ex_result(LU, pivots, info)


def lu_factor(A: Tensor, *, pivot: bool = True):
    """``(LU, pivots)``; a zero pivot (singular A) raises."""
    _check_lu(A, pivot, "linalg.lu_factor")
    LU, pivots, info = LuFactor.apply(A)
    if bool((info > 0).any()):
        i = int(info[info > 0][0]) if info.ndim else int(info)
        raise RuntimeError(
            f"torch.linalg.lu_factor: U[{i},{i}] is zero and using it on lu_solve would result "
            "in a division by zero. If you still want to perform the factorization, consider "
            "calling linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)"
        )
    return lu_factor_result(LU, pivots)


def lu(A: Tensor, *, pivot: bool = True):
    """``(P, L, U)`` with ``A = P L U``."""
    _check_lu(A, pivot, "linalg.lu")
    LU, pivots, _ = LuFactor.apply(A)
    return lu_unpack(LU, pivots)


def lu_unpack(LU_data: Tensor, LU_pivots: Tensor, unpack_data: bool = True, unpack_pivots=True):
    """``(P, L, U)`` from a packed factor and its pivots."""
    xp = xp_of(LU_data._data)
    m = LU_data.shape[-2]
    empty = Tensor._make(xp.zeros((0,), dtype=LU_data._data.dtype))
    L, U = _unpack(LU_data) if unpack_data else (empty, empty)
    P = empty
    if unpack_pivots:
        P = Tensor._make(_permutation(xp, LU_pivots._data, m, LU_data._data.dtype))
    return lu_result(P, L, U)


def lu_solve(LU: Tensor, pivots: Tensor, B: Tensor, *, left: bool = True, adjoint: bool = False):
    """X with ``A X = B`` from A's LU factorization (``A^T`` when ``adjoint``, ``X A = B``
    when not ``left``)."""
    if LU.shape[-1] != LU.shape[-2]:
        raise RuntimeError(
            f"linalg.lu_solve: A must be batches of square matrices, but they are "
            f"{LU.shape[-2]} by {LU.shape[-1]} matrices"
        )
    P, L, U = lu_unpack(LU, pivots)
    if not left:  # X A = B is A^T X^T = B^T
        return lu_solve(LU, pivots, B.mT, adjoint=not adjoint).mT
    _solve_matrices(_eye_like(LU, LU.shape[-1]), B, True, "linalg.lu_solve")  # shape checks
    if adjoint:  # A^T = U^T L^T P^T
        Y = solve_triangular(U.mT, B, upper=False)
        Y = solve_triangular(L.mT, Y, upper=True, unitriangular=True)
        return P @ Y
    Y = solve_triangular(L, P.mT @ B, upper=False, unitriangular=True)
    return solve_triangular(U, Y, upper=True)
