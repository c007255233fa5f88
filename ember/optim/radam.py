"""RAdam: Adam whose adaptive step is rectified while the variance estimate is unreliable."""

from __future__ import annotations

from .._tensor import Tensor
from ..ops._util import xp_of
from ._util import (
    check_betas,
    check_lr,
    check_nonnegative,
    count_step,
    lerp_,
    new_step,
    zeros_like,
)
from .optimizer import Optimizer


def radam(
    param: Tensor,
    grad: Tensor,
    state: dict,
    *,
    lr: float,
    betas: tuple,
    eps: float,
    weight_decay: float,
    decoupled_weight_decay: bool,
    maximize: bool,
) -> None:
    """One RAdam update of ``param`` in place.

    math: rho_inf = 2/(1-b2) - 1;  rho_t = rho_inf - 2t*b2^t/(1-b2^t)
          p -= lr * m/(1-b1^t) * (r_t * sqrt(1-b2^t)/(sqrt(v)+eps) if rho_t > 5 else 1)
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
    exp_avg = state["exp_avg"]._data
    exp_avg_sq = state["exp_avg_sq"]._data
    lerp_(exp_avg, g, 1 - beta1)
    exp_avg_sq *= beta2
    exp_avg_sq += (1 - beta2) * g * g
    bias_correction1 = 1 - beta1**step
    bias_correction2 = 1 - beta2**step
    update = exp_avg / bias_correction1
    update *= lr
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * step * (beta2**step) / bias_correction2
    if rho_t > 5.0:
        rect = (
            (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
        ) ** 0.5
        adaptive_lr = xp_of(exp_avg_sq).sqrt(exp_avg_sq)
        adaptive_lr += eps
        adaptive_lr = bias_correction2**0.5 / adaptive_lr
        update *= adaptive_lr
        update *= rect
    x -= update


class RAdam(Optimizer):
    """RAdam, as ``torch.optim.RAdam``."""

    _rule = staticmethod(radam)
    _hyper = ("lr", "betas", "eps", "weight_decay", "decoupled_weight_decay", "maximize")

    def __init__(
        self,
        params,
        lr: float | Tensor = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
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
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "decoupled_weight_decay": decoupled_weight_decay,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _init_state(self, param: Tensor, state: dict, group: dict) -> None:
        state["step"] = new_step()
        state["exp_avg"] = zeros_like(param)
        state["exp_avg_sq"] = zeros_like(param)
