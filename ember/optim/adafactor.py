"""Adafactor: Adam-like steps with the second moment of a matrix kept as row and column factors."""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ..ops._util import xp_of
from ._util import count_step, lerp_, new_step
from .optimizer import Optimizer


def adafactor(
    param: Tensor,
    grad: Tensor,
    state: dict,
    *,
    lr: float,
    beta2_decay: float,
    eps: tuple,
    d: float,
    weight_decay: float,
    maximize: bool,
) -> None:
    """One Adafactor update of ``param`` in place (torch's variant of the algorithm).

    math: b = t^beta2_decay;  rho = min(lr, 1/sqrt(t));  alpha = max(eps2, RMS(p)) * rho
          matrices: R = lerp(R, mean_cols(g^2), b), C = lerp(C, mean_rows(g^2), b),
                    V = R C / max(mean(R), eps1);  vectors: V = lerp(V, g^2, b)
          U = g / max(sqrt(V), eps1);  p -= alpha / max(1, RMS(U)/d) * U
    """
    x = param._data
    xp = xp_of(x)
    g = -grad._data if maximize else grad._data
    eps1, eps2 = eps
    if eps1 is None:
        eps1 = float(np.finfo(x.dtype).eps)
    step = count_step(state)
    one_minus_beta2 = step**beta2_decay
    rho = min(lr, 1 / step**0.5)
    alpha = max(eps2, float(xp.sqrt((x * x).sum())) / x.size**0.5) * rho
    if weight_decay != 0:
        x *= 1 - lr * weight_decay
    squared = g * g
    if g.ndim > 1:
        row_var = state["row_var"]._data
        col_var = state["col_var"]._data
        lerp_(row_var, squared.mean(axis=-1, keepdims=True), one_minus_beta2)
        lerp_(col_var, squared.mean(axis=-2, keepdims=True), one_minus_beta2)
        var_estimate = row_var @ col_var
        var_estimate /= xp.maximum(row_var.mean(axis=-2, keepdims=True), eps1)
    else:
        variance = state["variance"]._data
        lerp_(variance, squared, one_minus_beta2)
        var_estimate = variance.copy()
    update = xp.maximum(var_estimate, eps1 * eps1)
    update = 1 / xp.sqrt(update)
    update *= g
    denom = max(1.0, float(xp.sqrt((update * update).sum())) / (update.size**0.5 * d))
    update *= alpha / denom
    x -= update


class Adafactor(Optimizer):
    """Adafactor, as ``torch.optim.Adafactor``."""

    _rule = staticmethod(adafactor)
    _hyper = ("lr", "beta2_decay", "eps", "d", "weight_decay", "maximize")

    def __init__(
        self,
        params,
        lr: float | Tensor = 1e-2,
        beta2_decay: float = -0.8,
        eps: tuple[float | None, float] = (None, 1e-3),
        d: float = 1.0,
        weight_decay: float = 0.0,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
    ) -> None:
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 >= beta2_decay:
            raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
        if not 0.0 <= eps[1]:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
        if not 1.0 <= d:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight_decay should be >= 0 but is: {weight_decay}")
        defaults = {
            "lr": lr,
            "beta2_decay": beta2_decay,
            "eps": eps,
            "d": d,
            "weight_decay": weight_decay,
            "foreach": foreach,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _init_state(self, param: Tensor, state: dict, group: dict) -> None:
        if param.is_complex():
            raise RuntimeError("Adafactor does not support complex parameters")
        x = param._data
        xp = xp_of(x)
        state["step"] = new_step()
        if x.ndim > 1:
            state["row_var"] = Tensor._make(xp.zeros(x.shape[:-1] + (1,), x.dtype))
            state["col_var"] = Tensor._make(xp.zeros(x.shape[:-2] + (1, x.shape[-1]), x.dtype))
        else:
            state["variance"] = Tensor._make(xp.zeros_like(x))
