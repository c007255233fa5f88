"""Adamax: Adam with the infinity norm in place of the second moment."""

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


def adamax(
    param: Tensor,
    grad: Tensor,
    state: dict,
    *,
    lr: float,
    betas: tuple,
    eps: float,
    weight_decay: float,
    maximize: bool,
) -> None:
    """One Adamax update of ``param`` in place.

    math: m = b1*m + (1-b1)*g;  u = max(b2*u, |g| + eps);  p -= lr/(1-b1^t) * m/u
    """
    beta1, beta2 = betas
    x = param._data
    g = -grad._data if maximize else grad._data
    step = count_step(state)
    if weight_decay != 0:
        g = g + weight_decay * x
    exp_avg = state["exp_avg"]._data
    exp_inf = state["exp_inf"]._data
    lerp_(exp_avg, g, 1 - beta1)
    exp_inf *= beta2
    norm = xp_of(g).abs(g)
    norm += eps
    xp_of(g).maximum(exp_inf, norm, out=exp_inf)
    update = exp_avg / exp_inf
    update *= lr / (1 - beta1**step)
    x -= update


class Adamax(Optimizer):
    """Adamax, as ``torch.optim.Adamax``."""

    _rule = staticmethod(adamax)
    _hyper = ("lr", "betas", "eps", "weight_decay", "maximize")

    def __init__(
        self,
        params,
        lr: float | Tensor = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
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
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "capturable": capturable,
        }
        super().__init__(params, defaults)

    def _init_state(self, param: Tensor, state: dict, group: dict) -> None:
        state["step"] = new_step()
        state["exp_avg"] = zeros_like(param)
        state["exp_inf"] = zeros_like(param)
