"""``MultivariateNormal(loc, covariance_matrix= | precision_matrix= | scale_tril=)``: a
Gaussian over vectors, held as the lower Cholesky factor L of its covariance (``L L^T``)."""

from __future__ import annotations

import math

from .. import linalg, ops
from .._tensor import Size
from . import constraints
from .distribution import Distribution, Located, lazy_property


def _mahalanobis(L, diff):
    """``|L^-1 diff|^2`` over the last dim (L broadcast against diff's batch dims)."""
    shape = ops.broadcast_shapes(tuple(L.shape[:-2]), tuple(diff.shape[:-1]))
    L = L.expand(shape + tuple(L.shape[-2:]))
    solved = linalg.solve_triangular(L, diff.expand(shape + (diff.shape[-1],)).unsqueeze(-1),
                                     upper=False)  # fmt: skip
    return solved.squeeze(-1).pow(2).sum(-1)


def _half_log_det(L):
    return L.diagonal(dim1=-2, dim2=-1).log().sum(-1)


class MultivariateNormal(Located):
    """math: p(x) = exp(-|L^-1 (x - loc)|^2 / 2) / ((2 pi)^(k/2) det L)"""

    arg_constraints = {
        "loc": constraints.real_vector,
        "covariance_matrix": constraints.positive_definite,
        "precision_matrix": constraints.positive_definite,
        "scale_tril": constraints.lower_cholesky,
    }
    support = constraints.real_vector

    def __init__(self, loc, covariance_matrix=None, precision_matrix=None, scale_tril=None,
                 validate_args=None):  # fmt: skip
        if loc.dim() < 1:
            raise ValueError("loc must be at least one-dimensional.")
        given = [m for m in (covariance_matrix, precision_matrix, scale_tril) if m is not None]
        if len(given) != 1:
            raise ValueError(
                "Exactly one of covariance_matrix or precision_matrix or scale_tril may be "
                "specified."
            )
        matrix = given[0]
        if matrix.dim() < 2:
            names = ("covariance_matrix", "precision_matrix", "scale_tril")
            given_at = [covariance_matrix, precision_matrix, scale_tril].index(matrix)
            name = names[given_at]
            raise ValueError(
                f"{name} matrix must be at least two-dimensional, with optional leading batch "
                "dimensions"
            )
        batch = ops.broadcast_shapes(tuple(matrix.shape[:-2]), tuple(loc.shape[:-1]))
        square = batch + tuple(matrix.shape[-2:])
        if scale_tril is not None:
            self.scale_tril = scale_tril.expand(square)
            self._unbroadcasted_scale_tril = scale_tril
        elif covariance_matrix is not None:
            self.covariance_matrix = covariance_matrix.expand(square)
            self._unbroadcasted_scale_tril = linalg.cholesky(covariance_matrix)
        else:
            self.precision_matrix = precision_matrix.expand(square)
            self._unbroadcasted_scale_tril = linalg.cholesky(linalg.inv(precision_matrix))
        self.loc = loc.expand(batch + (-1,))
        Distribution.__init__(self, Size(batch), Size(loc.shape[-1:]), validate_args)

    @lazy_property
    def scale_tril(self):
        return self._unbroadcasted_scale_tril.expand(self._square())

    @lazy_property
    def covariance_matrix(self):
        L = self._unbroadcasted_scale_tril
        return (L @ L.mT).expand(self._square())

    @lazy_property
    def precision_matrix(self):
        return ops.cholesky_inverse(self._unbroadcasted_scale_tril).expand(self._square())

    def _square(self):
        return tuple(self._batch_shape) + tuple(self._event_shape) * 2

    @property
    def variance(self):
        shape = tuple(self._batch_shape) + tuple(self._event_shape)
        return self._unbroadcasted_scale_tril.pow(2).sum(-1).expand(shape)

    def rsample(self, sample_shape=()):
        """``loc + L eps`` with eps standard normal."""
        eps = ops.randn(self._extended_shape(sample_shape), dtype=self.loc.dtype)
        return self.loc + (self._unbroadcasted_scale_tril @ eps.unsqueeze(-1)).squeeze(-1)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        k = self._event_shape[0]
        m = _mahalanobis(self._unbroadcasted_scale_tril, value - self.loc)
        return -0.5 * (k * math.log(2 * math.pi) + m) - _half_log_det(
            self._unbroadcasted_scale_tril
        )

    def entropy(self):
        k = self._event_shape[0]
        h = 0.5 * k * (1.0 + math.log(2 * math.pi)) + _half_log_det(self._unbroadcasted_scale_tril)
        return h.expand(self._batch_shape) if len(self._batch_shape) else h
