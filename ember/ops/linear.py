"""Affine maps of the last dim: `linear` (fused, one BLAS product each way) and `bilinear`."""

from __future__ import annotations

from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ..autograd.grad_mode import state as _grad_state
from ..backends import products, rows
from . import blas
from ._util import bfloat16_in_float32, sum_to_shape, type_name


class Linear(ArrayFunction):
    """``y = x W^T + b`` over any leading dims.

    math: ``dx = g W``, ``dW = g^T x`` (summed over leading dims), ``db = sum(g)``.
    """

    node_name = "AddmmBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias=None):
        ctx.save_for_backward(x, weight)
        ctx.bias_shape = bias.shape if bias is not None else None
        if bias is None:
            return products.matmul(x, weight.T)
        return products.affine(x, weight.T, bias)

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad + (False,) * (3 - len(ctx.needs_input_grad))
        if not _grad_state.enabled:  # plain backward: the products on arrays
            return _linear_grads_on_arrays(ctx, grad, x, weight, need_x, need_w, need_b)
        gx = gw = gb = None
        if need_x:
            gx = blas.matmul(grad, weight)
        if need_w or need_b:
            g_rows = grad.reshape(-1, grad.shape[-1]) if grad.dim() != 2 else grad
            if need_w:
                xs = x.reshape(-1, x.shape[-1]) if x.dim() != 2 else x
                gw = blas.mm(g_rows.t(), xs)
            if need_b:
                gb = sum_to_shape(g_rows.sum(0), ctx.bias_shape)
        return gx, gw, gb


def _linear_grads_on_arrays(ctx, grad, x, weight, need_x, need_w, need_b):
    g = grad._data
    g_rows = g.reshape(-1, g.shape[-1])
    gx = gw = gb = None
    if need_x:
        gx = Tensor._make(products.matmul(g, weight._data))
    if need_w:
        gw = Tensor._make(g_rows.T @ x._data.reshape(-1, x._data.shape[-1]))
    if need_b:
        total = rows.column_sums(g_rows)
        if total.shape != ctx.bias_shape:  # a broadcast bias of shape (1,) or ()
            total = total.sum().reshape(ctx.bias_shape)
        gb = Tensor._make(total)
    return gx, gw, gb


@bfloat16_in_float32
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
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({_rows_of(input)}x{input.shape[-1]} and "
            f"{weight.shape[1]}x{weight.shape[0]})"
        )
    if input.dtype != weight.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {_c_name(input.dtype)} != "
            f"{_c_name(weight.dtype)}"
        )
    if bias is not None:
        if bias.dtype != input.dtype:
            raise RuntimeError(
                f"self and mat2 must have the same dtype, but got {type_name(bias.dtype)} and "
                f"{type_name(input.dtype)}"
            )
        if bias.dim() > 1 or (bias.dim() == 1 and bias.shape[0] not in (weight.shape[0], 1)):
            raise RuntimeError(
                f"The expanded size of the tensor ({weight.shape[0]}) must match the existing "
                f"size ({bias.shape[-1]}) at non-singleton dimension 1.  Target sizes: "
                f"[{_rows_of(input)}, {weight.shape[0]}].  Tensor sizes: {list(bias.shape)}"
            )
    if bias is None:
        return Linear.apply(input, weight)
    return Linear.apply(input, weight, bias)


def _c_name(d) -> str:
    return {"float32": "float", "float64": "double", "float16": "c10::Half"}.get(d.name, d.name)


def _rows_of(input: Tensor) -> int:
    return input.numel() // max(input.shape[-1], 1)


@bfloat16_in_float32
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
