"""Stochastic weight averaging: AveragedModel, the SWALR schedule and update_bn.

``AveragedModel`` and ``update_bn`` work on ``ember.nn`` modules, which is imported when they
are first used (``nn`` sits below ``optim`` but is not needed for the schedule).
"""

from __future__ import annotations

import copy
import itertools
import math
import warnings
from typing import Any, Callable, Iterable

from .._tensor import Tensor
from ..autograd import no_grad
from ._util import as_number, lerp_
from .lr_scheduler import LRScheduler, _format_param
from .optimizer import Optimizer

__all__ = [
    "AveragedModel",  # noqa: F822 - made on first use, see __getattr__
    "SWALR",
    "update_bn",
    "get_ema_avg_fn",
    "get_ema_multi_avg_fn",
    "get_swa_avg_fn",
    "get_swa_multi_avg_fn",
]


def get_ema_multi_avg_fn(decay: float = 0.999) -> Callable:
    """An in-place exponential moving average over lists of tensors."""
    if decay < 0.0 or decay > 1.0:
        raise ValueError(
            f"Invalid decay value {decay} provided. Please provide a value in [0,1] range."
        )

    def ema_update(ema_params, current_params, _num_averaged) -> None:
        for p_ema, p_model in zip(ema_params, current_params):
            if p_ema.is_floating_point():
                lerp_(p_ema._data, p_model._data, 1 - decay)
            else:
                p_ema._data[...] = p_ema._data * decay + p_model._data * (1 - decay)
            p_ema._vc[0] += 1

    return ema_update


def get_swa_multi_avg_fn() -> Callable:
    """An in-place running mean over lists of tensors."""

    def swa_update(averaged_params, current_params, num_averaged) -> None:
        # with a tensor count the weight is computed as a tensor (an int count gives float32)
        weight = as_number(1 / (num_averaged + 1))
        for p_avg, p_model in zip(averaged_params, current_params):
            if p_avg.is_floating_point():
                lerp_(p_avg._data, p_model._data, weight)
            else:
                p_avg._data[...] = p_avg._data + (p_model._data - p_avg._data) * weight
            p_avg._vc[0] += 1

    return swa_update


def get_ema_avg_fn(decay: float = 0.999) -> Callable:
    """``avg_fn(ema, current, n)`` for an exponential moving average."""
    if decay < 0.0 or decay > 1.0:
        raise ValueError(
            f"Invalid decay value {decay} provided. Please provide a value in [0,1] range."
        )

    def ema_update(ema_param: Tensor, current_param: Tensor, num_averaged):
        with no_grad():
            return decay * ema_param + (1 - decay) * current_param

    return ema_update


def get_swa_avg_fn() -> Callable:
    """``avg_fn(avg, current, n)`` for a running mean."""

    def swa_update(averaged_param: Tensor, current_param: Tensor, num_averaged):
        with no_grad():
            return averaged_param + (current_param - averaged_param) / (num_averaged + 1)

    return swa_update


def _module_class():
    from .. import nn

    return nn.Module


def __getattr__(name: str):
    # AveragedModel subclasses nn.Module, so the class is made when it is first asked for
    if name == "AveragedModel":
        return _averaged_model_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_AVERAGED_MODEL = None


def _averaged_model_class():
    global _AVERAGED_MODEL
    if _AVERAGED_MODEL is not None:
        return _AVERAGED_MODEL
    import ember

    class AveragedModel(_module_class()):
        """SWA or EMA averages of a model's parameters, as ``torch.optim.swa_utils``'s."""

        def __init__(self, model, device=None, avg_fn=None, multi_avg_fn=None, use_buffers=False):
            super().__init__()
            if avg_fn is not None and multi_avg_fn is not None:
                raise AssertionError("Only one of avg_fn and multi_avg_fn should be provided")
            self.module = copy.deepcopy(model)
            if device is not None:
                self.module = self.module.to(device)
            self.register_buffer("n_averaged", ember.tensor(0, dtype=ember.long))
            self.avg_fn = avg_fn
            self.multi_avg_fn = multi_avg_fn
            self.use_buffers = use_buffers

        def forward(self, *args, **kwargs):
            return self.module(*args, **kwargs)

        def update_parameters(self, model) -> None:
            if self.use_buffers:
                self_params = itertools.chain(self.module.parameters(), self.module.buffers())
                model_params = itertools.chain(model.parameters(), model.buffers())
            else:
                self_params = self.parameters()
                model_params = model.parameters()
            averaged, current = [], []
            first = int(self.n_averaged) == 0
            for p_averaged, p_model in zip(self_params, model_params):
                averaged.append(p_averaged.detach())
                current.append(p_model.detach())
                if first:
                    p_averaged._data[...] = p_model._data
                    p_averaged._vc[0] += 1
            n = int(self.n_averaged)
            if n > 0:
                # as torch: the in-place multi-tensor form where given or on a GPU, the plain
                # running mean (exact division by the count) on the CPU
                avg_fn = self.avg_fn
                if avg_fn is None and self.multi_avg_fn is None and averaged[0].is_cpu:
                    avg_fn = get_swa_avg_fn()
                if avg_fn is None:
                    multi_avg_fn = self.multi_avg_fn or get_swa_multi_avg_fn()
                    multi_avg_fn(averaged, current, self.n_averaged)
                else:
                    for p_averaged, p_model in zip(averaged, current):
                        new = avg_fn(p_averaged, p_model, self.n_averaged)
                        p_averaged._data[...] = new._data
                        p_averaged._vc[0] += 1
            if not self.use_buffers:
                for b_swa, b_model in zip(self.module.buffers(), model.buffers()):
                    b_swa._data[...] = b_model._data
            self.n_averaged._data += 1

    _AVERAGED_MODEL = AveragedModel
    return AveragedModel


def update_bn(loader: Iterable[Any], model, device=None) -> None:
    """Recompute the batch-norm running statistics of ``model`` with one pass over ``loader``."""
    with no_grad():
        momenta = {}
        for module in model.modules():
            if _is_batchnorm(module):
                module.reset_running_stats()
                momenta[module] = module.momentum
        if not momenta:
            return
        was_training = model.training
        model.train()
        for module in momenta:
            module.momentum = None
        for batch in loader:
            if isinstance(batch, (list, tuple)):
                batch = batch[0]
            if device is not None:
                batch = batch.to(device)
            model(batch)
        for module, momentum in momenta.items():
            module.momentum = momentum
        model.train(was_training)


def _is_batchnorm(module) -> bool:
    """Whether a module is one of the BatchNorm layers (their base class is ``_BatchNorm``)."""
    return any(cls.__name__ == "_BatchNorm" for cls in type(module).__mro__)


class SWALR(LRScheduler):
    """Anneal each group's lr to a fixed ``swa_lr`` over ``anneal_epochs``, then hold it."""

    def __init__(
        self,
        optimizer: Optimizer,
        swa_lr,
        anneal_epochs: int = 10,
        anneal_strategy: str = "cos",
        last_epoch: int = -1,
    ) -> None:
        swa_lrs = _format_param("swa_lr", optimizer, swa_lr)
        for swa_lr_i, group in zip(swa_lrs, optimizer.param_groups):
            group["swa_lr"] = swa_lr_i
        if anneal_strategy not in ["cos", "linear"]:
            raise ValueError(
                f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}"
            )
        self._anneal_strategy = anneal_strategy
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got {anneal_epochs}")
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    def anneal_func(self, t: float) -> float:
        if self._anneal_strategy == "cos":
            return (1 - math.cos(math.pi * t)) / 2
        return t

    @staticmethod
    def _get_initial_lr(lr, swa_lr, alpha):
        if alpha == 1:
            return swa_lr
        return (lr - alpha * swa_lr) / (1 - alpha)

    def get_lr(self) -> list:
        if not self._get_lr_called_within_step:
            warnings.warn(
                "To get the last learning rate computed by the scheduler, please use "
                "`get_last_lr()`.",
                UserWarning,
                stacklevel=2,
            )
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        groups = self.optimizer.param_groups
        prev_t = max(0, min(1, (step - 1) / max(1, self.anneal_epochs)))
        prev_alpha = self.anneal_func(prev_t)
        prev_lrs = [self._get_initial_lr(g["lr"], g["swa_lr"], prev_alpha) for g in groups]
        t = max(0, min(1, step / max(1, self.anneal_epochs)))
        alpha = self.anneal_func(t)
        return [g["swa_lr"] * alpha + lr * (1 - alpha) for g, lr in zip(groups, prev_lrs)]
