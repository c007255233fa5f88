"""Matrix products on raw arrays, arranged the way BLAS is fastest at them.

NumPy's ``matmul`` runs a stacked product as one BLAS call per matrix of the stack. For
``(B, T, K) @ (K, N)`` (a linear layer on a sequence) that is B small calls, each too small for
OpenBLAS to thread, where one ``(B*T, K) @ (K, N)`` call is the same arithmetic at twice the
speed on two cores. A truly batched product (attention's ``(B, H, T, d) @ (B, H, d, T)``) has
its batch split over ember's threads instead (``parallel.over_batch``).
"""

from __future__ import annotations

import math

import numpy as np

from . import parallel


def matmul(a, b):
    """``a @ b`` for arrays (NumPy or CuPy), with the result NumPy's ``matmul`` gives."""
    if a.ndim > 2 and b.ndim == 2:
        # one product over all rows (reshape copies only when a's rows are not laid out evenly)
        rows = a.reshape(math.prod(a.shape[:-1]), a.shape[-1]) @ b
        return rows.reshape(a.shape[:-1] + (b.shape[-1],))
    if (
        type(a) is np.ndarray
        and a.ndim > 2
        and a.shape[:-2] == b.shape[:-2]
        and a.dtype == b.dtype
        and a.dtype.char in "fdFD"
    ):
        return _batched(a, b)
    return a @ b


def affine(x, w_t, bias):
    """``x @ w_t + bias`` (bias over the last dim), for arrays. Where the output is at least
    three times wider than the input, the bias rides in the product: ``[x, 1] @ [w_t; bias]``
    costs a copy of x, narrower than the pass over the output that ``+= bias`` makes."""
    k, n = w_t.shape
    if not (
        type(x) is np.ndarray
        and x.dtype.char in "fd"
        and x.dtype == w_t.dtype == bias.dtype
        and bias.shape == (n,)
        and n >= 3 * k
        and x.size >= 256 * k
    ):
        out = matmul(x, w_t)
        out += bias
        return out
    with_one = np.empty(x.shape[:-1] + (k + 1,), dtype=x.dtype)
    with_one[..., :k] = x
    with_one[..., k] = 1
    stacked = np.empty((k + 1, n), dtype=x.dtype)
    stacked[:k] = w_t
    stacked[k] = bias
    return matmul(with_one, stacked)


def _batched(a, b):
    """A stack of products, the stack split over ember's threads when it is large enough.

    Where every matrix of both stacks is already laid out as BLAS takes it (attention's q, k
    and v are strided views of one projection), the threads take slices of the first batch
    dim as they lie; a copy into one contiguous stack first cost more than the products
    (over (32, 4, 64, 32) @ (32, 4, 32, 64): 0.35 ms split as views, 0.45 ms copied)."""
    batch = a.shape[:-2]
    m, k, n = a.shape[-2], a.shape[-1], b.shape[-1]
    count = math.prod(batch)
    work = count * m * k * n
    if batch[0] > 1 and _blas_ready(a) and _blas_ready(b):
        out = np.empty(batch + (m, n), dtype=np.result_type(a, b))

        def slices(lo, hi):
            np.matmul(a[lo:hi], b[lo:hi], out=out[lo:hi])

        parallel.over_batch(batch[0], slices, work)
        return out
    a3 = a.reshape((count, m, k))
    b3 = b.reshape((count, k, n))
    out = np.empty((count, m, n), dtype=np.result_type(a, b))

    def stack(lo, hi):
        np.matmul(a3[lo:hi], b3[lo:hi], out=out[lo:hi])

    parallel.over_batch(count, stack, work)
    return out.reshape(batch + (m, n))


def _blas_ready(x) -> bool:
    """Whether each matrix of a stack can go to BLAS as it lies: one of its two strides is one
    element, the other a whole number of elements at least a row (or column) long."""
    rows, cols = x.shape[-2:]
    s_row, s_col = x.strides[-2:]
    item = x.itemsize
    return (s_col == item and s_row % item == 0 and s_row >= cols * item) or (
        s_row == item and s_col % item == 0 and s_col >= rows * item
    )
