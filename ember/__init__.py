"""ember: the PyTorch programming model on NumPy. ``import ember as torch``."""

from __future__ import annotations

__version__ = "0.1.0"

from . import _dtype, autograd, backends
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
