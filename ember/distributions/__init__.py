"""``ember.distributions``: probability distributions with sampling, ``log_prob`` and
``entropy``, as ``torch.distributions``. This first slice has Normal, MultivariateNormal,
Uniform, Exponential, Laplace, Bernoulli, Categorical, OneHotCategorical and Independent, with
``kl_divergence`` between two of a kind; draws come from ember's random generator (the same
seed gives ember's numbers, not torch's)."""

from . import constraints
from .bernoulli import Bernoulli
from .categorical import Categorical
from .distribution import Distribution
from .exponential import Exponential, Laplace
from .independent import Independent
from .kl import kl_divergence, register_kl
from .multivariate_normal import MultivariateNormal
from .normal import Normal
from .one_hot_categorical import OneHotCategorical
from .uniform import Uniform

__all__ = [
    "Bernoulli", "Categorical", "Distribution", "Exponential", "Independent", "Laplace",
    "MultivariateNormal", "Normal", "OneHotCategorical", "Uniform", "constraints",
    "kl_divergence", "register_kl",
]  # fmt: skip
