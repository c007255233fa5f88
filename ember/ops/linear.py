"""Affine maps of the last dim: `linear` (fused, one BLAS product each way) and `bilinear`."""

from __future__ import annotations

from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from . import blas
from ._util import type_name


class Linear(ArrayFunction):
    """``y = x W^T + b`` over any leading dims.

    math: ``dx = g W``, ``dW = g^T x`` (summed over leading dims), ``db = sum(g)``.
    """

    node_name = "AddmmBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias=None):
        ctx.save_for_backward(x, weight)
        out = x @ weight.T
        if bias is not None:
            out += bias
        return out

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad + (False,) * (3 - len(ctx.needs_input_grad))
        gx = gw = gb = None
        if need_x:
            gx = blas.matmul(grad, weight)
        if need_w or need_b:
            rows = grad.reshape(-1, grad.shape[-1]) if grad.dim() != 2 else grad
            if need_w:
                xs = x.reshape(-1, x.shape[-1]) if x.dim() != 2 else x
                gw = blas.mm(rows.t(), xs)
            if need_b:
                gb = rows.sum(0)
        return gx, gw, gb


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """math: ``y = x W^T + b``"""
    if input.dim() == 0 or weight.dim() not in (1, 2):
        raise RuntimeError(
            f"both arguments to linear need to be at least 1D, but they are {input.dim()}D "
            f"and {weight.dim()}D"
        )
    if weight.dim() == 1 or input.dim() == 1:
        out = blas.matmul(input, weight.t() if weight.dim() == 2 else weight)
        return out + bias if bias is not None else out
    if input.shape[-1] != weight.shape[1]:
        rows = input.numel() // max(input.shape[-1], 1)
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{input.shape[-1]} and "
            f"{weight.shape[1]}x{weight.shape[0]})"
        )
    if input.dtype != weight.dtype or (bias is not None and bias.dtype != input.dtype):
        other = weight.dtype if input.dtype == weight.dtype else input.dtype
        raise RuntimeError(
            f"mat1 and mat2 must have the same dtype, but got {type_name(input.dtype)} and "
            f"{type_name(weight.dtype if other is not input.dtype else input.dtype)}"
        )
    if bias is None:
        return Linear.apply(input, weight)
    return Linear.apply(input, weight, bias)


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None):
    """math: ``y_k = x1^T W_k x2 + b_k``; weight has shape (out, in1, in2)."""
    if input1.shape[:-1] != input2.shape[:-1]:
        raise RuntimeError(
            f"bilinear(): input batch dimensions do not match: got {list(input1.shape[:-1])} "
            f"and {list(input2.shape[:-1])}"
        )
    if input1.shape[-1] != weight.shape[1] or input2.shape[-1] != weight.shape[2]:
        raise RuntimeError(
            f"bilinear(): input size does not match weight size: got {input1.shape[-1]} and "
            f"{input2.shape[-1]} but expected {weight.shape[1]} and {weight.shape[2]}"
        )
    out_features = weight.shape[0]
    # (.., in1) @ (in1, out*in2) -> (.., out, in2), then contract in2 with input2
    left = blas.matmul(input1, weight.permute(1, 0, 2).reshape(weight.shape[1], -1))
    left = left.reshape(*input1.shape[:-1], out_features, weight.shape[2])
    out = blas.matmul(left, input2.unsqueeze(-1)).squeeze(-1)
    return out + bias if bias is not None else out
