"""Matrix products: matmul (with all of torch's broadcasting rules), mm, bmm, mv, dot, outer,
addmm, baddbmm. Each ends in one BLAS call through ``xp.matmul``."""

from __future__ import annotations

from .. import _autocast
from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ._util import check_same_device, handle_out, promote, sum_to_shape, xp_of


class Matmul(ArrayFunction):
    """math: C = A B;  dA = dC B^T,  dB = A^T dC (batch dims summed back where broadcast)"""

    node_name = "MmBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        out = xp_of(a).matmul(a, b)
        # ml_dtypes' bfloat16 matmul accumulates and returns float32; torch rounds back
        return out if out.dtype == a.dtype else out.astype(a.dtype)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        ga, gb = ctx.needs_input_grad
        a2 = a.unsqueeze(0) if a.ndim == 1 else a
        b2 = b.unsqueeze(-1) if b.ndim == 1 else b
        g = grad
        if a.ndim == 1:
            g = g.unsqueeze(-2)
        if b.ndim == 1:
            g = g.unsqueeze(-1)
        grad_a = grad_b = None
        if ga:
            grad_a = sum_to_shape(g.matmul(b2.mT), a2.shape).reshape(a.shape)
        if gb:
            if b2.ndim == 2 and a2.ndim > 2:
                # fold the batch into rows: one (k, rows) @ (rows, n) product, no batch sum
                k = a2.shape[-1]
                grad_b = a2.reshape(-1, k).mT.matmul(g.reshape(-1, g.shape[-1]))
            else:
                grad_b = sum_to_shape(a2.mT.matmul(g), b2.shape)
            grad_b = grad_b.reshape(b.shape)
        return grad_a, grad_b


def _check_matmul(a: Tensor, b: Tensor, name: str = "matmul"):
    if a._data.ndim == 0 or b._data.ndim == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {a._data.ndim}D "
            f"and {b._data.ndim}D"
        )
    k_a = a._data.shape[-1]
    k_b = b._data.shape[0] if b._data.ndim == 1 else b._data.shape[-2]
    if k_a != k_b:
        sa = "x".join(str(s) for s in (a._data.shape if a._data.ndim > 1 else (1,) + a._data.shape))
        if a._data.ndim == 1 and b._data.ndim == 1:
            raise RuntimeError(
                f"inconsistent tensor size, expected tensor [{k_a}] and src [{k_b}] to have "
                f"the same number of elements, but got {k_a} and {k_b} elements respectively"
            )
        if a._data.ndim == 2 and b._data.ndim == 1:
            raise RuntimeError(
                f"size mismatch, got input ({a._data.shape[0]}), mat ({sa}), vec ({k_b})"
            )
        sb = "x".join(str(s) for s in (b._data.shape if b._data.ndim > 1 else b._data.shape + (1,)))
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({_rows(a)}x{k_a} and "
            f"{sb.split('x')[-2]}x{sb.split('x')[-1]})"
        )


def _rows(a: Tensor) -> int:
    shape = a._data.shape
    if len(shape) == 1:
        return 1
    n = 1
    for s in shape[:-1]:
        n *= s
    return n if len(shape) <= 2 else shape[-2]


def _operands(a, b):
    if not isinstance(a, Tensor) or not isinstance(b, Tensor):
        raise TypeError(
            f"matmul(): argument 'other' (position 1) must be Tensor, not "
            f"{type(b if isinstance(a, Tensor) else a).__name__}"
        )
    check_same_device(a, b)
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {a.dtype} != {b.dtype}"
        )
    return a, b


def matmul(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """Matrix product with torch's rules for 1-D operands and broadcast batch dims."""
    if _autocast.active:
        input, other = _autocast.cast(input, other)
    a, b = _operands(input, other)
    _check_matmul(a, b)
    return handle_out(Matmul.apply(a, b), out)


def mm(input: Tensor, mat2: Tensor, *, out=None) -> Tensor:
    if _autocast.active:
        input, mat2 = _autocast.cast(input, mat2)
    a, b = _operands(input, mat2)
    if a._data.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if b._data.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    _check_matmul(a, b)
    return handle_out(Matmul.apply(a, b), out)


def bmm(input: Tensor, mat2: Tensor, *, out=None) -> Tensor:
    if _autocast.active:
        input, mat2 = _autocast.cast(input, mat2)
    a, b = _operands(input, mat2)
    if a._data.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b._data.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if a._data.shape[0] != b._data.shape[0] or a._data.shape[2] != b._data.shape[1]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: "
            f"[{a._data.shape[0]}, {a._data.shape[2]}] but got: [{b._data.shape[0]}, "
            f"{b._data.shape[1]}]."
        )
    return handle_out(Matmul.apply(a, b), out)


def mv(input: Tensor, vec: Tensor, *, out=None) -> Tensor:
    a, b = _operands(input, vec)
    if a._data.ndim != 2 or b._data.ndim != 1:
        raise RuntimeError(
            f"vector + matrix @ vector expected, got 1, {a._data.ndim}, {b._data.ndim}"
        )
    _check_matmul(a, b)
    return handle_out(Matmul.apply(a, b), out)


def dot(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    a, b = _operands(input, other)
    if a._data.ndim != 1 or b._data.ndim != 1:
        raise RuntimeError(
            f"1D tensors expected, but got {a._data.ndim}D and {b._data.ndim}D tensors"
        )
    _check_matmul(a, b)
    return handle_out(Matmul.apply(a, b), out)


inner_product = dot


def vdot(input: Tensor, other: Tensor) -> Tensor:
    return dot(input.conj() if input.is_complex() else input, other)


def outer(input: Tensor, vec2: Tensor) -> Tensor:
    a, b = promote(input, vec2)
    return a.reshape(-1, 1) * b.reshape(1, -1)


ger = outer


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta=1, alpha=1, out=None) -> Tensor:
    """``beta * input + alpha * (mat1 @ mat2)``"""
    if _autocast.active:
        input, mat1, mat2 = _autocast.cast(input, mat1, mat2)
    return handle_out(_scaled_sum(input, mm(mat1, mat2), beta, alpha), out)


def addmv(input: Tensor, mat: Tensor, vec: Tensor, *, beta=1, alpha=1, out=None) -> Tensor:
    return handle_out(_scaled_sum(input, mv(mat, vec), beta, alpha), out)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None) -> Tensor:
    if _autocast.active:
        input, batch1, batch2 = _autocast.cast(input, batch1, batch2)
    return handle_out(_scaled_sum(input, bmm(batch1, batch2).sum(0), beta, alpha), out)


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None) -> Tensor:
    if _autocast.active:
        input, batch1, batch2 = _autocast.cast(input, batch1, batch2)
    return handle_out(_scaled_sum(input, bmm(batch1, batch2), beta, alpha), out)


def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None) -> Tensor:
    return handle_out(_scaled_sum(input, outer(vec1, vec2), beta, alpha), out)


def _scaled_sum(input: Tensor, product: Tensor, beta, alpha) -> Tensor:
    if alpha != 1:
        product = product * alpha
    if beta == 0:
        # torch ignores input entirely (NaN and inf in it do not propagate)
        return product + input.new_zeros(input.shape)
    return product + (input * beta if beta != 1 else input)
