"""torch's top-level forms of nn.functional ops (``torch.batch_norm``, ``torch.dropout``,
``torch.kl_div``...). They are aten's signatures, not nn.functional's: positional flags such as
``cudnn_enabled``, ``train`` instead of ``training``, ``weight`` before ``indices`` in
``embedding`` and integer reductions (0 none, 1 mean, 2 sum). Each translates and calls the
nn.functional op of its family."""

from __future__ import annotations

from .. import _dtype
from .._tensor import Tensor
from . import activation as _activation
from . import comparison as _comparison
from . import creation as _creation
from . import ctc as _ctc
from . import dropout as _dropout
from . import embedding as _embedding
from . import linalg as _linalg
from . import loss as _loss
from . import manipulation as _manipulation
from . import normalization as _norm
from . import sampling as _sampling
from ._util import wrap_dim

_REDUCTION_NAMES = ("none", "mean", "sum")


def _check_p(p: float) -> None:
    # aten's dropout raises RuntimeError (nn.functional's own check raises ValueError)
    if not 0.0 <= p <= 1.0:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {p}")


def _reduction(reduction) -> str:
    """aten's integer reduction as nn.functional's name (a name passes through)."""
    if isinstance(reduction, str):
        return reduction
    if reduction not in (0, 1, 2):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return _REDUCTION_NAMES[reduction]


def batch_norm(
    input: Tensor, weight, bias, running_mean, running_var, training: bool, momentum: float,
    eps: float, cudnn_enabled: bool,
) -> Tensor:  # fmt: skip
    """``torch.batch_norm``: nn.functional.batch_norm with aten's argument order."""
    return _norm.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def layer_norm(
    input: Tensor, normalized_shape, weight=None, bias=None, eps: float = 1e-5,
    cudnn_enable: bool = True,
) -> Tensor:  # fmt: skip
    """``torch.layer_norm`` (``cudnn_enable`` is accepted and ignored)."""
    return _norm.layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(
    input: Tensor, num_groups: int, weight=None, bias=None, eps: float = 1e-5,
    cudnn_enabled: bool = True,
) -> Tensor:  # fmt: skip
    """``torch.group_norm`` (``cudnn_enabled`` is accepted and ignored)."""
    return _norm.group_norm(input, num_groups, weight, bias, eps)


def instance_norm(
    input: Tensor, weight, bias, running_mean, running_var, use_input_stats: bool,
    momentum: float, eps: float, cudnn_enabled: bool,
) -> Tensor:  # fmt: skip
    """``torch.instance_norm``: nn.functional.instance_norm with aten's argument order."""
    return _norm.instance_norm(
        input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps
    )


def rms_norm(input: Tensor, normalized_shape, weight=None, eps: float | None = None) -> Tensor:
    """``torch.rms_norm``: the same as nn.functional.rms_norm."""
    return _norm.rms_norm(input, normalized_shape, weight, eps)


def dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """``torch.dropout(input, p, train)``."""
    _check_p(p)
    return _dropout.dropout(input, p, train)


def alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """``torch.alpha_dropout(input, p, train)``."""
    _check_p(p)
    return _dropout.alpha_dropout(input, p, train)


def feature_alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """``torch.feature_alpha_dropout(input, p, train)``."""
    _check_p(p)
    return _dropout.feature_alpha_dropout(input, p, train)


def embedding(
    weight: Tensor, indices: Tensor, padding_idx: int = -1, scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:  # fmt: skip
    """``torch.embedding(weight, indices)``: weight first; a negative padding_idx is none."""
    padding = None if padding_idx is None or padding_idx < 0 else padding_idx
    return _embedding.embedding(
        indices, weight, padding, scale_grad_by_freq=scale_grad_by_freq, sparse=sparse
    )


def kl_div(input: Tensor, target: Tensor, reduction=1, *, log_target: bool = False) -> Tensor:
    """``torch.kl_div``: ``mean`` averages over every element, without nn.functional's
    warning."""
    loss = _loss.kl_div(input, target, reduction="none", log_target=log_target)
    return _loss._reduce(loss, _reduction(reduction))


def binary_cross_entropy_with_logits(
    input: Tensor, target: Tensor, weight=None, pos_weight=None, reduction=1
) -> Tensor:
    """``torch.binary_cross_entropy_with_logits`` (integer reduction; input and target
    broadcast)."""
    if input.shape != target.shape:
        input, target = _manipulation.broadcast_tensors(input, target)
    return _loss.binary_cross_entropy_with_logits(
        input, target, weight, reduction=_reduction(reduction), pos_weight=pos_weight
    )


def cosine_embedding_loss(input1, input2, target, margin: float = 0.0, reduction=1) -> Tensor:
    """``torch.cosine_embedding_loss`` (integer reduction)."""
    return _loss.cosine_embedding_loss(
        input1, input2, target, margin, reduction=_reduction(reduction)
    )


def hinge_embedding_loss(input, target, margin: float = 1.0, reduction=1) -> Tensor:
    """``torch.hinge_embedding_loss`` (integer reduction)."""
    return _loss.hinge_embedding_loss(input, target, margin, reduction=_reduction(reduction))


def margin_ranking_loss(input1, input2, target, margin: float = 0.0, reduction=1) -> Tensor:
    """``torch.margin_ranking_loss`` (integer reduction)."""
    return _loss.margin_ranking_loss(
        input1, input2, target, margin, reduction=_reduction(reduction)
    )


def poisson_nll_loss(input, target, log_input: bool, full: bool, eps: float, reduction) -> Tensor:
    """``torch.poisson_nll_loss``: every argument positional and required."""
    return _loss.poisson_nll_loss(
        input, target, log_input, full, eps=eps, reduction=_reduction(reduction)
    )


def triplet_margin_loss(
    anchor, positive, negative, margin: float = 1.0, p: float = 2.0, eps: float = 1e-6,
    swap: bool = False, reduction=1,
) -> Tensor:  # fmt: skip
    """``torch.triplet_margin_loss`` (integer reduction)."""
    return _loss.triplet_margin_loss(
        anchor, positive, negative, margin, p, eps, swap, reduction=_reduction(reduction)
    )


def ctc_loss(
    log_probs, targets, input_lengths, target_lengths, blank: int = 0, reduction=1,
    zero_infinity: bool = False,
) -> Tensor:  # fmt: skip
    """``torch.ctc_loss`` (integer reduction)."""
    return _ctc.ctc_loss(
        log_probs, targets, input_lengths, target_lengths, blank, _reduction(reduction),
        zero_infinity,
    )  # fmt: skip


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """In-place celu."""
    return _activation.celu(input, alpha, inplace=True)


def selu_(input: Tensor) -> Tensor:
    """In-place selu."""
    return _activation.selu(input, inplace=True)


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training=False):
    """In-place rrelu."""
    return _activation.rrelu(input, lower, upper, training, inplace=True)


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    """In-place threshold."""
    return _activation.threshold(input, threshold, value, inplace=True)


def dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    """In-place ``torch.dropout``."""
    _check_p(p)
    return _dropout.dropout(input, p, train, inplace=True)


def alpha_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    """In-place ``torch.alpha_dropout``."""
    _check_p(p)
    return _dropout.alpha_dropout(input, p, train, inplace=True)


def feature_alpha_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    """In-place ``torch.feature_alpha_dropout``."""
    _check_p(p)
    return _dropout.feature_alpha_dropout(input, p, train, inplace=True)


def _feature_dropout(input: Tensor, p: float, train: bool, inplace: bool) -> Tensor:
    _check_p(p)
    if not train or p == 0.0:
        return input
    shape = tuple(input.shape)
    return _dropout._masked(input, p, shape[:2] + (1,) * (len(shape) - 2), inplace)


def feature_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """Dropout of whole channels (dim 1) of (N, C, ...) input."""
    return _feature_dropout(input, p, train, False)


def feature_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    """In-place :func:`feature_dropout`."""
    return _feature_dropout(input, p, train, True)


def constant_pad_nd(input: Tensor, pad, value=0) -> Tensor:
    """Pad with a constant: ``pad`` lists (before, after) pairs from the last dim backwards."""
    return _sampling.pad(input, pad, "constant", value)


def renorm(input: Tensor, p, dim: int, maxnorm) -> Tensor:
    """Each slice along ``dim`` whose p-norm exceeds maxnorm, scaled to norm maxnorm."""
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    if input.dim() <= 1:
        raise RuntimeError(
            f"renorm: input needs at least 2 dimensions, got {input.dim()} dimensions"
        )
    d = wrap_dim(dim, input.dim())
    others = [k for k in range(input.dim()) if k != d]
    norms = _linalg.vector_norm(input, p, others, keepdim=True)
    factor = _comparison.where(norms > maxnorm, maxnorm / (norms + 1e-7), 1.0).to(input.dtype)
    return input * factor


def native_channel_shuffle(input: Tensor, groups: int) -> Tensor:
    """The same as :func:`channel_shuffle`."""
    return _embedding.channel_shuffle(input, groups)


def native_dropout(input: Tensor, p: float, train):
    """``(output, keep_mask)``: dropout that also returns its boolean mask (all True, and the
    output a copy of input, when not training)."""
    if train is False:
        return input * 1, _creation.full_like(input, True, dtype=_dtype.bool_)
    if not 0.0 <= p <= 1.0:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={1 - p}")
    keep = _dropout._keep_mask(input, p, tuple(input.shape))
    mask = Tensor._make(keep)
    scale = 0.0 if p == 1.0 else 1.0 / (1.0 - p)
    return input * mask.to(input.dtype) * scale, mask.to(_dtype.bool_)


def native_layer_norm(input: Tensor, normalized_shape, weight, bias, eps: float):
    """``(output, mean, rstd)``, the statistics over the normalised dims kept as size 1."""
    out = _norm.layer_norm(input, normalized_shape, weight, bias, eps)
    axes = _norm._normalized_axes(input, normalized_shape)
    mean = input.detach().mean(axes, keepdim=True)
    var = input.detach().var(axes, correction=0, keepdim=True)
    return out, mean, (var + eps).rsqrt()
