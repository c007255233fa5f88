"""ember: the PyTorch programming model on NumPy. ``import ember as torch``."""

from __future__ import annotations

import math as _math

__version__ = "0.1.0"

from . import _blas_env  # noqa: F401, I001  (first: it must run before NumPy loads)
from . import _dtype, autograd, backends, linalg
from ._device import device
from ._dtype import (
    bfloat16,
    cdouble,
    cfloat,
    complex64,
    complex128,
    double,
    dtype,
    finfo,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    iinfo,
    int8,
    int16,
    int32,
    int64,
    long,
    promote_types,
    set_default_dtype,
    short,
    uint8,
    uint16,
    uint32,
    uint64,
)
from ._dtype import bool_ as bool  # noqa: A001 - torch.bool
from ._dtype import float32 as float  # noqa: A001 - torch.float
from ._dtype import int32 as int  # noqa: A001 - torch.int
from ._tensor import (
    Size,
    Tensor,
    channels_last,
    channels_last_3d,
    contiguous_format,
    layout,
    memory_format,
    preserve_format,
    strided,
)
from ._tensor_str import set_printoptions
from .autograd import (
    enable_grad,
    inference_mode,
    is_anomaly_check_nan_enabled,
    is_anomaly_enabled,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_anomaly_enabled,
    set_grad_enabled,
)
from .ops import *  # noqa: F403
from .ops import random as random  # noqa: F401
from .ops._util import result_type as _result_type
from .ops.random import Generator, default_generator  # noqa: F401


# torch's constants: torch.pi, torch.e, torch.inf, torch.nan, torch.newaxis
pi = _math.pi
e = _math.e
inf = _math.inf
nan = _math.nan
newaxis = None


def result_type(tensor1, tensor2) -> dtype:
    """The dtype an arithmetic op on these two operands gives."""
    return _result_type(tensor1, tensor2)


def can_cast(from_: dtype, to: dtype) -> bool:
    return _dtype.can_cast(from_, to)


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


def is_floating_point(input: Tensor) -> bool:
    return input.is_floating_point()


def is_complex(input: Tensor) -> bool:
    return input.is_complex()


def numel(input: Tensor) -> int:
    return input.numel()


from . import _legacy_types, accelerator, amp, cuda, onnx, serialization, special  # noqa: E402
from ._compile import compile  # noqa: E402,A004
from ._cond import cond  # noqa: E402
from ._config import (  # noqa: E402
    are_deterministic_algorithms_enabled,
    get_deterministic_debug_mode,
    get_float32_matmul_precision,
    get_num_interop_threads,
    get_num_threads,
    init_num_threads,
    is_deterministic_algorithms_warn_only_enabled,
    is_warn_always_enabled,
    set_default_tensor_type,
    set_deterministic_debug_mode,
    set_float32_matmul_precision,
    set_flush_denormal,
    set_num_interop_threads,
    set_num_threads,
    set_warn_always,
    typename,
    use_deterministic_algorithms,
)
from ._default_device import get_default_device, set_default_device  # noqa: E402
from ._sym import (  # noqa: E402
    sym_float,
    sym_int,
    sym_ite,
    sym_max,
    sym_min,
    sym_not,
    sym_sqrt,
    sym_sum,
)
from ._vmap import vmap  # noqa: E402
from .amp import autocast  # noqa: E402
from .amp.autocast_mode import (  # noqa: E402
    get_autocast_dtype,
    is_autocast_available,
    is_autocast_enabled,
    set_autocast_dtype,
    set_autocast_enabled,
)
from .serialization import load, save  # noqa: E402

# torch's legacy typed constructors, ``torch.LongTensor(3)`` and the rest (ember.cuda has the
# CUDA ones)
globals().update(_legacy_types.CPU)

# torch.nn, torch.optim, torch.utils... are attributes of torch after `import torch`; here they
# load on first use (`ember.nn.Linear`, `import ember.nn` both work)
_LAZY_SUBMODULES = {
    "nn", "optim", "utils", "hub", "distributed", "distributions", "multiprocessing", "vision",
}  # fmt: skip


def __getattr__(name: str):
    # torch names ember has not written yet say so, instead of a bare AttributeError
    if name.startswith("__"):
        raise AttributeError(name)
    if name in _LAZY_SUBMODULES:  # imported on first use, to keep `import ember` fast
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(
        f"module 'ember' has no attribute '{name}': ember does not implement torch.{name} yet"
    )
