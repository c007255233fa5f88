"""Attention: ``scaled_dot_product_attention`` as one fused Function, and the multi-head
attention forward that ``nn.MultiheadAttention`` uses."""

from __future__ import annotations

import math

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ..autograd.grad_mode import state
from ..backends import products
from ._util import bfloat16_in_float32, sum_to_shape, xp_of


def _softmax_last(x, xp):
    m = x.max(axis=-1, keepdims=True)
    m = xp.where(xp.isfinite(m), m, 0)
    e = xp.exp(x - m)
    return e / e.sum(axis=-1, keepdims=True)


class ScaledDotProductAttention(ArrayFunction):
    """math: P = softmax(Q K^T s + B);  O = (P * D) V  (D: the dropout mask, scaled by 1/(1-p))

    Backward: dV = (P D)^T dO;  dP = (dO V^T) D;  dS = P (dP - rowsum(dP P));
    dQ = dS K s;  dK = dS^T Q s;  dB = dS. Only P (and the mask) is kept from forward; with
    create_graph, P is recomputed from Q and K with ember ops so double backward sees it.
    """

    @staticmethod
    def forward(ctx, q, k, v, bias, scale, keep):
        xp = xp_of(q)
        scores = products.matmul(q, xp.swapaxes(k, -1, -2)) * q.dtype.type(scale)
        if bias is not None:
            scores = scores + bias
        with np.errstate(invalid="ignore"):
            p = _softmax_last(scores, xp).astype(q.dtype, copy=False)
        weights = p if keep is None else p * keep
        ctx.save_for_backward(q, k, v, bias)
        ctx.p, ctx.keep, ctx.scale = p, keep, scale
        ctx.bias_shape = None if bias is None else bias.shape
        return products.matmul(weights, v)

    @staticmethod
    def backward(ctx, grad):
        q, k, v, bias = ctx.saved_tensors
        scale = ctx.scale
        if state.enabled:  # create_graph: rebuild P differentiably
            scores = q.matmul(k.transpose(-2, -1)) * scale
            if isinstance(bias, Tensor):
                scores = scores + bias
            p = scores.softmax(-1)
        else:
            p = Tensor._make(ctx.p)
        keep = None if ctx.keep is None else Tensor._make(ctx.keep)
        weights = p if keep is None else p * keep
        d_weights = grad.matmul(v.transpose(-2, -1))
        d_p = d_weights if keep is None else d_weights * keep
        d_scores = p * (d_p - (d_p * p).sum(-1, keepdim=True))
        gq, gk, gv, gb = ctx.needs_input_grad[:4]
        return (
            sum_to_shape(d_scores.matmul(k) * scale, q.shape) if gq else None,
            sum_to_shape(d_scores.transpose(-2, -1).matmul(q) * scale, k.shape) if gk else None,
            sum_to_shape(weights.transpose(-2, -1).matmul(grad), v.shape) if gv else None,
            sum_to_shape(d_scores, ctx.bias_shape) if gb else None,
            None,
            None,
        )


def _repeat_heads(x: Tensor, repeat: int) -> Tensor:
    """Each of the H heads (dim -3) repeated ``repeat`` times in place: H*repeat heads."""
    shape = tuple(x.shape)
    expanded = x.unsqueeze(-3).expand(shape[:-2] + (repeat,) + shape[-2:])
    return expanded.reshape(shape[:-3] + (shape[-3] * repeat,) + shape[-2:])


@bfloat16_in_float32
def scaled_dot_product_attention(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    attn_mask=None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale=None,
    enable_gqa: bool = False,
) -> Tensor:
    """``softmax(Q K^T / sqrt(E) + mask) V``; a bool mask marks the positions that may attend."""
    if query.dim() < 2 or key.dim() < 2 or value.dim() < 2:
        raise RuntimeError(
            "scaled_dot_product_attention expects query, key and value to be at least 2-D"
        )
    if query.shape[-1] != key.shape[-1]:
        raise RuntimeError(
            f"Expected query and key to have the same last dimension, got "
            f"{query.shape[-1]} and {key.shape[-1]}"
        )
    if key.shape[-2] != value.shape[-2]:
        raise RuntimeError(
            f"Expected key and value to have the same sequence length, got "
            f"{key.shape[-2]} and {value.shape[-2]}"
        )
    if is_causal and attn_mask is not None:
        raise RuntimeError(
            "_scaled_dot_product_attention: Explicit attn_mask should not be set "
            "when is_causal=True"
        )
    if enable_gqa and query.dim() >= 3 and key.shape[-3] != query.shape[-3]:
        repeat = query.shape[-3] // key.shape[-3]
        key, value = _repeat_heads(key, repeat), _repeat_heads(value, repeat)
    L, S = query.shape[-2], key.shape[-2]
    scale = 1.0 / math.sqrt(query.shape[-1]) if scale is None else float(scale)
    bias = None
    if is_causal:
        allowed = np.tril(np.ones((L, S), dtype=bool))
        bias = np.where(allowed, 0.0, -np.inf).astype(query._data.dtype)
    elif attn_mask is not None:
        if attn_mask.dtype is _dtype.bool_:
            bias = np.where(attn_mask._data, 0.0, -np.inf).astype(query._data.dtype)
        else:
            bias = attn_mask if attn_mask.dtype == query.dtype else attn_mask.to(query.dtype)
    keep = None
    if dropout_p > 0.0:
        from .random import rand

        shape = np.broadcast_shapes(query.shape[:-2], key.shape[:-2]) + (L, S)
        draws = rand(shape, dtype=query.dtype)._data
        keep = ((draws >= dropout_p) / (1.0 - dropout_p)).astype(query._data.dtype)
    return ScaledDotProductAttention.apply(query, key, value, bias, scale, keep)
