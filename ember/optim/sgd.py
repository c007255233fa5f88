"""SGD: stochastic gradient descent with momentum, dampening and Nesterov momentum."""

from __future__ import annotations

from .._tensor import Tensor
from ._util import check_fused, check_lr, check_nonnegative
from .optimizer import Optimizer


def sgd(
    param: Tensor,
    grad: Tensor,
    state: dict,
    *,
    lr: float,
    momentum: float,
    dampening: float,
    weight_decay: float,
    nesterov: bool,
    maximize: bool,
) -> None:
    """One SGD update of ``param`` in place.

    math: g = ±grad + wd*p;  b = mu*b + (1-dampening)*g (b = g at first);
          p -= lr * (g + mu*b if nesterov else b)
    """
    x = param._data
    g = -grad._data if maximize else grad._data
    if weight_decay != 0:
        g = g + weight_decay * x
    if momentum != 0:
        buf = state.get("momentum_buffer")
        if buf is None:
            b = g.copy()
            state["momentum_buffer"] = Tensor._make(b)
        else:
            b = buf._data
            b *= momentum
            b += (1 - dampening) * g
        g = g + momentum * b if nesterov else b
    x -= lr * g


class SGD(Optimizer):
    """Stochastic gradient descent, as ``torch.optim.SGD``."""

    _rule = staticmethod(sgd)
    _hyper = ("lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize")
    _tensor_step = False

    def __init__(
        self,
        params,
        lr: float | Tensor = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        check_lr(lr)
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        check_nonnegative("weight_decay", weight_decay)
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
            "foreach": foreach,
            "differentiable": differentiable,
            "fused": fused,
        }
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)
        check_fused(fused, foreach, differentiable)
