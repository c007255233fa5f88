"""Matrix structure and the top-level torch.* forms of linear algebra: diagonal (a view), diag,
diag_embed, trace, and det, logdet, slogdet, inverse, cholesky, matrix_power, pinverse, svd,
qr as torch names them outside ``torch.linalg`` (``ops/linalg.py`` holds the math)."""

from __future__ import annotations

from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from . import linalg, linalg_functions, linalg_lu
from ._util import accepts_out, handle_out, in_float32, return_type, wrap_dim, xp_of
from .creation import eye


def _diagonal_view(a, offset: int, dim1: int, dim2: int):
    """The diagonal of ``a`` over (dim1, dim2) as a writable strided view, appended last."""
    xp = xp_of(a)
    start = [slice(None)] * a.ndim
    if offset >= 0:
        start[dim2] = slice(offset, None)
    else:
        start[dim1] = slice(-offset, None)
    v = a[tuple(start)]
    length = min(v.shape[dim1], v.shape[dim2])
    keep = [i for i in range(a.ndim) if i not in (dim1, dim2)]
    shape = [v.shape[i] for i in keep] + [length]
    strides = [v.strides[i] for i in keep] + [v.strides[dim1] + v.strides[dim2]]
    return xp.lib.stride_tricks.as_strided(v, shape, strides)


class Diagonal(ArrayFunction):
    """math: out[..., i] = x[..., i, i + offset];  dx = grad scattered onto that diagonal"""

    is_view = True

    @staticmethod
    def forward(ctx, x, offset, dim1, dim2):
        ctx.shape, ctx.params = x.shape, (offset, dim1, dim2)
        return _diagonal_view(x, offset, dim1, dim2)

    @staticmethod
    def backward(ctx, grad):
        return DiagonalScatter.apply(grad, ctx.shape, *ctx.params)


class DiagonalScatter(ArrayFunction):
    """math: out = zeros(shape) with ``src`` on the diagonal;  dsrc = diagonal(grad)"""

    @staticmethod
    def forward(ctx, src, shape, offset, dim1, dim2):
        out = xp_of(src).zeros(shape, src.dtype)
        _diagonal_view(out, offset, dim1, dim2)[...] = src
        ctx.params = (offset, dim1, dim2)
        return out

    @staticmethod
    def backward(ctx, grad):
        return Diagonal.apply(grad, *ctx.params)


def _diagonal_dims(dim1: int, dim2: int, ndim: int) -> tuple:
    d1, d2 = wrap_dim(dim1, ndim), wrap_dim(dim2, ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return d1, d2


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The diagonal over (dim1, dim2), as the last dim of a view of ``input``."""
    d1, d2 = _diagonal_dims(dim1, dim2, input.ndim)
    return Diagonal.apply(input, offset, d1, d2)


def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """Matrices (over dim1, dim2 of the result) with the last dim of ``input`` on a diagonal."""
    ndim = input.ndim + 1
    d1, d2 = _diagonal_dims(dim1, dim2, ndim)
    n = input.shape[-1] + abs(offset)
    batch = iter(input.shape[:-1])
    shape = tuple(n if i in (d1, d2) else next(batch) for i in range(ndim))
    return DiagonalScatter.apply(input, shape, offset, d1, d2)


def diagonal_scatter(input: Tensor, src: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1):
    """A copy of ``input`` with its diagonal over (dim1, dim2) replaced by ``src``."""
    d1, d2 = _diagonal_dims(dim1, dim2, input.ndim)
    expected = tuple(Diagonal.apply(input.detach(), offset, d1, d2).shape)
    if tuple(src.shape) != expected:
        raise RuntimeError(
            f"diagonal_scatter: expected src to have a size equal to the diagonal of the input. "
            f"Got {list(src.shape)} for a diagonal of size {list(expected)}"
        )
    ones = Tensor._make(xp_of(src._data).ones(expected, dtype=input._data.dtype))
    on_diagonal = DiagonalScatter.apply(ones, tuple(input.shape), offset, d1, d2)
    placed = DiagonalScatter.apply(src.to(input.dtype), tuple(input.shape), offset, d1, d2)
    return input * (1 - on_diagonal) + placed


def diag(input: Tensor, diagonal: int = 0, *, out=None) -> Tensor:
    """A vector becomes a matrix with it on diagonal ``diagonal``; a matrix gives that diagonal."""
    if input.ndim == 1:
        n = input.shape[0] + abs(diagonal)
        result = DiagonalScatter.apply(input, (n, n), diagonal, 0, 1)
    elif input.ndim == 2:
        result = Diagonal.apply(input, diagonal, 0, 1).clone()
    else:
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D")
    return handle_out(result, out)


def trace(input: Tensor) -> Tensor:
    """Sum of the main diagonal of a matrix."""
    if input.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim}")
    return Diagonal.apply(input, 0, 0, 1).sum()


# ---- torch.* names of torch.linalg operations ------------------------------------------------


def det(input: Tensor) -> Tensor:
    """The determinant (``linalg.det``)."""
    return linalg.det(input)


def slogdet(input: Tensor):
    """``(sign, logabsdet)`` of the determinant (``linalg.slogdet``)."""
    return linalg.slogdet(input)


def logdet(input: Tensor) -> Tensor:
    """``log(det A)``: NaN where the determinant is negative, -inf where it is zero."""
    sign, logabsdet = linalg.slogdet(input)
    return logabsdet + sign.log()


def inverse(input: Tensor, *, out=None) -> Tensor:
    """The matrix inverse (``linalg.inv``)."""
    return linalg.inv(input, out=out)


def cholesky(input: Tensor, upper: bool = False, *, out=None) -> Tensor:
    """The Cholesky factor (``linalg.cholesky``)."""
    return linalg.cholesky(input, upper=upper, out=out)


def matrix_power(input: Tensor, n: int) -> Tensor:
    return linalg_functions.matrix_power(input, n)


def pinverse(input: Tensor, rcond: float = 1e-15) -> Tensor:
    """The pseudo-inverse, singular values below ``rcond * s_max`` dropped."""
    return linalg_functions.pinv(input, rtol=rcond)


_svd_result = return_type("svd", ("U", "S", "V"))


def svd(input: Tensor, some: bool = True, compute_uv: bool = True):
    """``(U, S, V)`` with ``A = U diag(S) V^T`` (V, not Vh as ``linalg.svd``); ``some`` gives
    the reduced factors. Without ``compute_uv``, U and V are zero-filled square matrices."""
    if not compute_uv:
        S = linalg.svdvals(input)
        m, n = input.shape[-2:]
        batch = tuple(input.shape[:-2])
        U = input.new_zeros(batch + (m, m))
        V = input.new_zeros(batch + (n, n))
        return _svd_result(U, S, V)
    U, S, Vh = linalg.svd(input, full_matrices=not some)
    return _svd_result(U, S, Vh.mT)


def qr(input: Tensor, some: bool = True):
    """``(Q, R)`` (``linalg.qr`` with mode 'reduced', or 'complete' when not ``some``)."""
    return linalg.qr(input, "reduced" if some else "complete")


@in_float32
def matrix_exp(input: Tensor) -> Tensor:
    """The matrix exponential (``linalg.matrix_exp``)."""
    return linalg_functions.matrix_exp(input)


def cholesky_solve(B: Tensor, L: Tensor, upper: bool = False, *, out=None) -> Tensor:
    """X with ``A X = B`` given A's Cholesky factor (lower L, or upper when ``upper``).

    As torch, the gradient treats L as a full matrix (A = L L^T), not only its triangle."""
    if upper:
        L = L.mT
    Y = linalg._solve_matrices(L, B, True, "cholesky_solve")
    return handle_out(linalg._solve_matrices(L.mT, Y, True, "cholesky_solve"), out)


def cholesky_inverse(L: Tensor, upper: bool = False, *, out=None) -> Tensor:
    """``A^-1`` given A's Cholesky factor."""
    identity = eye(L.shape[-1], dtype=L.dtype, device=L.device)
    return handle_out(cholesky_solve(identity, L, upper), out)


def frobenius_norm(input: Tensor, dim, keepdim: bool = False) -> Tensor:
    """The 2-norm over ``dim`` (deprecated in torch for ``linalg.vector_norm``)."""
    return linalg.vector_norm(input, 2, dim, keepdim)


@accepts_out
def nuclear_norm(input: Tensor, dim=(-2, -1), keepdim: bool = False) -> Tensor:
    """The sum of singular values (deprecated in torch for ``linalg.matrix_norm``);
    ``nuclear_norm(input, keepdim)`` is accepted too, as torch's overload."""
    if isinstance(dim, bool):
        dim, keepdim = (-2, -1), dim
    return linalg.matrix_norm(input, "nuc", dim, keepdim)


_triangular_solve_result = return_type("triangular_solve", ("solution", "cloned_coefficient"))


def triangular_solve(
    b: Tensor, A: Tensor, upper: bool = True, transpose: bool = False, unitriangular: bool = False
):
    """``(X, A.clone())`` with ``A X = b`` (``A^T X = b`` when ``transpose``), A triangular
    (deprecated in torch for ``linalg.solve_triangular``)."""
    if transpose:
        A_used, upper = A.mT, not upper
    else:
        A_used = A
    X = linalg_functions.solve_triangular(A_used, b, upper=upper, unitriangular=unitriangular)
    # the coefficient comes back broadcast to the batch shape of the solution
    return _triangular_solve_result(X, A.expand(X.shape[:-2] + A.shape[-2:]).clone())


def lu(A: Tensor, pivot: bool = True, get_infos: bool = False, out=None):
    """``(LU, pivots)`` or ``(LU, pivots, infos)`` (``linalg.lu_factor_ex``; deprecated in
    torch)."""
    LU, pivots, info = linalg_lu.lu_factor_ex(A, pivot=pivot, check_errors=not get_infos)
    return (LU, pivots, info) if get_infos else (LU, pivots)


def lu_unpack(LU_data: Tensor, LU_pivots: Tensor, unpack_data: bool = True, unpack_pivots=True):
    """``(P, L, U)`` with ``A = P L U`` from a packed LU factor and its pivots."""
    return linalg_lu.lu_unpack(LU_data, LU_pivots, unpack_data, unpack_pivots)


def lu_solve(b: Tensor, LU_data: Tensor, LU_pivots: Tensor, *, out=None) -> Tensor:
    """X with ``A X = b`` from A's LU factorization (``linalg.lu_solve`` with the arguments
    reversed; deprecated in torch)."""
    return handle_out(linalg_lu.lu_solve(LU_data, LU_pivots, b), out)


def vander(x: Tensor, N: int | None = None, increasing: bool = False) -> Tensor:
    """The Vandermonde matrix of a 1-D ``x``: powers decreasing along the row unless
    ``increasing`` (``linalg.vander`` counts up and takes batches)."""
    if x.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    V = linalg_functions.vander(x, N)
    if increasing:
        return V
    return V[:, list(range(V.shape[-1] - 1, -1, -1))]
