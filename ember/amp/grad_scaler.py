"""``torch.amp.GradScaler``: scale the loss so low-precision gradients do not underflow.

scale(loss) multiplies by the current scale; step() unscales the gradients (``unscale_``), skips
``optimizer.step()`` when any is inf or NaN, and update() halves the scale after such a step or
doubles it after ``growth_interval`` clean ones. On 'cuda' without a GPU the scaler warns and
is disabled, as torch's CPU build does: scale() returns its input and step() just steps.
"""

from __future__ import annotations

import math
import warnings
from collections import defaultdict

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..backends import array_module
from ..ops import creation

_READY, _UNSCALED, _STEPPED = 0, 1, 2


def _new_state():
    return {"stage": _READY, "found_inf": None}


class GradScaler:
    """Dynamic loss scaling, as ``torch.amp.GradScaler``.

    math: after an iteration with inf/NaN grads: scale *= backoff_factor (step skipped);
          after growth_interval clean iterations in a row: scale *= growth_factor
    """

    def __init__(
        self,
        device: str = "cuda",
        init_scale: float = 2.0**16,
        growth_factor: float = 2.0,
        backoff_factor: float = 0.5,
        growth_interval: int = 2000,
        enabled: bool = True,
    ) -> None:
        self._device = device
        self._enabled = enabled
        if device == "cuda" and enabled:
            from .. import cuda

            if not cuda.is_available():
                warnings.warn(
                    "torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling.",
                    stacklevel=2,
                )
                self._enabled = False
        if self._enabled:
            if growth_factor <= 1.0:
                raise AssertionError("The growth factor must be > 1.0.")
            if backoff_factor >= 1.0:
                raise AssertionError("The backoff factor must be < 1.0.")
            self._init_scale = init_scale
            self._scale = None  # a float32 0-dim tensor, made at the first scale()
            self._growth_factor = growth_factor
            self._backoff_factor = backoff_factor
            self._growth_interval = growth_interval
            self._init_growth_tracker = 0
            self._growth_tracker = None
            self._per_optimizer_states = defaultdict(_new_state)

    def is_enabled(self) -> bool:
        return self._enabled

    # ---- scaling and unscaling --------------------------------------------------------------

    def scale(self, outputs):
        """``outputs`` (a tensor or nested lists/tuples of them) multiplied by the scale."""
        if not self._enabled:
            return outputs
        return self._scale_all(outputs)

    def _scale_all(self, value):
        if isinstance(value, Tensor):
            return value * self._scale_on(value)
        if isinstance(value, (list, tuple)):
            return type(value)(self._scale_all(v) for v in value)
        if hasattr(value, "__iter__") and not isinstance(value, (str, bytes, dict)):
            return map(self._scale_all, value)
        raise ValueError("outputs must be a Tensor or an iterable of Tensors")

    def _scale_on(self, like: Tensor) -> Tensor:
        if self._scale is None:
            self._scale = creation.full(
                (), self._init_scale, dtype=_dtype.float32, device=like.device
            )
            self._growth_tracker = creation.full(
                (), self._init_growth_tracker, dtype=_dtype.int32, device=like.device
            )
        return self._scale if self._scale.device == like.device else self._scale.to(like.device)

    def unscale_(self, optimizer) -> None:
        """Divide ``optimizer``'s gradients by the scale, in place, and note any inf/NaN."""
        if not self._enabled:
            return
        self._check_scale("unscale_")
        state = self._per_optimizer_states[id(optimizer)]
        if state["stage"] == _UNSCALED:
            raise RuntimeError(
                "unscale_() has already been called on this optimizer since the last update()."
            )
        if state["stage"] == _STEPPED:
            raise RuntimeError("unscale_() is being called after step().")
        inv_scale = np.float32(1.0 / float(self._scale._data))
        state["found_inf"] = self._unscale_grads(optimizer, inv_scale)
        state["stage"] = _UNSCALED

    @staticmethod
    def _unscale_grads(optimizer, inv_scale) -> bool | None:
        """Unscale every gradient in place; whether any is non-finite (None: no gradients)."""
        found_inf = None
        for group in optimizer.param_groups:
            for p in group["params"]:
                grad = p.grad
                if grad is None:
                    continue
                if grad.dtype.name == "float16":
                    raise ValueError("Attempting to unscale FP16 gradients.")
                g = grad._data
                xp = array_module(g)
                found_inf = bool(found_inf) or not bool(xp.isfinite(g).all())
                g *= g.dtype.type(inv_scale)
        return found_inf

    # ---- stepping and updating --------------------------------------------------------------

    def step(self, optimizer, *args, **kwargs):
        """``optimizer.step()`` on unscaled gradients, skipped when any was inf or NaN."""
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if "closure" in kwargs:
            raise RuntimeError("Closure use is not currently supported if GradScaler is enabled.")
        self._check_scale("step")
        state = self._per_optimizer_states[id(optimizer)]
        if state["stage"] == _STEPPED:
            raise RuntimeError("step() has already been called since the last update().")
        if state["stage"] == _READY:
            self.unscale_(optimizer)
        if state["found_inf"] is None:
            raise AssertionError("No inf checks were recorded for this optimizer.")
        retval = None
        if not state["found_inf"]:
            retval = optimizer.step(*args, **kwargs)
        state["stage"] = _STEPPED
        return retval

    def update(self, new_scale=None) -> None:
        """Back off or grow the scale from this iteration's inf checks (or set ``new_scale``)."""
        if not self._enabled:
            return
        self._check_scale("update")
        if new_scale is not None:
            if isinstance(new_scale, float):
                self._scale._data[()] = new_scale
            else:
                ok = (
                    isinstance(new_scale, Tensor)
                    and new_scale.numel() == 1
                    and new_scale.dtype.name == "float32"
                    and not new_scale.requires_grad
                )
                if not ok:
                    raise AssertionError(
                        "new_scale should be a float or a 1-element torch.cuda.FloatTensor or "
                        "torch.FloatTensor with requires_grad=False."
                    )
                self._scale._data[()] = new_scale._data.reshape(())
        else:
            found = [s["found_inf"] for s in self._per_optimizer_states.values()]
            found = [f for f in found if f is not None]
            if not found:
                raise AssertionError("No inf checks were recorded prior to update.")
            self._update_scale(any(found))
        self._per_optimizer_states = defaultdict(_new_state)

    def _update_scale(self, found_inf: bool) -> None:
        scale = np.float32(self._scale._data)
        if found_inf:
            self._scale._data[()] = scale * np.float32(self._backoff_factor)
            self._growth_tracker._data[()] = 0
            return
        successful = int(self._growth_tracker._data) + 1
        if successful == self._growth_interval:
            grown = scale * np.float32(self._growth_factor)
            if math.isfinite(grown):
                self._scale._data[()] = grown
            successful = 0
        self._growth_tracker._data[()] = successful

    def _check_scale(self, funcname: str) -> None:
        if self._scale is None:
            raise AssertionError(
                f"Attempted {funcname} but _scale is None.  This may indicate your script did "
                "not use scaler.scale(loss or outputs) earlier in the iteration."
            )

    # ---- getters, setters, state -------------------------------------------------------------

    def get_scale(self) -> float:
        if not self._enabled:
            return 1.0
        return self._init_scale if self._scale is None else float(self._scale._data)

    def get_growth_factor(self) -> float:
        return self._growth_factor

    def set_growth_factor(self, new_factor: float) -> None:
        self._growth_factor = new_factor

    def get_backoff_factor(self) -> float:
        return self._backoff_factor

    def set_backoff_factor(self, new_factor: float) -> None:
        self._backoff_factor = new_factor

    def get_growth_interval(self) -> int:
        return self._growth_interval

    def set_growth_interval(self, new_interval: int) -> None:
        self._growth_interval = new_interval

    def _get_growth_tracker(self) -> int:
        if not self._enabled:
            return 0
        if self._growth_tracker is None:
            return self._init_growth_tracker
        return int(self._growth_tracker._data)

    def state_dict(self) -> dict:
        """The scale and its schedule; ``{}`` for a disabled scaler, as torch."""
        if not self._enabled:
            return {}
        return {
            "scale": self.get_scale(),
            "growth_factor": self._growth_factor,
            "backoff_factor": self._backoff_factor,
            "growth_interval": self._growth_interval,
            "_growth_tracker": self._get_growth_tracker(),
        }

    def load_state_dict(self, state_dict: dict) -> None:
        if not self._enabled:
            return
        if len(state_dict) == 0:
            raise RuntimeError(
                "The source state dict is empty, possibly because it was saved from a disabled "
                "instance of GradScaler."
            )
        self._init_scale = state_dict["scale"]
        if self._scale is not None:
            self._scale._data[()] = state_dict["scale"]
        self._growth_factor = state_dict["growth_factor"]
        self._backoff_factor = state_dict["backoff_factor"]
        self._growth_interval = state_dict["growth_interval"]
        self._init_growth_tracker = state_dict["_growth_tracker"]
        if self._growth_tracker is not None:
            self._growth_tracker._data[()] = state_dict["_growth_tracker"]

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        if self._enabled:
            if len(self._per_optimizer_states) != 0:
                raise AssertionError(
                    "A GradScaler instance may only be pickled at the beginning of an "
                    "iteration, or at the end after scaler.update()."
                )
            state["_init_scale"] = self.get_scale()
            state["_init_growth_tracker"] = self._get_growth_tracker()
            state["_scale"] = None
            state["_growth_tracker"] = None
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
