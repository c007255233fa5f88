"""Adagrad: per-coordinate step sizes from the sum of all past squared gradients."""

from __future__ import annotations

from .._tensor import Tensor
from ..ops._util import xp_of
from ._util import (
    check_fused,
    check_lr,
    check_nonnegative,
    count_step,
    full_like,
    new_step,
)
from .optimizer import Optimizer


def adagrad(
    param: Tensor,
    grad: Tensor,
    state: dict,
    *,
    lr: float,
    lr_decay: float,
    weight_decay: float,
    eps: float,
    maximize: bool,
) -> None:
    """One Adagrad update of ``param`` in place.

    math: s += g^2;  p -= lr/(1 + (t-1)*lr_decay) * g/(sqrt(s) + eps)
    """
    x = param._data
    g = -grad._data if maximize else grad._data
    step = count_step(state)
    if weight_decay != 0:
        g = g + weight_decay * x
    clr = lr / (1 + (step - 1) * lr_decay)
    state_sum = state["sum"]._data
    state_sum += g * g
    std = xp_of(state_sum).sqrt(state_sum)
    std += eps
    update = g / std
    update *= clr
    x -= update


class Adagrad(Optimizer):
    """Adagrad, as ``torch.optim.Adagrad`` (its state is made when it is constructed)."""

    _rule = staticmethod(adagrad)
    _hyper = ("lr", "lr_decay", "weight_decay", "eps", "maximize")

    def __init__(
        self,
        params,
        lr: float | Tensor = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        check_lr(lr)
        check_nonnegative("lr_decay", lr_decay)
        check_nonnegative("weight_decay", weight_decay)
        check_nonnegative("initial_accumulator_value", initial_accumulator_value)
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "eps": eps,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "fused": fused,
        }
        super().__init__(params, defaults)
        check_fused(fused, foreach, differentiable)
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p, self.state[p], group)

    def _init_state(self, param: Tensor, state: dict, group: dict) -> None:
        state["step"] = new_step()
        value = group["initial_accumulator_value"]
        if param.is_complex():
            value = complex(value, value)
        state["sum"] = full_like(param, value)
