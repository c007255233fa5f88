"""Adadelta: step sizes from running averages of squared gradients and squared updates."""

from __future__ import annotations

from .._tensor import Tensor
from ._util import (
    check_lr,
    check_nonnegative,
    count_step,
    new_step,
    sqrt_,
    zeros_like,
)
from .optimizer import Optimizer


def adadelta(
    param: Tensor,
    grad: Tensor,
    state: dict,
    *,
    lr: float,
    rho: float,
    eps: float,
    weight_decay: float,
    maximize: bool,
) -> None:
    """One Adadelta update of ``param`` in place.

    math: v = rho*v + (1-rho)*g^2;  d = sqrt(u + eps)/sqrt(v + eps) * g
          u = rho*u + (1-rho)*d^2;  p -= lr*d
    """
    x = param._data
    g = -grad._data if maximize else grad._data
    count_step(state)
    if weight_decay != 0:
        g = g + weight_decay * x
    square_avg = state["square_avg"]._data
    acc_delta = state["acc_delta"]._data
    square_avg *= rho
    square_avg += (1 - rho) * g * g
    std = square_avg + eps
    std = sqrt_(std)
    delta = acc_delta + eps
    delta = sqrt_(delta)
    delta /= std
    delta *= g
    acc_delta *= rho
    acc_delta += (1 - rho) * delta * delta
    delta *= lr
    x -= delta


class Adadelta(Optimizer):
    """Adadelta, as ``torch.optim.Adadelta``."""

    _rule = staticmethod(adadelta)
    _hyper = ("lr", "rho", "eps", "weight_decay", "maximize")

    def __init__(
        self,
        params,
        lr: float | Tensor = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        capturable: bool = False,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        check_nonnegative("weight_decay", weight_decay)
        defaults = {
            "lr": lr,
            "rho": rho,
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
            "capturable": capturable,
            "foreach": foreach,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _init_state(self, param: Tensor, state: dict, group: dict) -> None:
        state["step"] = new_step()
        state["square_avg"] = zeros_like(param)
        state["acc_delta"] = zeros_like(param)
