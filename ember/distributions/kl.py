"""``kl_divergence(p, q)``: KL(p || q) for the pairs registered here (``register_kl``)."""

from __future__ import annotations

from .. import linalg, ops
from ..nn import functional as F
from .bernoulli import Bernoulli
from .categorical import Categorical
from .exponential import Exponential, Laplace
from .independent import Independent, _sum_rightmost
from .multivariate_normal import MultivariateNormal, _half_log_det, _mahalanobis
from .normal import Normal
from .one_hot_categorical import OneHotCategorical
from .uniform import Uniform

_KL = {}


def register_kl(type_p, type_q):
    """Decorator: ``fn(p, q)`` computes KL(p || q) for p of ``type_p`` and q of ``type_q``."""

    def register(fn):
        _KL[type_p, type_q] = fn
        return fn

    return register


def kl_divergence(p, q):
    for tp in type(p).__mro__:
        for tq in type(q).__mro__:
            fn = _KL.get((tp, tq))
            if fn is not None:
                return fn(p, q)
    raise NotImplementedError(
        f"No KL(p || q) is implemented for p type {type(p).__name__} and q type {type(q).__name__}"
    )


@register_kl(Normal, Normal)
def _kl_normal_normal(p, q):
    """math: (s_p^2/s_q^2 + ((m_p - m_q)/s_q)^2 - 1 - log(s_p^2/s_q^2)) / 2"""
    var_ratio = (p.scale / q.scale).pow(2)
    t1 = ((p.loc - q.loc) / q.scale).pow(2)
    return 0.5 * (var_ratio + t1 - 1 - var_ratio.log())


@register_kl(Bernoulli, Bernoulli)
def _kl_bernoulli_bernoulli(p, q):
    """math: p log(p/q) + (1-p) log((1-p)/(1-q)), as softplus differences of the logits;
    inf where q gives no mass to an outcome p has, 0 for outcomes p does not have."""
    t1 = p.probs * (F.softplus(-q.logits) - F.softplus(-p.logits))
    t1 = t1.masked_fill(q.probs == 0, float("inf")).masked_fill(p.probs == 0, 0.0)
    t2 = (1 - p.probs) * (F.softplus(q.logits) - F.softplus(p.logits))
    t2 = t2.masked_fill(q.probs == 1, float("inf")).masked_fill(p.probs == 1, 0.0)
    return t1 + t2


@register_kl(Categorical, Categorical)
def _kl_categorical_categorical(p, q):
    """math: sum_k p_k (log p_k - log q_k), inf where q_k = 0 < p_k"""
    t = p.probs * (p.logits - q.logits)
    t = t.masked_fill((q.probs == 0).expand_as(t), float("inf"))
    t = t.masked_fill((p.probs == 0).expand_as(t), 0.0)
    return t.sum(-1)


@register_kl(Uniform, Uniform)
def _kl_uniform_uniform(p, q):
    """math: log((hi_q - lo_q) / (hi_p - lo_p)), inf unless q's interval covers p's"""
    result = ((q.high - q.low) / (p.high - p.low)).log()
    return result.masked_fill((q.low > p.low) | (q.high < p.high), float("inf"))


@register_kl(Independent, Independent)
def _kl_independent_independent(p, q):
    """The base distributions' KL summed over the reinterpreted dims (which must agree)."""
    if p.reinterpreted_batch_ndims != q.reinterpreted_batch_ndims:  # (torch: the same type)
        raise NotImplementedError(
            "KL between Independents with different reinterpreted_batch_ndims: "
            f"{p.reinterpreted_batch_ndims} and {q.reinterpreted_batch_ndims}"
        )
    return _sum_rightmost(kl_divergence(p.base_dist, q.base_dist), p.reinterpreted_batch_ndims)


@register_kl(OneHotCategorical, OneHotCategorical)
def _kl_onehot_onehot(p, q):
    return _kl_categorical_categorical(p._categorical, q._categorical)


@register_kl(Exponential, Exponential)
def _kl_exponential_exponential(p, q):
    """math: r - 1 - log r, with r = rate_q / rate_p"""
    ratio = q.rate / p.rate
    return ratio - 1 - ratio.log()


@register_kl(Laplace, Laplace)
def _kl_laplace_laplace(p, q):
    """math: log(s_q/s_p) + |m_p - m_q|/s_q + (s_p/s_q) e^(-|m_p - m_q|/s_p) - 1"""
    ratio = p.scale / q.scale
    gap = (p.loc - q.loc).abs()
    return -ratio.log() + gap / q.scale + ratio * ops.exp(-gap / p.scale) - 1


@register_kl(MultivariateNormal, MultivariateNormal)
def _kl_mvn_mvn(p, q):
    """math: log(det L_q / det L_p) + (|L_q^-1 L_p|_F^2 + |L_q^-1 (m_q - m_p)|^2 - k) / 2"""
    if p.event_shape != q.event_shape:
        raise ValueError(
            "KL-divergence between two Multivariate Normals with different event shapes "
            "cannot be computed"
        )
    lp, lq = p._unbroadcasted_scale_tril, q._unbroadcasted_scale_tril
    k = p.event_shape[0]
    shape = ops.broadcast_shapes(tuple(lp.shape[:-2]), tuple(lq.shape[:-2]))
    square = shape + (k, k)
    solved = linalg.solve_triangular(lq.expand(square), lp.expand(square), upper=False)
    term2 = solved.pow(2).reshape(shape + (-1,)).sum(-1)
    term3 = _mahalanobis(lq, q.loc - p.loc)
    log_det = _half_log_det(lq) - _half_log_det(lp)
    return log_det + 0.5 * (term2 + term3 - k)


__all__ = ["kl_divergence", "register_kl"]
