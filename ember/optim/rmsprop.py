"""RMSprop: divide the gradient by a running root mean square of recent gradients."""

from __future__ import annotations

from .._tensor import Tensor
from ..ops._util import xp_of
from ._util import (
    check_lr,
    check_nonnegative,
    count_step,
    lerp_,
    new_step,
    sqrt_,
    zeros_like,
)
from .optimizer import Optimizer


def rmsprop(
    param: Tensor,
    grad: Tensor,
    state: dict,
    *,
    lr: float,
    alpha: float,
    eps: float,
    weight_decay: float,
    momentum: float,
    centered: bool,
    maximize: bool,
) -> None:
    """One RMSprop update of ``param`` in place.

    math: v = a*v + (1-a)*g^2;  d = sqrt(v - gbar^2 if centered else v) + eps
          b = mu*b + g/d; p -= lr*b   (p -= lr * g/d without momentum)
    """
    x = param._data
    xp = xp_of(x)
    g = -grad._data if maximize else grad._data
    count_step(state)
    if weight_decay != 0:
        g = g + weight_decay * x
    square_avg = state["square_avg"]._data
    square_avg *= alpha
    square_avg += (1 - alpha) * g * g
    if centered:
        grad_avg = state["grad_avg"]._data
        lerp_(grad_avg, g, 1 - alpha)
        avg = square_avg - grad_avg * grad_avg
        avg = sqrt_(avg)
    else:
        avg = xp.sqrt(square_avg)
    avg += eps
    if momentum > 0:
        buf = state["momentum_buffer"]._data
        buf *= momentum
        buf += g / avg
        x -= lr * buf
    else:
        update = g / avg
        update *= lr
        x -= update


class RMSprop(Optimizer):
    """RMSprop, as ``torch.optim.RMSprop``."""

    _rule = staticmethod(rmsprop)
    _hyper = ("lr", "alpha", "eps", "weight_decay", "momentum", "centered", "maximize")

    def __init__(
        self,
        params,
        lr: float | Tensor = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        check_nonnegative("momentum", momentum)
        check_nonnegative("weight_decay", weight_decay)
        check_nonnegative("alpha", alpha)
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "alpha": alpha,
            "eps": eps,
            "centered": centered,
            "weight_decay": weight_decay,
            "capturable": capturable,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _init_state(self, param: Tensor, state: dict, group: dict) -> None:
        state["step"] = new_step()
        state["square_avg"] = zeros_like(param)
        if group["momentum"] > 0:
            state["momentum_buffer"] = zeros_like(param)
        if group["centered"]:
            state["grad_avg"] = zeros_like(param)
