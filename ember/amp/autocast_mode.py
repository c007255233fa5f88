"""``torch.autocast``: run matrix products in a lower precision inside a region.

On the CPU the default dtype is bfloat16 (through ml_dtypes); the ops autocast casts are the
matrix products (matmul, mm, bmm, addmm, baddbmm, addbmm), as on torch's lower-precision list.
On 'cuda' without a GPU it warns and does nothing, as torch's CPU build does.
"""

from __future__ import annotations

import functools
import warnings

from .. import _autocast, _dtype
from .._device import device as _device

_SUPPORTED = {"cpu": (_dtype.bfloat16, _dtype.float16), "cuda": (_dtype.bfloat16, _dtype.float16)}


def is_autocast_available(device_type: str) -> bool:
    """Whether autocast can be turned on for ``device_type`` here."""
    if device_type == "cuda":
        from .. import cuda

        return cuda.is_available()
    return device_type == "cpu"


class autocast:
    """Context manager (and decorator) turning autocast on or off for ``device_type``.

    ``dtype`` defaults to bfloat16 on 'cpu' and float16 on 'cuda'; ``cache_enabled`` is accepted
    and ignored (ember does not cache the casts of weights).
    """

    def __init__(
        self,
        device_type: str,
        dtype: _dtype.dtype | None = None,
        enabled: bool = True,
        cache_enabled: bool | None = None,
    ):
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        _device(device_type)  # an unknown device type raises as torch.device does
        self.device = device_type
        self.fast_dtype = dtype if dtype is not None else _autocast.dtypes.get(device_type)
        if enabled and not is_autocast_available(device_type):
            if device_type == "cuda":
                warnings.warn(
                    "CUDA is not available or torch_xla is imported. Disabling autocast.",
                    stacklevel=2,
                )
            else:
                warnings.warn(
                    f"User specified an unsupported autocast device_type '{device_type}'",
                    stacklevel=2,
                )
            enabled = False
        if enabled and self.fast_dtype not in _SUPPORTED[device_type]:
            name = "CPU" if device_type == "cpu" else "CUDA"
            warnings.warn(
                f"In {name} autocast, but the target dtype is not supported. Disabling autocast.\n"
                f"{name} Autocast only supports dtypes of torch.bfloat16, torch.float16 "
                "currently.",
                stacklevel=2,
            )
            enabled = False
        if enabled and self.fast_dtype.np is None:
            raise ImportError(
                "bfloat16 autocast needs the ml_dtypes package: pip install 'ember[bf16]'"
            )
        self._enabled = enabled
        self._saved = []

    def __enter__(self):
        kind = self.device
        if kind not in _autocast.enabled:  # a disabled region on another device type: no-op
            self._saved.append(None)
            return self
        self._saved.append((_autocast.enabled[kind], _autocast.dtypes[kind]))
        _autocast.set_state(kind, self._enabled, self.fast_dtype)
        return self

    def __exit__(self, exc_type, exc, tb):
        saved = self._saved.pop()
        if saved is not None:
            _autocast.set_state(self.device, *saved)
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self:
                return func(*args, **kwargs)

        return wrapper


def is_autocast_enabled(device_type: str | None = None) -> bool:
    """Whether autocast is on for ``device_type`` (with no argument: 'cuda', as torch)."""
    return _autocast.enabled.get(device_type or "cuda", False)


def get_autocast_dtype(device_type: str) -> _dtype.dtype:
    """The dtype autocast casts to on ``device_type``."""
    _device(device_type)
    return _autocast.dtypes.get(device_type, _dtype.float16)


def set_autocast_enabled(*args) -> None:
    """``set_autocast_enabled(enabled)`` for cuda, or ``(device_type, enabled)``."""
    device_type, on = ("cuda", args[0]) if len(args) == 1 else args
    _autocast.set_state(device_type, bool(on), _autocast.dtypes[device_type])


def set_autocast_dtype(device_type: str, dtype: _dtype.dtype) -> None:
    _autocast.set_state(device_type, _autocast.enabled[device_type], dtype)


def custom_fwd(fwd=None, *, device_type: str, cast_inputs: _dtype.dtype | None = None):
    """Decorate a custom ``Function.forward``: with ``cast_inputs``, inside an autocast region
    its floating-point tensor inputs are cast to that dtype and it runs with autocast off."""
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)

    @functools.wraps(fwd)
    def decorate_fwd(*args, **kwargs):
        if cast_inputs is None or not is_autocast_enabled(device_type):
            return fwd(*args, **kwargs)
        args = tuple(_cast_to(a, cast_inputs) for a in args)
        kwargs = {k: _cast_to(v, cast_inputs) for k, v in kwargs.items()}
        with autocast(device_type, enabled=False):
            return fwd(*args, **kwargs)

    return decorate_fwd


def custom_bwd(bwd=None, *, device_type: str):
    """Decorate a custom ``Function.backward``; ember runs it as it is."""
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)
    return bwd


def _cast_to(value, dtype):
    if hasattr(value, "_data") and value.is_floating_point() and value.dtype is not _dtype.float64:
        return value.to(dtype)
    return value
