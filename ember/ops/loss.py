"""Loss functions. Each computes the elementwise loss and hands it to `_reduce`, the one
place that knows ``reduction='none' | 'mean' | 'sum'`` (and torch's legacy size_average /
reduce flags).

nll_loss is a fused Function (its gradient is a scatter); cross_entropy is log_softmax then
nll_loss. The others are compositions of ember ops.
"""

from __future__ import annotations

import math
import warnings

from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from . import activation, comparison, distance, unary
from ._util import bfloat16_in_float32, xp_of

_REDUCTIONS = ("none", "mean", "sum")


def _quiet():
    import numpy as np

    return np.errstate(divide="ignore", invalid="ignore")


def _legacy_reduction(size_average, reduce, reduction: str) -> str:
    """Translate torch's deprecated size_average / reduce flags into a reduction name."""
    if size_average is None and reduce is None:
        return reduction
    warnings.warn(
        "size_average and reduce args will be deprecated, please use reduction='"
        + ("none" if reduce is False else "sum" if size_average is False else "mean")
        + "' instead.",
        UserWarning,
        stacklevel=3,
    )
    if reduce is False:
        return "none"
    return "sum" if size_average is False else "mean"


def _check_reduction(reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    """Apply ``reduction`` to an elementwise loss."""
    _check_reduction(reduction)
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _warn_size(input: Tensor, target: Tensor) -> None:
    if target.shape != input.shape:
        warnings.warn(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}). This will likely lead to incorrect results due to "
            "broadcasting. Please ensure they have the same size.",
            UserWarning,
            stacklevel=4,
        )


# ---- negative log likelihood and cross entropy ------------------------------------------------


class NllLoss(ArrayFunction):
    """``-w[t] * x[n, t]`` per sample (0 where ``t == ignore_index``), then reduced; the mean
    divides by the summed weight of the counted samples.

    The gradient is the same linear map transposed (`NllLossGrad`), whose own gradient is
    this function again, so double backward works.
    """

    @staticmethod
    def forward(ctx, x, target, weight, ignore_index, reduction):
        xp = xp_of(x)
        # class dim is 1 (or 0 for unbatched input); move it last to pick one entry per item
        moved = xp.moveaxis(x, 1, -1) if x.ndim > 1 else x[None]
        tgt = target.reshape(moved.shape[:-1])
        counted = tgt != ignore_index
        safe = xp.where(counted, tgt, 0)
        w = weight[safe] if weight is not None else xp.ones(safe.shape, dtype=x.dtype)
        w = xp.where(counted, w, 0).astype(x.dtype)
        picked = xp.take_along_axis(moved, safe[..., None], axis=-1)[..., 0]
        losses = -picked * w
        if any(ctx.needs_input_grad):
            ctx.params = (target, weight, ignore_index, reduction)
            ctx.pick = (safe, w, x.shape)
            ctx.save_for_backward(x)
        if reduction == "none":
            return losses.reshape(target.shape)
        total = losses.sum()
        if reduction == "sum":
            return xp.asarray(total, dtype=x.dtype)
        ctx.total_weight = w.sum()
        with _quiet():  # every target ignored: 0 / 0 is nan, silently, as in torch
            return xp.asarray(total / ctx.total_weight, dtype=x.dtype)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        total_weight = getattr(ctx, "total_weight", None)
        return NllLossGrad.apply(grad, x, ctx.params, ctx.pick, total_weight), None, None


class NllLossGrad(ArrayFunction):
    """Scatter ``-w[t] * grad`` into zeros of the input's shape (the adjoint of NllLoss).
    ``x`` (NllLoss's input) only links the result into the graph, as torch's does."""

    @staticmethod
    def forward(ctx, grad, x, params, pick, total_weight):
        xp = xp_of(grad)
        safe, w, shape = pick
        ctx.params = params
        reduction = params[3]
        scale = -w * (grad.reshape(w.shape) if reduction == "none" else grad)
        if reduction == "mean" and total_weight:
            scale = scale / total_weight  # (with every target ignored the gradient is 0)
        if len(shape) > 1:  # the class dim moved last, as forward picked from it
            moved_shape = tuple(shape[:1]) + tuple(shape[2:]) + (shape[1],)
        else:
            moved_shape = (1,) + tuple(shape)
        out = xp.zeros(moved_shape, dtype=grad.dtype)
        rows = out.reshape(-1, moved_shape[-1])  # a view: one row per picked item
        rows[xp.arange(rows.shape[0]), safe.reshape(-1)] = scale.reshape(-1)
        return xp.moveaxis(out, -1, 1) if len(shape) > 1 else out[0]

    @staticmethod
    def backward(ctx, gg):
        target, weight, ignore_index, reduction = ctx.params
        return NllLoss.apply(gg, target, weight, ignore_index, reduction), None, None, None, None


def _check_nll(input: Tensor, target: Tensor, weight) -> None:
    if target.dtype.is_floating_point or target.dtype.is_complex:
        raise RuntimeError(
            f"expected target dtype to be Long or Byte, but got {_kind(target.dtype)}"
        )
    if input.dim() < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.dim()})")
    if input.dim() == 1:
        if target.dim() > 1 or target.numel() != 1:
            raise RuntimeError(
                "0D or 1D target tensor expected, multi-target not supported"
                if target.dim() > 1
                else f"Expected input batch_size (1) to match target batch_size "
                f"({target.shape[0]})."
            )
    elif input.shape[0] != (target.shape[0] if target.dim() else 1):
        raise ValueError(
            f"Expected input batch_size ({input.shape[0]}) to match target batch_size "
            f"({target.shape[0] if target.dim() else 1})."
        )
    elif input.dim() == 2 and target.dim() != 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    elif input.dim() > 2 and tuple(target.shape) != tuple(input.shape[:1] + input.shape[2:]):
        raise RuntimeError(
            f"size mismatch (got input: {list(input.shape)} , target: {list(target.shape)}"
        )
    classes = input.shape[1] if input.dim() > 1 else input.shape[0]
    if weight is not None and weight.numel() != classes:
        raise RuntimeError(
            f"weight tensor should be defined either for all {classes} classes or no classes "
            f"but got weight tensor of shape: {list(weight.shape)}"
        )


def _kind(d) -> str:
    return {"float32": "Float", "float64": "Double", "float16": "Half"}.get(d.name, d.name)


def _check_targets(target_array, classes: int, ignore_index: int) -> None:
    bad = (target_array != ignore_index) & ((target_array < 0) | (target_array >= classes))
    if bool(bad.any()):
        raise IndexError(f"Target {int(target_array[bad].reshape(-1)[0])} is out of bounds.")


def nll_loss(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average=None,
    ignore_index: int = -100,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """Negative log likelihood of class indices, given log-probabilities (class dim 1)."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    _check_nll(input, target, weight)
    classes = input.shape[1] if input.dim() > 1 else input.shape[0]
    _check_targets(target._data, classes, ignore_index)
    w = weight._data.astype(input._data.dtype) if weight is not None else None
    return NllLoss.apply(input, target._data.astype("int64"), w, ignore_index, reduction)


def cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average=None,
    ignore_index: int = -100,
    reduce=None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """``nll_loss(log_softmax(x, 1), t)`` for class indices; for class probabilities
    ``-sum_c w_c t_c log_softmax(x)_c``. ``label_smoothing`` mixes the target with uniform."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    class_dim = 1 if input.dim() > 1 else 0
    classes = input.shape[class_dim]
    log_p = activation.log_softmax(input, class_dim)
    if target.is_floating_point():
        return _cross_entropy_probs(log_p, target, weight, reduction, label_smoothing, class_dim)
    nll = nll_loss(log_p, target, weight, None, ignore_index, None, reduction)
    if label_smoothing == 0.0:
        return nll
    w = weight.to(log_p.dtype) if weight is not None else None
    per_class = -log_p
    if w is not None:
        per_class = per_class * w.reshape((-1,) + (1,) * (input.dim() - 2) if class_dim else -1)
    smooth = per_class.sum(class_dim)
    counted = (target != ignore_index).to(log_p.dtype)
    smooth = smooth * counted
    if reduction == "mean":
        if w is not None:
            safe = comparison.where(target != ignore_index, target, 0)
            denom = (w[safe] * counted).sum()
        else:
            denom = counted.sum()
        smooth = smooth.sum() / denom
    else:
        smooth = _reduce(smooth, reduction)
    return nll * (1 - label_smoothing) + smooth * (label_smoothing / classes)


def linear_cross_entropy(
    input: Tensor,
    linear_weight: Tensor,
    target: Tensor,
    *,
    linear_bias: Tensor | None = None,
    weight: Tensor | None = None,
    reduction: str = "mean",
    ignore_index: int | None = None,
    label_smoothing: float = 0.0,
    options=None,
) -> Tensor:
    """``cross_entropy(linear(input, linear_weight, linear_bias), target)``; with
    ``ignore_index=None`` no class is ignored. (``options``, torch's chunking hints, change
    nothing here.)"""
    from .linear import linear

    logits = linear(input, linear_weight, linear_bias)
    if ignore_index is None:
        ignore_index = -(2**62)  # a class index no target can hold
    return cross_entropy(
        logits, target, weight, None, ignore_index, None, reduction, label_smoothing
    )


def _cross_entropy_probs(log_p, target, weight, reduction, label_smoothing, class_dim):
    if target.shape != log_p.shape:
        raise RuntimeError(
            f"Expected target size {list(log_p.shape)}, got {list(target.shape)}"
            if log_p.dim() == target.dim()
            else "0D or 1D target tensor expected, multi-target not supported"
        )
    classes = log_p.shape[class_dim]
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / classes
    terms = log_p * target
    if weight is not None:
        shape = (-1,) + (1,) * (log_p.dim() - 2) if class_dim else (-1,)
        terms = terms * weight.to(log_p.dtype).reshape(shape)
    losses = -terms.sum(class_dim)
    if reduction == "mean":
        return losses.sum() / (log_p.numel() // classes if log_p.numel() else 1)
    return _reduce(losses, reduction)


# ---- regression -------------------------------------------------------------------------------


def mse_loss(input, target, size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """``(x - y)^2``"""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _warn_size(input, target)
    diff = input - target
    return _reduce(diff * diff, reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """``|x - y|``"""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _warn_size(input, target)
    return _reduce(unary.abs(input - target), reduction)


def smooth_l1_loss(
    input, target, size_average=None, reduce=None, reduction: str = "mean", beta: float = 1.0
) -> Tensor:
    """``0.5 d^2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta``."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _warn_size(input, target)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    diff = unary.abs(input - target)
    if beta == 0:
        return _reduce(diff, reduction)
    quadratic = diff * diff * (0.5 / beta)
    return _reduce(comparison.where(diff < beta, quadratic, diff - 0.5 * beta), reduction)


def huber_loss(input, target, reduction: str = "mean", delta: float = 1.0, weight=None) -> Tensor:
    """``0.5 d^2`` where ``|d| <= delta``, else ``delta (|d| - 0.5 delta)``."""
    _warn_size(input, target)
    diff = unary.abs(input - target)
    loss = comparison.where(diff <= delta, diff * diff * 0.5, (diff - 0.5 * delta) * delta)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def kl_div(
    input, target, size_average=None, reduce=None, reduction: str = "mean", log_target=False
) -> Tensor:
    """``t (log t - x)`` (0 where t = 0); with ``log_target``, ``exp(t) (t - x)``.
    ``'batchmean'`` divides the sum by the batch size."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support "
            "size.'batchmean' divides only by the batch size, and aligns with the KL div math "
            "definition.'mean' will be changed to behave the same as 'batchmean' in the next "
            "major release.",
            UserWarning,
            stacklevel=2,
        )
    if log_target:
        loss = unary.exp(target) * (target - input)
    else:
        positive = target > 0
        safe = comparison.where(positive, target, 1.0).to(target.dtype)
        loss = comparison.where(positive, target * unary.log(safe), 0.0) - target * input
    if reduction == "batchmean":
        return loss.sum() / (input.shape[0] if input.dim() else 1)
    return _reduce(loss, reduction)


def poisson_nll_loss(
    input,
    target,
    log_input: bool = True,
    full: bool = False,
    size_average=None,
    eps: float = 1e-8,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """``exp(x) - t x`` (log_input) or ``x - t log(x + eps)``; ``full`` adds Stirling's
    term ``t log t - t + 0.5 log(2 pi t)`` where t > 1."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if log_input:
        loss = unary.exp(input) - target * input
    else:
        loss = input - target * unary.log(input + eps)
    if full:
        big = target > 1
        safe = comparison.where(big, target, 2.0).to(target.dtype)
        stirling = safe * unary.log(safe) - safe + unary.log(safe * (2 * math.pi)) * 0.5
        loss = loss + comparison.where(big, stirling, 0.0)
    return _reduce(loss, reduction)


@bfloat16_in_float32
def gaussian_nll_loss(
    input, target, var, full: bool = False, eps: float = 1e-6, reduction: str = "mean"
) -> Tensor:
    """``0.5 (log(max(var, eps)) + (x - t)^2 / max(var, eps))`` (+ 0.5 log 2 pi if full).
    The clamp of var is not differentiated (as torch)."""
    if isinstance(var, (int, float)):
        var = input.new_full(input.shape, float(var))
    if var.shape != input.shape:
        if input.shape[:-1] == var.shape:
            var = var.unsqueeze(-1)
        elif not (input.shape[:-1] == var.shape[:-1] and var.shape[-1] == 1):
            raise ValueError("var is of incorrect size")
    _check_reduction(reduction)
    if bool((var._data < 0).any()):
        raise ValueError("var has negative entry/entries")
    floor = Tensor._make(xp_of(var._data).maximum(var._data, eps) - var._data)
    var = var + floor  # clamp(var, eps) with the identity as its gradient
    diff = input - target
    loss = (unary.log(var) + diff * diff / var) * 0.5
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


# ---- binary classification --------------------------------------------------------------------


def binary_cross_entropy(
    input, target, weight=None, size_average=None, reduce=None, reduction: str = "mean"
) -> Tensor:
    """``-w (t log x + (1 - t) log(1 - x))`` with each log clamped at -100."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}) is deprecated. Please ensure they have the same size."
        )
    data = input._data
    if bool(((data < 0) | (data > 1)).any()):
        raise RuntimeError("all elements of input should be between 0 and 1")
    log_x = comparison.clamp(unary.log(input), min=-100)
    log_1mx = comparison.clamp(unary.log(1 - input), min=-100)
    loss = -(target * log_x + (1 - target) * log_1mx)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(
    input,
    target,
    weight=None,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
    pos_weight=None,
) -> Tensor:
    """BCE on logits, stably: ``(1 - t) x + (1 + (pw - 1) t) (log(1 + exp(-|x|)) + max(-x, 0))``."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(
            f"Target size ({target.shape}) must be the same as input size ({input.shape})"
        )
    softplus_neg = unary.log1p(unary.exp(-unary.abs(input))) + comparison.clamp(-input, min=0)
    if pos_weight is not None:
        loss = (1 - target) * input + (1 + (pos_weight - 1) * target) * softplus_neg
    else:
        loss = (1 - target) * input + softplus_neg
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """``log(1 + exp(-y x))``"""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    return _reduce(unary.log1p(unary.exp(-target * input)), reduction)


def multilabel_soft_margin_loss(
    input, target, weight=None, size_average=None, reduce=None, reduction: str = "mean"
) -> Tensor:
    """Per sample, the mean over classes of ``-(t log sigmoid(x) + (1 - t) log sigmoid(-x))``."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    loss = -(target * activation.logsigmoid(input) + (1 - target) * activation.logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    loss = loss.sum(-1) / input.shape[-1]
    return _reduce(loss, reduction)


# ---- margins and embeddings -------------------------------------------------------------------


def margin_ranking_loss(
    input1, input2, target, margin: float = 0.0, size_average=None, reduce=None, reduction="mean"
) -> Tensor:
    """``max(0, -y (x1 - x2) + margin)``"""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if not (input1.dim() == input2.dim() == target.dim()):
        raise RuntimeError(
            f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {input1.shape}, input2: {input2.shape}, target: {target.shape} "
        )
    return _reduce(comparison.clamp(-target * (input1 - input2) + margin, min=0), reduction)


def hinge_embedding_loss(
    input, target, margin: float = 1.0, size_average=None, reduce=None, reduction="mean"
) -> Tensor:
    """``x`` where y = 1, ``max(0, margin - x)`` where y = -1."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    zero = input.new_zeros(())
    margin_part = comparison.where(target != 1, comparison.clamp(margin - input, min=0), zero)
    self_part = comparison.where(target != -1, input, zero)
    return _reduce(margin_part + self_part, reduction)


def cosine_embedding_loss(
    input1, input2, target, margin: float = 0.0, size_average=None, reduce=None, reduction="mean"
) -> Tensor:
    """``1 - cos(x1, x2)`` where y = 1, ``max(0, cos(x1, x2) - margin)`` where y = -1."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    eps = 1e-12
    dim = input1.dim() - 1
    dot = (input1 * input2).sum(dim)
    mag = ((input1 * input1).sum(dim) + eps) * ((input2 * input2).sum(dim) + eps)
    cos = dot / unary.sqrt(mag)
    zero = cos.new_zeros(())
    pos = comparison.where(target == 1, 1 - cos, zero)
    neg = comparison.where(target == -1, comparison.clamp(cos - margin, min=0), zero)
    return _reduce(pos + neg, reduction)


def multi_margin_loss(
    input,
    target,
    p: int = 1,
    margin: float = 1.0,
    weight=None,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """Per sample, ``sum_{i != y} max(0, margin - x[y] + x[i])^p / C`` (times ``w[y]``)."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    x = input if input.dim() == 2 else input.reshape(1, -1)
    y = target.reshape(-1)
    n, classes = x.shape
    _check_targets(y._data, classes, -(10**18))
    from .creation import arange

    rows = arange(n)
    picked = x[rows, y].unsqueeze(1)
    hinge = comparison.clamp(x - picked + margin, min=0)
    if p == 2:
        hinge = hinge * hinge
    if weight is not None:
        hinge = hinge * weight[y].unsqueeze(1)
    not_target = Tensor._make(xp_of(x._data).arange(classes)[None, :] != y._data[:, None])
    loss = (hinge * not_target.to(hinge.dtype)).sum(1) / classes
    if input.dim() != 2 and reduction == "none":
        loss = loss.reshape(target.shape)
    return _reduce(loss, reduction)


def triplet_margin_loss(
    anchor,
    positive,
    negative,
    margin: float = 1.0,
    p: float = 2,
    eps: float = 1e-6,
    swap: bool = False,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """``max(0, margin + d(a, p) - d(a, n))``; with ``swap`` d(a, n) is min(d(a, n), d(p, n))."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    dims = (anchor.dim(), positive.dim(), negative.dim())
    if len(set(dims)) != 1 or dims[0] not in (1, 2):
        raise RuntimeError(
            f"The anchor, positive, and negative tensors are expected to have the same number "
            f"of dimensions, but got: anchor {dims[0]}D, positive {dims[1]}D, and negative "
            f"{dims[2]}D inputs"
        )
    d_ap = distance.pairwise_distance(anchor, positive, p, eps)
    d_an = distance.pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_an = comparison.minimum(d_an, distance.pairwise_distance(positive, negative, p, eps))
    return _reduce(comparison.clamp(d_ap - d_an + margin, min=0), reduction)


def triplet_margin_with_distance_loss(
    anchor,
    positive,
    negative,
    *,
    distance_function=None,
    margin: float = 1.0,
    swap: bool = False,
    reduction: str = "mean",
) -> Tensor:
    """Triplet loss with any distance (pairwise_distance by default)."""
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    dist = distance_function if distance_function is not None else distance.pairwise_distance
    d_ap = dist(anchor, positive)
    d_an = dist(anchor, negative)
    if swap:
        d_an = comparison.minimum(d_an, dist(positive, negative))
    return _reduce(comparison.clamp(d_ap - d_an + margin, min=0), reduction)


def multilabel_margin_loss(
    input, target, size_average=None, reduce=None, reduction: str = "mean"
) -> Tensor:
    """Per sample, ``sum_{j in targets} sum_{i not in targets} max(0, 1 - x[j] + x[i]) / C``;
    a sample's target classes are the entries of its target row before the first -1."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    x = input if input.dim() == 2 else input.reshape(1, -1)
    t = target._data.reshape(x.shape)
    if target.shape != input.shape:
        raise RuntimeError(
            f"inconsistent target size: {list(target.shape)} for input of size: {list(input.shape)}"
        )
    xp = xp_of(t)
    n, classes = x.shape
    # the targets of a row end at its first -1
    valid = xp.cumprod(t >= 0, axis=1).astype(bool)
    if bool(((t >= classes) & valid).any()):
        raise RuntimeError(f"target out of range for {classes} classes")
    is_target = xp.zeros((n, classes), dtype=bool)
    rows = xp.broadcast_to(xp.arange(n)[:, None], t.shape)
    is_target[rows[valid], t[valid]] = True
    pairs = Tensor._make((is_target[:, :, None] & ~is_target[:, None, :]).astype(x._data.dtype))
    hinge = comparison.clamp(1 - x.unsqueeze(2) + x.unsqueeze(1), min=0)
    loss = (hinge * pairs).sum((1, 2)) / classes
    if input.dim() != 2:
        loss = loss.reshape(())
    return _reduce(loss, reduction)
