"""Process-wide settings torch keeps at top level: thread counts, deterministic algorithms,
float32 matmul precision, warn-always, the legacy default tensor type, and ``typename``.

ember computes with NumPy: ``set_num_threads`` sets the threads ember splits its products and
convolutions over (with another BLAS than OpenBLAS it is passed to threadpoolctl when that is
installed), and is reported back as torch does.
The other flags change nothing ember computes (NumPy's results are already deterministic and
full precision); they are kept so that programs which set and read them run unchanged.
"""

from __future__ import annotations

import os
import warnings

from . import _dtype
from .backends import parallel

_state = {
    "num_threads": None,  # not set: ember's kernel threads (see backends.parallel)
    "num_interop_threads": os.cpu_count() or 1,
    "deterministic": False,
    "deterministic_warn_only": False,
    "matmul_precision": "highest",
    "warn_always": False,
}


def _check_positive(n, what: str) -> int:
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"{what}(): argument 'int' must be int, not {type(n).__name__}")
    if n <= 0:
        raise RuntimeError(f"{what} expects a positive integer")
    return n


def set_num_threads(int: int) -> None:  # noqa: A002 - torch's parameter name
    """Set the intra-op thread count: the threads ember splits its kernels over
    (``backends.parallel``; OpenBLAS itself runs one thread in each); with another BLAS,
    threadpoolctl's limit when installed."""
    _state["num_threads"] = _check_positive(int, "set_num_threads")
    parallel.set_threads(int)
    if parallel.blas() is not None:
        return
    try:
        import threadpoolctl
    except ImportError:
        return
    threadpoolctl.threadpool_limits(limits=int, user_api="blas")


def get_num_threads() -> int:
    """The intra-op thread count last set; at start, the threads ember's kernels use (the CPU
    count where NumPy's BLAS is not OpenBLAS)."""
    if _state["num_threads"] is None:
        return parallel.threads() if parallel.blas() is not None else os.cpu_count() or 1
    return _state["num_threads"]


def set_num_interop_threads(int: int) -> None:  # noqa: A002 - torch's parameter name
    """Record the inter-op thread count."""
    _state["num_interop_threads"] = _check_positive(int, "set_num_interop_threads")


def get_num_interop_threads() -> int:
    """The inter-op thread count last set (the CPU count at start)."""
    return _state["num_interop_threads"]


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Record the flag; ember's NumPy kernels are deterministic either way."""
    if not isinstance(mode, bool):
        raise TypeError(
            f"_set_deterministic_algorithms(): argument 'mode' (position 1) must be bool, not "
            f"{type(mode).__name__}"
        )
    _state["deterministic"] = mode
    _state["deterministic_warn_only"] = bool(warn_only)


def are_deterministic_algorithms_enabled() -> bool:
    return _state["deterministic"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    return _state["deterministic_warn_only"]


def set_float32_matmul_precision(precision: str) -> None:
    """``'highest'``, ``'high'`` or ``'medium'``: recorded (NumPy computes float32 in
    full)."""
    if precision not in ("highest", "high", "medium"):
        warnings.warn(
            f"{precision} is not one of 'highest', 'high', or 'medium'; the "
            "set_float32_matmul_precision call has no effect.",
            UserWarning,
            stacklevel=2,
        )
        return
    _state["matmul_precision"] = precision


def get_float32_matmul_precision() -> str:
    return _state["matmul_precision"]


def set_warn_always(b: bool) -> None:
    """Warnings torch gives once per process are given every time while set."""
    _state["warn_always"] = bool(b)


def is_warn_always_enabled() -> bool:
    return _state["warn_always"]


_LEGACY_TYPES = {
    "torch.FloatTensor": _dtype.float32,
    "torch.DoubleTensor": _dtype.float64,
    "torch.HalfTensor": _dtype.float16,
    "torch.BFloat16Tensor": _dtype.bfloat16,
}


def set_default_tensor_type(t) -> None:
    """The legacy form of :func:`set_default_dtype`: ``'torch.DoubleTensor'`` and friends."""
    warnings.warn(
        "torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
        "torch.set_default_dtype() and torch.set_default_device() as alternatives.",
        UserWarning,
        stacklevel=2,
    )
    from . import _legacy_types

    if isinstance(t, _legacy_types.TensorType):
        name = _legacy_types._name(t)
    else:
        name = t if isinstance(t, str) else getattr(t, "__name__", str(t))
    if not name.startswith("torch."):
        name = "torch." + name
    if name.startswith("torch.cuda."):
        name = "torch." + name[len("torch.cuda.") :]
    if name not in _LEGACY_TYPES:
        raise TypeError("only floating-point types are supported as the default type")
    _dtype.set_default_dtype(_LEGACY_TYPES[name])


def typename(obj) -> str:
    """``'torch.FloatTensor'`` for a tensor, the qualified class name for anything else."""
    from ._tensor import Tensor

    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(type(obj), "__module__", "")
    qualname = type(obj).__qualname__
    if module in ("builtins", "__builtin__", None, ""):
        return qualname
    return f"{module}.{qualname}"


_DEBUG_MODES = {"default": 0, "warn": 1, "error": 2}


def set_deterministic_debug_mode(debug_mode) -> None:
    """0 / ``'default'``: off; 1 / ``'warn'``: deterministic algorithms, warn only; 2 /
    ``'error'``: deterministic algorithms."""
    if isinstance(debug_mode, str):
        if debug_mode not in _DEBUG_MODES:
            raise RuntimeError(
                f"invalid value of debug_mode, expected one of `default`, `warn`, `error`, but "
                f"got {debug_mode}"
            )
        debug_mode = _DEBUG_MODES[debug_mode]
    if debug_mode not in (0, 1, 2):
        raise RuntimeError(
            f"invalid value of debug_mode, expected 0, 1, or 2, but got {debug_mode}"
        )
    use_deterministic_algorithms(debug_mode != 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode() -> int:
    if not _state["deterministic"]:
        return 0
    return 1 if _state["deterministic_warn_only"] else 2


def init_num_threads() -> None:
    """Nothing to do: NumPy's thread pools start themselves."""


def set_flush_denormal(mode: bool) -> bool:
    """NumPy cannot flush denormals to zero: False (unsupported), as torch answers on CPUs
    without the feature; ``set_flush_denormal(False)`` is a no-op and True."""
    return not mode
