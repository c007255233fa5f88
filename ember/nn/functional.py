"""``ember.nn.functional``: the functional form of every layer. The math lives in the op
families under ``ember/ops`` (activation, linear, dropout, normalization, embedding, loss,
distance, conv, pooling...); this module gathers their public functions under torch's names."""

from __future__ import annotations

from ..ops.activation import (  # noqa: F401
    celu,
    elu,
    gelu,
    glu,
    gumbel_softmax,
    hardshrink,
    hardsigmoid,
    hardswish,
    hardtanh,
    leaky_relu,
    log_softmax,
    logsigmoid,
    mish,
    prelu,
    relu,
    relu6,
    rrelu,
    selu,
    silu,
    softmax,
    softmin,
    softplus,
    softshrink,
    softsign,
    tanhshrink,
    threshold,
)
from ..ops.attention import scaled_dot_product_attention  # noqa: F401
from ..ops.conv import (  # noqa: F401
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
    fold,
    unfold,
)
from ..ops.ctc import ctc_loss  # noqa: F401
from ..ops.distance import cosine_similarity, pairwise_distance, pdist  # noqa: F401
from ..ops.dropout import (  # noqa: F401
    alpha_dropout,
    dropout,
    dropout1d,
    dropout2d,
    dropout3d,
    feature_alpha_dropout,
)
from ..ops.embedding import (  # noqa: F401
    channel_shuffle,
    embedding,
    embedding_bag,
    one_hot,
    pixel_shuffle,
    pixel_unshuffle,
)
from ..ops.linear import bilinear, linear  # noqa: F401
from ..ops.loss import (  # noqa: F401
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cosine_embedding_loss,
    cross_entropy,
    gaussian_nll_loss,
    hinge_embedding_loss,
    huber_loss,
    kl_div,
    l1_loss,
    linear_cross_entropy,
    margin_ranking_loss,
    mse_loss,
    multi_margin_loss,
    multilabel_margin_loss,
    multilabel_soft_margin_loss,
    nll_loss,
    poisson_nll_loss,
    smooth_l1_loss,
    soft_margin_loss,
    triplet_margin_loss,
    triplet_margin_with_distance_loss,
)
from ..ops.normalization import (  # noqa: F401
    batch_norm,
    group_norm,
    instance_norm,
    layer_norm,
    local_response_norm,
    normalize,
    rms_norm,
)
from ..ops.pooling import (  # noqa: F401
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_avg_pool3d,
    adaptive_max_pool1d,
    adaptive_max_pool2d,
    adaptive_max_pool3d,
    avg_pool1d,
    avg_pool2d,
    avg_pool3d,
    lp_pool1d,
    lp_pool2d,
    lp_pool3d,
    max_pool1d,
    max_pool1d_with_indices,
    max_pool2d,
    max_pool2d_with_indices,
    max_pool3d,
    max_pool3d_with_indices,
    max_unpool1d,
    max_unpool2d,
    max_unpool3d,
)
from ..ops.sampling import (  # noqa: F401
    affine_grid,
    grid_sample,
    interpolate,
    pad,
    upsample,
    upsample_bilinear,
    upsample_nearest,
)
from ..ops.unary import sigmoid, tanh  # noqa: F401


def relu_(input):
    """In-place :func:`relu`."""
    return relu(input, inplace=True)


def elu_(input, alpha: float = 1.0):
    """In-place :func:`elu`."""
    return elu(input, alpha, inplace=True)


def leaky_relu_(input, negative_slope: float = 0.01):
    """In-place :func:`leaky_relu`."""
    return leaky_relu(input, negative_slope, inplace=True)


def hardtanh_(input, min_val: float = -1.0, max_val: float = 1.0):
    """In-place :func:`hardtanh`."""
    return hardtanh(input, min_val, max_val, inplace=True)


def threshold_(input, threshold_value: float, value: float):
    """In-place :func:`threshold`."""
    return threshold(input, threshold_value, value, inplace=True)


def celu_(input, alpha: float = 1.0):
    """In-place :func:`celu`."""
    return celu(input, alpha, inplace=True)


def selu_(input):
    """In-place :func:`selu`."""
    return selu(input, inplace=True)


def rrelu_(input, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False):
    """In-place :func:`rrelu`."""
    return rrelu(input, lower, upper, training, inplace=True)


native_channel_shuffle = channel_shuffle


def multi_head_attention_forward(*args, **kwargs):
    from .modules.transformer import multi_head_attention_forward as forward

    return forward(*args, **kwargs)
