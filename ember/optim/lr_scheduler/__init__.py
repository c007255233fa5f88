"""Learning-rate schedulers, as ``torch.optim.lr_scheduler``.

A scheduler changes ``group['lr']`` of its optimizer's param groups each time ``step()`` is
called (after ``optimizer.step()``). Most schedules are computed from the group's current lr
(the "chainable" form, so several schedulers can act on one optimizer); ``step(epoch)`` uses
the closed form where there is one. Attribute names follow torch's, so a scheduler's
``state_dict`` moves between the two libraries.
"""

from ._base import LRScheduler, _format_param, _LRScheduler
from ._combined import ChainedScheduler, SequentialLR
from ._cyclic import CyclicLR, OneCycleLR
from ._decay import (
    ConstantLR,
    CosineAnnealingLR,
    CosineAnnealingWarmRestarts,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    MultiplicativeLR,
    MultiStepLR,
    PolynomialLR,
    StepLR,
)
from ._plateau import ReduceLROnPlateau

__all__ = [
    "LRScheduler",
    "LambdaLR",
    "MultiplicativeLR",
    "StepLR",
    "MultiStepLR",
    "ConstantLR",
    "LinearLR",
    "ExponentialLR",
    "PolynomialLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CyclicLR",
    "OneCycleLR",
    "SequentialLR",
    "ChainedScheduler",
    "ReduceLROnPlateau",
]
