"""``torch.linalg``: ``import ember as torch; torch.linalg.inv(A)``.

The operations live in ``ember/ops/linalg.py`` (factorizations, norms) and
``ops/linalg_functions.py`` (pinv, lstsq, ...), the products in ``ops/blas.py``; this module
is their public namespace."""

from __future__ import annotations

from .ops.linalg import (
    LinAlgError,
    cholesky,
    cholesky_ex,
    det,
    eigh,
    eigvalsh,
    inv,
    inv_ex,
    matrix_norm,
    norm,
    qr,
    slogdet,
    solve,
    solve_ex,
    svd,
    svdvals,
    vector_norm,
)
from .ops.linalg_functions import (
    cond,
    diagonal,
    lstsq,
    matmul,
    matrix_exp,
    matrix_power,
    matrix_rank,
    multi_dot,
    pinv,
    solve_triangular,
    tensorinv,
    tensorsolve,
    vander,
    vecdot,
)
from .ops.linalg_lu import lu, lu_factor, lu_factor_ex, lu_solve

__all__ = [
    "LinAlgError",
    "cholesky",
    "cholesky_ex",
    "cond",
    "det",
    "diagonal",
    "eigh",
    "eigvalsh",
    "inv",
    "inv_ex",
    "lstsq",
    "lu",
    "lu_factor",
    "lu_factor_ex",
    "lu_solve",
    "matmul",
    "matrix_exp",
    "matrix_norm",
    "matrix_power",
    "matrix_rank",
    "multi_dot",
    "norm",
    "pinv",
    "qr",
    "slogdet",
    "solve",
    "solve_ex",
    "solve_triangular",
    "svd",
    "svdvals",
    "tensorinv",
    "tensorsolve",
    "vander",
    "vecdot",
    "vector_norm",
]
