"""torch.linalg: inverses, determinants, solves and decompositions on (batches of) matrices.

Forwards call ``xp.linalg`` (LAPACK). Backwards are the matrix-calculus formulas written with
ember ops (matmul, solve, ...) on the saved inputs and outputs, so they are differentiable
again. ``ember.linalg`` re-exports this module's public names; the top-level torch.* forms
(``torch.det``, ``torch.inverse``, ...) are in ``matrix.py``.
"""

from __future__ import annotations

import math

import numpy as np

from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ._util import (
    handle_out,
    in_float32,
    np_kind,
    return_type,
    sum_to_shape,
    type_name,
    wrap_dims,
    xp_of,
)
from .comparison import where
from .shape import cat, stack


class LinAlgError(RuntimeError):
    """A matrix that the operation cannot handle (singular, not positive-definite)."""


slogdet_result = return_type("linalg_slogdet", ("sign", "logabsdet"))
qr_result = return_type("linalg_qr", ("Q", "R"))
svd_result = return_type("linalg_svd", ("U", "S", "Vh"))
eigh_result = return_type("linalg_eigh", ("eigenvalues", "eigenvectors"))
inv_ex_result = return_type("linalg_inv_ex", ("inverse", "info"))
cholesky_ex_result = return_type("linalg_cholesky_ex", ("L", "info"))
solve_ex_result = return_type("linalg_solve_ex", ("result", "info"))


# ---- argument checks and small helpers ------------------------------------------------------


def _check_float(A: Tensor, name: str) -> None:
    if np_kind(A._data.dtype) not in "fc":
        raise RuntimeError(
            f"{name}: Expected a floating point or complex tensor as input. Got "
            f"{type_name(A.dtype)}"
        )
    if A._data.dtype.itemsize < 4 and name in _LOW_PRECISION:  # LAPACK has no half precision
        kernel = _LOW_PRECISION[name]
        if kernel is None:
            raise RuntimeError(
                f"{name}: Low precision dtypes not supported. Got {type_name(A.dtype)}"
            )
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{type_name(A.dtype)}'")


# how torch refuses float16 / bfloat16: a RuntimeError (None) or its kernel's name
_LOW_PRECISION = {
    "linalg.inv": None,
    "linalg.inv_ex": None,
    "linalg.slogdet": None,
    "linalg.pinv": None,
    "linalg.det": "lu_cpu",
    "linalg.solve": "lu_cpu",
    "linalg.cholesky": "cholesky_cpu",
    "linalg.cholesky_ex": "cholesky_cpu",
    "linalg.qr": "geqrf_cpu",
    "linalg.svd": "linalg_svd_cpu",
    "linalg.svdvals": "linalg_svd_cpu",
    "linalg.cond": "linalg_svd_cpu",
    "linalg.matrix_rank": "linalg_svd_cpu",
    "torch.linalg.lstsq": "linalg_lstsq_cpu",
}


def _check_matrix(A: Tensor, name: str) -> None:
    _check_float(A, name)
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")


def _check_square(A: Tensor, name: str) -> None:
    _check_matrix(A, name)
    m, n = A.shape[-2:]
    if m != n:
        raise RuntimeError(
            f"{name}: A must be batches of square matrices, but they are {m} by {n} matrices"
        )


def _lapack(name: str, fn, *arrays, **kwargs):
    """Call ``xp.linalg.<fn>``, turning its LinAlgError into ember's."""
    xp = xp_of(arrays[0])
    try:
        return getattr(xp.linalg, fn)(*arrays, **kwargs)
    except np.linalg.LinAlgError as exc:  # cupy raises numpy's too
        raise LinAlgError(f"{name}: {_LAPACK_REASONS.get(fn, exc)}") from None


_LAPACK_REASONS = {
    "inv": "The inversion could not be completed because the input matrix is singular.",
    "solve": "The solver failed because the input matrix is singular.",
    "cholesky": "The factorization could not be completed because the input is not "
    "positive-definite.",
}


def _eye_like(A: Tensor, n: int) -> Tensor:
    """A constant identity matrix of A's dtype and device."""
    return Tensor._make(xp_of(A._data).eye(n, dtype=A._data.dtype))


def _tril_mask(A: Tensor, n: int, diagonal_value: float) -> Tensor:
    """A constant lower-triangular mask of ones (``diagonal_value`` on the diagonal)."""
    xp = xp_of(A._data)
    mask = xp.tril(xp.ones((n, n), dtype=A._data.dtype), -1)
    return Tensor._make(mask + diagonal_value * xp.eye(n, dtype=A._data.dtype))


def _off_diagonal_inverse(E: Tensor) -> Tensor:
    """``1 / E`` off the diagonal, 0 on it (E's diagonal is zero: adding I keeps it finite,
    so double backward sees no 0 * inf)."""
    eye = _eye_like(E, E.shape[-1])
    return (E + eye).reciprocal() * (1 - eye)


def _mat(v: Tensor) -> Tensor:
    """A batch of scalars as a batch of 1x1 matrices, to scale matrices."""
    return v.unsqueeze(-1).unsqueeze(-1)


# ---- inverse, determinant, solve ------------------------------------------------------------


class Inv(ArrayFunction):
    """math: X = A^-1;  dA = -X^T dX X^T"""

    @staticmethod
    def forward(ctx, A):
        out = _lapack("linalg.inv", "inv", A)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (X,) = ctx.saved_tensors
        return -(X.mT @ grad @ X.mT)


def inv(A: Tensor, *, out=None) -> Tensor:
    """The inverse of a (batch of) square matrices; singular input raises LinAlgError."""
    _check_square(A, "linalg.inv")
    return handle_out(Inv.apply(A), out)


def inv_ex(A: Tensor, *, check_errors: bool = False):
    """``(inverse, info)``: info is 0 where the inverse exists. A singular matrix raises with
    ``check_errors``; otherwise its inverse is NaN and its info positive."""
    _check_square(A, "linalg.inv_ex")
    return inv_ex_result(*_with_info(inv, A, check_errors))


def _with_info(fn, A: Tensor, check_errors: bool) -> tuple:
    """``(fn(A), info)`` as torch's ``*_ex`` functions: where ``fn`` fails for a matrix of the
    batch, its result is NaN and its info positive (torch gives LAPACK's index there, ember
    the matrix size)."""
    xp = xp_of(A._data)
    try:
        return fn(A), Tensor._make(xp.zeros(A.shape[:-2], dtype="int32"))
    except LinAlgError:
        if check_errors:
            raise
    n = A.shape[-1]
    flat = A.reshape(-1, n, n)
    results, info = [], xp.zeros(flat.shape[0], dtype="int32")
    for i in range(flat.shape[0]):  # the error path only: find which matrices fail
        try:
            results.append(fn(flat[i]))
        except LinAlgError:
            results.append(Tensor._make(xp.full((n, n), xp.nan, dtype=A._data.dtype)))
            info[i] = n
    return stack(results).reshape(A.shape), Tensor._make(info.reshape(A.shape[:-2]))


class Det(ArrayFunction):
    """math: d = det A;  dA = dd * d * A^-T, the cofactor matrix (from the SVD when A is
    singular: sign(det U Vh) U diag(prod_{j != i} s_j) Vh)"""

    @staticmethod
    def forward(ctx, A):
        out = xp_of(A).asarray(xp_of(A).linalg.det(A))
        ctx.save_for_backward(A, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        A, d = ctx.saved_tensors
        if bool((d == 0).any()):
            return _mat(grad) * _cofactor(A)
        return _mat(grad * d) * inv(A).mT


def _products_of_others(S: Tensor) -> Tensor:
    """``p_i = prod_{j != i} s_j`` over the last dim, without dividing (some s_j are 0):
    prefix products times suffix products."""
    cols = [S[..., j] for j in range(S.shape[-1])]
    prefix, suffix = [None], [None]
    for c in cols[:-1]:
        prefix.append(c if prefix[-1] is None else prefix[-1] * c)
    for c in cols[:0:-1]:
        suffix.append(c if suffix[-1] is None else suffix[-1] * c)
    suffix.reverse()
    products = []
    for before, after, c in zip(prefix, suffix, cols):
        if before is None and after is None:
            products.append(c * 0 + 1)
        else:
            products.append(
                after if before is None else before if after is None else before * after
            )
    return stack(products, dim=-1)


def _cofactor(A: Tensor) -> Tensor:
    """The cofactor matrix ``det(A) A^-T``, also where A is singular."""
    U, S, Vh = svd(A)
    others = _products_of_others(S)
    xp = xp_of(A._data)
    sign = Tensor._make(xp.asarray(xp.linalg.det(U._data) * xp.linalg.det(Vh._data)))
    return _mat(sign) * ((U * others.unsqueeze(-2)) @ Vh)


def det(A: Tensor, *, out=None) -> Tensor:
    """The determinant of a (batch of) square matrices."""
    _check_square(A, "linalg.det")
    return handle_out(Det.apply(A), out)


class Slogdet(ArrayFunction):
    """math: (sign, log|det A|);  dA = dlogabsdet * A^-T  (the sign has zero gradient)"""

    @staticmethod
    def forward(ctx, A):
        xp = xp_of(A)
        sign, logabsdet = xp.linalg.slogdet(A)
        ctx.save_for_backward(A)
        return xp.asarray(sign), xp.asarray(logabsdet)

    @staticmethod
    def backward(ctx, _grad_sign, grad_logabsdet=None):
        (A,) = ctx.saved_tensors
        if grad_logabsdet is None:
            return None
        return _mat(grad_logabsdet) * inv(A).mT


def slogdet(A: Tensor):
    """``(sign, logabsdet)`` of the determinant: stable where det over- or underflows."""
    _check_square(A, "linalg.slogdet")
    return slogdet_result(*Slogdet.apply(A))


class Solve(ArrayFunction):
    """math: X = A^-1 B;  dB = A^-T dX,  dA = -dB X^T   (batch dims broadcast)"""

    @staticmethod
    def forward(ctx, A, B):
        out = _lapack("torch.linalg.solve", "solve", A, B)
        ctx.save_for_backward(A, out)
        ctx.shapes = (A.shape, B.shape)
        return out

    @staticmethod
    def backward(ctx, grad):
        A, X = ctx.saved_tensors
        shape_a, shape_b = ctx.shapes
        grad_b = Solve.apply(A.mT, grad)
        grad_a = -(grad_b @ X.mT) if ctx.needs_input_grad[0] else None
        grad_a = sum_to_shape(grad_a, shape_a) if grad_a is not None else None
        return grad_a, sum_to_shape(grad_b, shape_b)


def solve(A: Tensor, B: Tensor, *, left: bool = True, out=None) -> Tensor:
    """X with ``A X = B`` (``X A = B`` when not ``left``). B is a batch of vectors when it is
    1-D or has A's shape without its last dim."""
    name = "linalg.solve"
    _check_square(A, name)
    _check_float(B, name)
    if A.dtype != B.dtype:
        raise RuntimeError(
            f"linalg.solve: Expected A and B to have the same dtype, but found A of type "
            f"{type_name(A.dtype)} and B of type {type_name(B.dtype)} instead"
        )
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1])
    if vector:  # a column: torch then only solves A x = b
        x = _solve_matrices(A, B.unsqueeze(-1), left, name)
        return handle_out(x.squeeze(-1), out)
    return handle_out(_solve_matrices(A, B, left, name), out)


def solve_ex(A: Tensor, B: Tensor, *, left: bool = True, check_errors: bool = False):
    """``(result, info)``: info is positive, and the result NaN, for a singular matrix of the
    batch (with ``check_errors`` that raises instead, as ``solve``)."""
    xp = xp_of(A._data)
    try:
        X = solve(A, B, left=left)
        return solve_ex_result(X, Tensor._make(xp.zeros(A.shape[:-2], dtype="int32")))
    except LinAlgError:
        if check_errors:
            raise
    _, info = _with_info(inv, A, False)
    singular = Tensor._make((info._data > 0)[..., None, None])
    X = solve(where(singular, _eye_like(A, A.shape[-1]), A), B, left=left)
    if X.ndim == A.ndim - 1:  # vectors
        singular = singular[..., 0]
    return solve_ex_result(where(singular, math.nan, X), info)


def _solve_matrices(A: Tensor, B: Tensor, left: bool, name: str) -> Tensor:
    """``A X = B`` (or ``X A = B``) for B a (batch of) matrices."""
    rows = B.shape[-2] if left else B.shape[-1]
    if rows != A.shape[-1]:
        eq, b = ("AX = B", B.shape[-2:]) if left else ("XA = B", B.shape[-2:])
        raise RuntimeError(
            f"{name}: Incompatible shapes of A and B for the equation {eq} "
            f"({A.shape[-2]}x{A.shape[-1]} and {b[0]}x{b[1]})"
        )
    if left:
        return Solve.apply(A, B)
    return Solve.apply(A.mT, B.mT).mT


# ---- decompositions -------------------------------------------------------------------------


class Cholesky(ArrayFunction):
    """math: A = L L^T;  S = Phi(L^T dL) (lower triangle, half diagonal);
    dA = sym(L^-T S L^-1)"""

    @staticmethod
    def forward(ctx, A):
        L = _lapack("linalg.cholesky", "cholesky", A)
        ctx.save_for_backward(L)
        return L

    @staticmethod
    def backward(ctx, grad):
        (L,) = ctx.saved_tensors
        S = (L.mT @ grad) * _tril_mask(L, L.shape[-1], 0.5)
        Y = Solve.apply(L.mT, S)  # L^-T S
        gA = Solve.apply(L.mT, Y.mT).mT  # L^-T S L^-1
        return 0.5 * (gA + gA.mT)


def cholesky(A: Tensor, *, upper: bool = False, out=None) -> Tensor:
    """The Cholesky factor of a symmetric positive-definite matrix: lower L (or upper L^T)."""
    _check_square(A, "linalg.cholesky")
    L = Cholesky.apply(A)
    return handle_out(L.mT if upper else L, out)


def cholesky_ex(A: Tensor, *, upper: bool = False, check_errors: bool = False):
    """``(L, info)``: info is 0 where A is positive-definite (see ``inv_ex``)."""
    _check_square(A, "linalg.cholesky_ex")
    return cholesky_ex_result(*_with_info(lambda M: cholesky(M, upper=upper), A, check_errors))


def _copyltu(M: Tensor) -> Tensor:
    """The symmetric matrix with M's lower triangle (and diagonal)."""
    low = M * _tril_mask(M, M.shape[-1], 0.0)
    return low + low.mT + M * _eye_like(M, M.shape[-1])


def _qr_backward(grad_q, grad_r, Q, R):
    """dA for A = QR with A m x n, m >= n (Q m x n, R n x n upper triangular).

    math: M = R dR^T - dQ^T Q;  dA = (dQ + Q copyltu(M)) R^-T"""
    M = R @ grad_r.mT - grad_q.mT @ Q
    b = grad_q + Q @ _copyltu(M)
    return Solve.apply(R, b.mT).mT


class Qr(ArrayFunction):
    """math: A = QR (Householder, LAPACK); backward in ``_qr_backward``, with the wide case
    A = [X | Y] split as X = Q R_1 (square) and Y = Q R_2."""

    @staticmethod
    def forward(ctx, A, mode):
        xp = xp_of(A)
        if mode == "r":
            R = xp.linalg.qr(A, mode="r")
            ctx.mode = mode
            return xp.zeros((0,), A.dtype), R
        Q, R = xp.linalg.qr(A, mode=mode)
        ctx.mode = mode
        ctx.save_for_backward(Q, R, A)
        return Q, R

    @staticmethod
    def backward(ctx, grad_q, grad_r=None):
        if ctx.mode == "r":
            raise RuntimeError(
                "The derivative of linalg.qr depends on Q, which is not computed when mode='r'. "
                "Please use linalg.qr(A, mode='reduced') if you are going to differentiate "
                "through linalg.qr."
            )
        Q, R, A = ctx.saved_tensors
        m, n = A.shape[-2:]
        if grad_r is None:
            grad_r = R * 0
        if ctx.mode == "complete" and m > n:
            raise RuntimeError(
                "The QR decomposition is not differentiable when mode='complete' and nrows > ncols."
            )
        if m >= n:
            return _qr_backward(grad_q, grad_r, Q, R), None
        Y = A[..., m:]
        grad_y = Q @ grad_r[..., m:]
        grad_x = _qr_backward(grad_q + Y @ grad_r[..., m:].mT, grad_r[..., :m], Q, R[..., :m])
        return cat([grad_x, grad_y], dim=-1), None


def qr(A: Tensor, mode: str = "reduced"):
    """``(Q, R)`` with Q orthonormal columns and R upper triangular; mode 'reduced',
    'complete' or 'r' (Q empty)."""
    _check_matrix(A, "linalg.qr")
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(
            f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), "
            "'r', or 'complete'"
        )
    return qr_result(*Qr.apply(A, mode))


class Svd(ArrayFunction):
    """math: A = U diag(S) Vh, k = min(m, n);  with F_ij = 1 / (s_j^2 - s_i^2) (i != j),
    J = F o (U^T dU), K = F o (V^T dV):
    dA = U [diag(dS) + (J + J^T) S + S (K + K^T)] Vh
         + (I - U U^T) dU S^-1 Vh + U S^-1 dV^T (I - V V^T)"""

    @staticmethod
    def forward(ctx, A, full_matrices):
        U, S, Vh = xp_of(A).linalg.svd(A, full_matrices=full_matrices)
        ctx.save_for_backward(U, S, Vh)
        ctx.shape = A.shape
        return U, S, Vh

    @staticmethod
    def backward(ctx, grad_u, grad_s=None, grad_vh=None):
        U, S, Vh = ctx.saved_tensors
        if grad_s is None:  # only U was used (the engine then passes one gradient)
            grad_s, grad_vh = S * 0, Vh * 0
        m, n = ctx.shape[-2:]
        k = min(m, n)
        # the columns past k (full_matrices) do not depend on A uniquely: their gradient is
        # ignored, as torch does
        U, Vh = U[..., :k], Vh[..., :k, :]
        grad_u = grad_u[..., :k]
        grad_vh = grad_vh[..., :k, :]
        V, grad_v = Vh.mT, grad_vh.mT
        s_row = S.unsqueeze(-2)  # scales columns: X * s_row == X diag(S)
        F = _off_diagonal_inverse(s_row * s_row - (S * S).unsqueeze(-1))
        J = F * (U.mT @ grad_u)
        K = F * (V.mT @ grad_v)
        inner = (J + J.mT) * s_row + S.unsqueeze(-1) * (K + K.mT)
        inner = inner + grad_s.unsqueeze(-1) * _eye_like(S, k)
        gA = U @ inner @ Vh
        if m > k:
            gu_perp = grad_u - U @ (U.mT @ grad_u)
            gA = gA + (gu_perp / s_row) @ Vh
        if n > k:
            gv_perp = grad_v - V @ (V.mT @ grad_v)
            gA = gA + (U / s_row) @ gv_perp.mT
        return gA, None


def svd(A: Tensor, full_matrices: bool = True, *, driver=None):
    """``(U, S, Vh)`` with ``A = U diag(S) Vh``, S descending."""
    _check_matrix(A, "linalg.svd")
    return svd_result(*Svd.apply(A, full_matrices))


def svdvals(A: Tensor, *, driver=None, out=None) -> Tensor:
    """The singular values, descending."""
    _check_matrix(A, "linalg.svdvals")
    return handle_out(Svd.apply(A, False)[1], out)


class Eigh(ArrayFunction):
    """math: A = V diag(w) V^T (symmetric);  F_ij = 1 / (w_j - w_i) (i != j):
    dA = sym(V (diag(dw) + F o (V^T dV)) V^T)   (sym(X) = (X + X^T) / 2, as torch)"""

    @staticmethod
    def forward(ctx, A, UPLO):
        w, V = xp_of(A).linalg.eigh(A, UPLO=UPLO)
        ctx.save_for_backward(w, V)
        return w, V

    @staticmethod
    def backward(ctx, grad_w, grad_v=None):
        w, V = ctx.saved_tensors
        inner = grad_w.unsqueeze(-1) * _eye_like(w, w.shape[-1])
        if grad_v is not None:
            F = _off_diagonal_inverse(w.unsqueeze(-2) - w.unsqueeze(-1))
            inner = inner + F * (V.mT @ grad_v)
        gA = V @ inner @ V.mT
        return 0.5 * (gA + gA.mT), None


def _check_uplo(UPLO: str, name: str) -> None:
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"{name}: Expected UPLO argument to be 'L' or 'U', but got {UPLO}")


def _check_eigh(A: Tensor, name: str, UPLO: str) -> None:
    if np_kind(A._data.dtype) not in "fc" or A._data.dtype.itemsize < 4:
        raise NotImplementedError(f"\"linalg_eigh_cpu\" not implemented for '{type_name(A.dtype)}'")
    _check_square(A, name)
    _check_uplo(UPLO, name)


def eigh(A: Tensor, UPLO: str = "L"):
    """``(eigenvalues, eigenvectors)`` of a symmetric matrix, read from its ``UPLO`` triangle;
    eigenvalues ascending."""
    _check_eigh(A, "linalg.eigh", UPLO)
    return eigh_result(*Eigh.apply(A, UPLO))


def eigvalsh(A: Tensor, UPLO: str = "L", *, out=None) -> Tensor:
    """The eigenvalues of a symmetric matrix, ascending."""
    _check_eigh(A, "linalg.eigvalsh", UPLO)
    return handle_out(Eigh.apply(A, UPLO)[0], out)


# ---- norms ----------------------------------------------------------------------------------


@in_float32
def vector_norm(x: Tensor, ord=2, dim=None, keepdim: bool = False, *, dtype=None, out=None):
    """``(sum |x|^ord)^(1/ord)`` over ``dim`` (all dims by default); the gradient at 0 is 0."""
    from .reduction import _vector_norm

    return handle_out(_vector_norm(x, ord, dim, keepdim, dtype), out)


def _matrix_dims(A: Tensor, dim, name: str) -> tuple:
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    dims = tuple(wrap_dims(d, A.ndim)[0] for d in dim)
    if len(dims) != 2 or dims[0] == dims[1]:
        raise RuntimeError(f"{name}: dims must be different. Got ({dim[0]}, {dim[1]})")
    return dims


def matrix_norm(A: Tensor, ord="fro", dim=(-2, -1), keepdim: bool = False, *, dtype=None, out=None):
    """Matrix norms over the two dims ``dim``: 'fro', 'nuc', 2 / -2 (largest / smallest
    singular value), 1 / -1 (max / min column sum of |A|), inf / -inf (row sums)."""
    if dtype is not None:
        A = A.to(dtype)
    _check_float(A, "linalg.matrix_norm")
    d0, d1 = _matrix_dims(A, dim, "linalg.matrix_norm")
    if ord == "fro":
        result = vector_norm(A, 2, (d0, d1), keepdim=True)
    elif ord in ("nuc", 2, -2):
        # move the two dims last, take singular values, put size-1 dims back where they were
        rest = [d for d in range(A.ndim) if d not in (d0, d1)]
        S = svdvals(A.permute(rest + [d0, d1]))
        red = S.sum(-1) if ord == "nuc" else S.amax(-1) if ord == 2 else S.amin(-1)
        result = red.unsqueeze(min(d0, d1)).unsqueeze(max(d0, d1))
    elif ord in (1, -1, math.inf, -math.inf):
        # 1: max over columns of the column sums; inf: max over rows of the row sums
        sum_dim, pick_dim = (d0, d1) if ord in (1, -1) else (d1, d0)
        sums = A.abs().sum(sum_dim, keepdim=True)
        result = sums.amax(pick_dim, keepdim=True) if ord > 0 else sums.amin(pick_dim, keepdim=True)
    else:
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    if not keepdim:
        result = result.squeeze(max(d0, d1)).squeeze(min(d0, d1))
    return handle_out(result, out)


def norm(A: Tensor, ord=None, dim=None, keepdim: bool = False, *, dtype=None, out=None):
    """A vector norm or a matrix norm, chosen by ``dim`` (one dim or two) and ``A.ndim``."""
    if isinstance(dim, int):
        dim = (dim,)
    if ord is None:
        return vector_norm(A, 2, dim, keepdim, dtype=dtype, out=out)
    if dim is None:
        if A.ndim not in (1, 2):
            raise RuntimeError(
                "linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
                f"Got {A.ndim}D."
            )
        dim = (0,) if A.ndim == 1 else (-2, -1)
    if len(dim) == 2:
        return matrix_norm(A, ord, dim, keepdim, dtype=dtype, out=out)
    if isinstance(ord, str):
        raise RuntimeError(f"linalg.vector_norm: Order {ord} not supported.")
    return vector_norm(A, ord, dim, keepdim, dtype=dtype, out=out)
