"""ASGD: SGD that also keeps a running average of the iterates."""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ._util import (
    check_lr,
    check_nonnegative,
    count_step,
    new_step,
    scalar_dtype,
    zeros_like,
)
from .optimizer import Optimizer


def asgd(
    param: Tensor,
    grad: Tensor,
    state: dict,
    *,
    lr: float,
    lambd: float,
    alpha: float,
    t0: float,
    weight_decay: float,
    maximize: bool,
) -> None:
    """One ASGD update of ``param`` in place.

    math: p = p*(1 - lambd*eta) - eta*g;  ax += mu*(p - ax)
          eta = lr/(1 + lambd*lr*t)^alpha;  mu = 1/max(1, t - t0)
    """
    x = param._data
    g = -grad._data if maximize else grad._data
    step = count_step(state)
    if weight_decay != 0:
        g = g + weight_decay * x
    eta = state["eta"]._data
    mu = state["mu"]._data
    ax = state["ax"]._data
    eta_value = float(eta)
    x *= 1 - lambd * eta_value
    x -= eta_value * g
    mu_value = float(mu)
    if mu_value != 1:
        ax += (x - ax) * mu_value
    else:
        ax[...] = x
    # the new eta and mu are made as tensors of the scalar dtype (rounded to it), then copied
    # into the state, which a loaded state dict may have cast to the parameter's dtype
    rounded = scalar_dtype()
    eta[...] = rounded(lr / ((1 + lambd * lr * step) ** alpha))
    mu[...] = rounded(1 / max(1, step - t0))


class ASGD(Optimizer):
    """Averaged stochastic gradient descent, as ``torch.optim.ASGD``."""

    _rule = staticmethod(asgd)
    _hyper = ("lr", "lambd", "alpha", "t0", "weight_decay", "maximize")

    def __init__(
        self,
        params,
        lr: float | Tensor = 1e-2,
        lambd: float = 1e-4,
        alpha: float = 0.75,
        t0: float = 1e6,
        weight_decay: float = 0,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        check_lr(lr)
        check_nonnegative("weight_decay", weight_decay)
        defaults = {
            "lr": lr,
            "lambd": lambd,
            "alpha": alpha,
            "t0": t0,
            "weight_decay": weight_decay,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "capturable": capturable,
        }
        super().__init__(params, defaults)

    def _init_state(self, param: Tensor, state: dict, group: dict) -> None:
        scalar = scalar_dtype()
        lr = group["lr"]
        state["step"] = new_step()
        state["eta"] = Tensor._make(np.asarray(float(lr), scalar))
        state["mu"] = Tensor._make(np.ones((), scalar))
        state["ax"] = zeros_like(param)
