"""NAdam: Adam with Nesterov momentum and a momentum-decay schedule."""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ._util import (
    check_betas,
    check_lr,
    check_nonnegative,
    count_step,
    lerp_,
    new_step,
    scalar_dtype,
    sqrt_,
    zeros_like,
)
from .optimizer import Optimizer


def nadam(
    param: Tensor,
    grad: Tensor,
    state: dict,
    *,
    lr: float,
    betas: tuple,
    eps: float,
    weight_decay: float,
    momentum_decay: float,
    decoupled_weight_decay: bool,
    maximize: bool,
) -> None:
    """One NAdam update of ``param`` in place.

    math: mu_t = b1*(1 - 0.5*0.96^(t*psi));  m, v as Adam;  d = sqrt(v/(1-b2^t)) + eps
          p -= lr*(1-mu_t)/(1-prod mu) * g/d + lr*mu_{t+1}/(1-prod mu * mu_{t+1}) * m/d
    """
    beta1, beta2 = betas
    x = param._data
    g = -grad._data if maximize else grad._data
    step = count_step(state)
    if weight_decay != 0:
        if decoupled_weight_decay:
            x *= 1 - lr * weight_decay
        else:
            g = g + weight_decay * x
    mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * momentum_decay))
    mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * momentum_decay))
    # mu_product is a 0-dim tensor of the scalar dtype (float32), multiplied in that precision
    mu_product_array = state["mu_product"]._data
    mu_product_array *= mu
    mu_product = float(mu_product_array)
    exp_avg = state["exp_avg"]._data
    exp_avg_sq = state["exp_avg_sq"]._data
    lerp_(exp_avg, g, 1 - beta1)
    exp_avg_sq *= beta2
    exp_avg_sq += (1 - beta2) * g * g
    denom = exp_avg_sq / (1 - beta2**step)
    denom = sqrt_(denom)
    denom += eps
    update = g / denom
    update *= -lr * (1.0 - mu) / (1.0 - mu_product)
    x += update
    update = exp_avg / denom
    update *= (-lr * mu_next) / (1.0 - mu_product * mu_next)
    x += update


class NAdam(Optimizer):
    """NAdam, as ``torch.optim.NAdam``."""

    _rule = staticmethod(nadam)
    _hyper = (
        "lr",
        "betas",
        "eps",
        "weight_decay",
        "momentum_decay",
        "decoupled_weight_decay",
        "maximize",
    )

    def __init__(
        self,
        params,
        lr: float | Tensor = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum_decay: float = 4e-3,
        decoupled_weight_decay: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        check_betas(betas)
        check_nonnegative("weight_decay", weight_decay)
        check_nonnegative("momentum_decay", momentum_decay)
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "momentum_decay": momentum_decay,
            "decoupled_weight_decay": decoupled_weight_decay,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _init_state(self, param: Tensor, state: dict, group: dict) -> None:
        state["step"] = new_step()
        state["mu_product"] = Tensor._make(np.ones((), scalar_dtype()))
        state["exp_avg"] = zeros_like(param)
        state["exp_avg_sq"] = zeros_like(param)
