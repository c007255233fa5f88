"""``Categorical(probs=..., logits=...)``: an index in ``[0, K)`` drawn with the given
(unnormalised) probabilities or log-probabilities over the last dim."""

from __future__ import annotations

from .. import ops
from .._dtype import finfo
from .._tensor import Size
from ..autograd.grad_mode import no_grad
from . import constraints
from .bernoulli import _one_of, clamp_probs
from .distribution import Distribution, lazy_property


class Categorical(Distribution):
    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real}
    has_enumerate_support = True

    def __init__(self, probs=None, logits=None, validate_args=None):
        _one_of(probs, logits)
        if probs is not None:
            if probs.dim() < 1:
                raise ValueError("`probs` parameter must be at least one-dimensional.")
            self.probs = probs / probs.sum(-1, keepdim=True)
            param = self.probs
        else:
            if logits.dim() < 1:
                raise ValueError("`logits` parameter must be at least one-dimensional.")
            self.logits = logits - logits.logsumexp(dim=-1, keepdim=True)
            param = self.logits
        self._param = param
        self._num_events = param.shape[-1]
        batch = param.shape[:-1] if param.dim() > 1 else Size()
        super().__init__(batch, validate_args=validate_args)

    @lazy_property
    def logits(self):
        return clamp_probs(self.probs).log()

    @lazy_property
    def probs(self):
        return ops.softmax(self.logits, -1)

    @property
    def param_shape(self) -> Size:
        return self._param.shape

    @property
    def support(self):
        return constraints.integer_interval(0, self._num_events - 1)

    @property
    def mean(self):
        return ops.full(self._extended_shape(), float("nan"), dtype=self._param.dtype)

    @property
    def mode(self):
        return self.probs.argmax(-1)

    @property
    def variance(self):
        return ops.full(self._extended_shape(), float("nan"), dtype=self._param.dtype)

    def sample(self, sample_shape=()):
        sample_shape = Size(sample_shape)
        flat = self.probs.reshape(-1, self._num_events)
        with no_grad():
            draws = ops.multinomial(flat, max(sample_shape.numel(), 1), True).T
        return draws.reshape(self._extended_shape(sample_shape))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        value = value.long().unsqueeze(-1)
        value, log_pmf = ops.broadcast_tensors(value, self.logits)
        return log_pmf.gather(-1, value[..., :1]).squeeze(-1)

    def entropy(self):
        logits = self.logits.clamp(min=finfo(self.logits.dtype).min)
        return -(logits * self.probs).sum(-1)

    def enumerate_support(self, expand: bool = True):
        values = ops.arange(self._num_events, device=self._param.device)
        values = values.view((-1,) + (1,) * len(self._batch_shape))
        return values.expand((-1,) + tuple(self._batch_shape)) if expand else values
