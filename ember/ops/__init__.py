"""Every operation, one module per family. Importing this package also binds Tensor's methods
and operators to these functions (``_methods.py``)."""

from __future__ import annotations

import sys as _sys
import types as _types

from .. import _tensor
from . import (
    _util,
    arithmetic,
    blas,
    comparison,
    conversion,
    creation,
    indexing,
    manipulation,
    masking,
    random,
    reduction,
    selection,
    shape,
    sorting,
    unary,
)
from .arithmetic import *  # noqa: F403
from .blas import *  # noqa: F403
from .comparison import *  # noqa: F403
from .creation import *  # noqa: F403
from .indexing import *  # noqa: F403
from .manipulation import *  # noqa: F403
from .masking import *  # noqa: F403
from .random import *  # noqa: F403
from .reduction import *  # noqa: F403
from .selection import *  # noqa: F403
from .shape import *  # noqa: F403
from .sorting import *  # noqa: F403
from .unary import *  # noqa: F403

# conversion holds Tensor methods only (torch has no torch.to)
_FAMILIES = (
    arithmetic, blas, comparison, creation, indexing, manipulation, masking, random, reduction,
    selection, shape, sorting, unary,
)  # fmt: skip
_METHOD_ONLY = {
    "new_tensor",
    "new_zeros",
    "new_ones",
    "new_empty",
    "new_full",
    "view",
    "view_as",
    "reshape_as",
    "expand",
    "contiguous",
    "is_contiguous",
    "stride",
    "T",
    "mT",
    "mH",
    "H",
    "unfold",
    "storage_offset",
    "data_ptr",
    "getitem",
    "setitem",
    "repeat",
    "Size",
}

# the public ops: functions and classes defined in the family modules (not what they import)
__all__ = sorted(
    name
    for family in _FAMILIES
    for name, value in vars(family).items()
    if not name.startswith("_")
    and name not in _METHOD_ONLY
    and isinstance(value, (_types.FunctionType, type))
    and getattr(value, "__module__", "") == family.__name__
)

from . import _methods  # noqa: E402  (binds Tensor methods; needs the names above)

# torch.abs_(x) and the other in-place functions are the in-place methods themselves
globals().update(_methods.inplace_functions())
__all__ += sorted(_methods.inplace_functions())

_tensor._ops = _sys.modules[__name__]
