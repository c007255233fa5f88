"""``Distribution``: the base of ``ember.distributions``, as ``torch.distributions.Distribution``.

A distribution has a ``batch_shape`` (independent distributions side by side) and an
``event_shape`` (the shape of one draw); ``sample(sample_shape)`` returns
``sample_shape + batch_shape + event_shape``. Parameters are checked against
``arg_constraints`` and values given to ``log_prob`` against ``support`` when validation is on
(the default, as in torch; ``Distribution.set_default_validate_args(False)`` turns it off).
"""

from __future__ import annotations

from .. import ops
from .._tensor import Size, Tensor
from ..autograd.grad_mode import no_grad
from . import constraints


class lazy_property:
    """A value computed on first access and then kept on the instance (Bernoulli's logits
    when it was given probs, and the reverse)."""

    def __init__(self, compute):
        self.compute = compute
        self.__doc__ = compute.__doc__

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = self.compute(instance)
        instance.__dict__[self.compute.__name__] = value
        return value


class Distribution:
    has_rsample = False
    has_enumerate_support = False
    arg_constraints: dict = {}
    support = None
    _validate_default = True

    @staticmethod
    def set_default_validate_args(value: bool) -> None:
        if value not in (True, False):
            raise ValueError
        Distribution._validate_default = value

    def __init__(self, batch_shape=(), event_shape=(), validate_args=None):
        self._batch_shape = Size(batch_shape)
        self._event_shape = Size(event_shape)
        if validate_args is not None:
            self._validate_args = validate_args
        else:
            self._validate_args = Distribution._validate_default
        if self._validate_args:
            for param, constraint in self.arg_constraints.items():
                if constraint is constraints.dependent:
                    continue
                if param not in self.__dict__ and isinstance(
                    getattr(type(self), param, None), lazy_property
                ):
                    continue  # the other parametrisation, computed only when asked for
                value = getattr(self, param)
                if not bool(constraint.check(value).all()):
                    raise ValueError(
                        f"Expected parameter {param} ({type(value).__name__} of shape "
                        f"{tuple(value.shape)}) of distribution {self!r} to satisfy the "
                        f"constraint {constraint!r}, but found invalid values:\n{value}"
                    )

    @property
    def batch_shape(self) -> Size:
        return self._batch_shape

    @property
    def event_shape(self) -> Size:
        return self._event_shape

    @property
    def stddev(self) -> Tensor:
        return self.variance.sqrt()

    def _extended_shape(self, sample_shape=()) -> Size:
        return Size(tuple(sample_shape) + tuple(self._batch_shape) + tuple(self._event_shape))

    def sample(self, sample_shape=()) -> Tensor:
        """A draw without a gradient (``rsample`` under no_grad where it exists)."""
        with no_grad():
            return self.rsample(sample_shape)

    def sample_n(self, n: int) -> Tensor:
        return self.sample(Size((n,)))

    def perplexity(self) -> Tensor:
        return ops.exp(self.entropy())

    def _validate_sample(self, value: Tensor) -> None:
        if not isinstance(value, Tensor):
            raise ValueError("The value argument to log_prob must be a Tensor")
        lead = value.dim() - len(self._event_shape)
        if tuple(value.shape[max(lead, 0) :]) != tuple(self._event_shape):
            raise ValueError(
                f"The right-most size of value must match event_shape: {value.size()} vs "
                f"{self._event_shape}."
            )
        expected = self._extended_shape()
        for got, want in zip(reversed(value.shape), reversed(expected)):
            if got != 1 and want != 1 and got != want:
                raise ValueError(
                    f"Value is not broadcastable with batch_shape+event_shape: {value.size()} "
                    f"vs {expected}."
                )
        if not bool(self.support.check(value).all()):
            raise ValueError(
                f"Expected value argument ({type(value).__name__} of shape "
                f"{tuple(value.shape)}) to be within the support ({self.support!r}) of the "
                f"distribution {self!r}, but found invalid values:\n{value}"
            )

    def __repr__(self) -> str:
        names = [k for k in self.arg_constraints if k in self.__dict__]
        shown = ", ".join(
            f"{p}: {self.__dict__[p] if self.__dict__[p].numel() == 1 else self.__dict__[p].size()}"
            for p in names
        )
        return f"{type(self).__name__}({shown})"


class Located(Distribution):
    """A family whose mean and mode are its ``loc``, with ``(loc, scale)`` parameters when
    ``scale`` is a tensor (Normal, Laplace; MultivariateNormal sets up its own)."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = broadcast_all(loc, scale)
        super().__init__(self.loc.shape, validate_args=validate_args)

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc


def broadcast_all(*values):
    """Tensors (Python numbers made tensors of the default dtype, or of the other values'
    dtype) broadcast to one shape."""
    like = next((v for v in values if isinstance(v, Tensor)), None)
    tensors = [
        v
        if isinstance(v, Tensor)
        else ops.tensor(float(v), dtype=None if like is None else like.dtype)
        for v in values
    ]
    return ops.broadcast_tensors(*tensors)
