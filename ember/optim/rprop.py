"""Rprop: per-coordinate step sizes that grow while the gradient keeps its sign."""

from __future__ import annotations

from .._tensor import Tensor
from ..ops._util import xp_of
from ._util import check_lr, count_step, full_like, new_step, zeros_like
from .optimizer import Optimizer


def rprop(
    param: Tensor,
    grad: Tensor,
    state: dict,
    *,
    etas: tuple,
    step_sizes: tuple,
    maximize: bool,
) -> None:
    """One Rprop update of ``param`` in place.

    math: s = clamp(s * (eta+ if g*g_prev > 0, eta- if < 0, 1 if = 0), min, max)
          g = 0 where g*g_prev < 0;  p -= sign(g) * s;  g_prev = g
    """
    etaminus, etaplus = etas
    step_size_min, step_size_max = step_sizes
    x = param._data
    xp = xp_of(x)
    g = -grad._data if maximize else grad._data
    count_step(state)
    prev = state["prev"]._data
    step_size = state["step_size"]._data
    product = g * prev
    factor = xp.where(product > 0, etaplus, xp.where(product < 0, etaminus, 1.0))
    step_size *= factor.astype(step_size.dtype, copy=False)
    xp.clip(step_size, step_size_min, step_size_max, out=step_size)
    g = xp.where(product < 0, 0, g).astype(g.dtype, copy=False)
    x -= xp.sign(g) * step_size
    prev[...] = g


class Rprop(Optimizer):
    """The resilient backpropagation algorithm, as ``torch.optim.Rprop``."""

    _rule = staticmethod(rprop)
    _hyper = ("etas", "step_sizes", "maximize")

    def __init__(
        self,
        params,
        lr: float | Tensor = 1e-2,
        etas: tuple[float, float] = (0.5, 1.2),
        step_sizes: tuple[float, float] = (1e-6, 50),
        *,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = {
            "lr": lr,
            "etas": etas,
            "step_sizes": step_sizes,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "capturable": capturable,
        }
        super().__init__(params, defaults)

    def _init_state(self, param: Tensor, state: dict, group: dict) -> None:
        lr = float(group["lr"])
        state["step"] = new_step()
        state["prev"] = zeros_like(param)
        # a complex parameter's real and imaginary parts each start with step size lr
        state["step_size"] = full_like(param, complex(lr, lr) if param.is_complex() else lr)
