"""Every operation, one module per family. Importing this package also binds Tensor's methods
and operators to these functions (``_methods.py``)."""

from __future__ import annotations

import sys as _sys
import types as _types

from .. import _tensor
from . import (
    _util,
    activation,
    arithmetic,
    blas,
    cells,
    comparison,
    complex_parts,
    conv,
    conversion,
    creation,
    gamma,
    indexing,
    linalg,
    linalg_functions,
    linalg_lu,
    manipulation,
    masking,
    matrix,
    misc,
    nn_aliases,
    pointwise,
    pooling,
    random,
    reduction,
    sample_stats,
    sampling,
    selection,
    shape,
    sorting,
    statistics,
    unary,
    windows,
)
from .arithmetic import *  # noqa: F403
from .blas import *  # noqa: F403
from .cells import *  # noqa: F403
from .comparison import *  # noqa: F403
from .complex_parts import *  # noqa: F403
from .creation import *  # noqa: F403
from .gamma import *  # noqa: F403
from .indexing import *  # noqa: F403
from .manipulation import *  # noqa: F403
from .masking import *  # noqa: F403
from .matrix import *  # noqa: F403
from .misc import *  # noqa: F403
from .nn_aliases import *  # noqa: F403
from .pointwise import *  # noqa: F403
from .random import *  # noqa: F403
from .reduction import *  # noqa: F403
from .sample_stats import *  # noqa: F403
from .selection import *  # noqa: F403
from .shape import *  # noqa: F403
from .sorting import *  # noqa: F403
from .statistics import *  # noqa: F403
from .unary import *  # noqa: F403
from .windows import *  # noqa: F403

# conversion holds Tensor methods only (torch has no torch.to); linalg is torch.linalg's
# namespace (ember.linalg), not top-level names
_FAMILIES = (
    arithmetic, blas, comparison, creation, indexing, manipulation, masking, matrix,
    pointwise, random, reduction, selection, shape, sorting, statistics, unary,
    nn_aliases, misc, gamma, sample_stats, windows, cells, complex_parts,
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

# the public ops: functions defined in the op family modules (not the Function classes, and
# not helpers they import from ops._util)
__all__ = sorted(
    name
    for family in _FAMILIES
    for name, value in vars(family).items()
    if not name.startswith("_")
    and name not in _METHOD_ONLY
    and isinstance(value, _types.FunctionType)
    and value.__module__.startswith(__name__ + ".")
    and not value.__module__.startswith(__name__ + "._")
)

# the activations that torch also has at top level (torch.relu, torch.softmax...); the rest
# of the nn op families are reached through ember.nn.functional
from .activation import (  # noqa: E402
    celu,
    hardshrink,
    log_softmax,
    prelu,
    relu,
    relu_,
    rrelu,
    selu,
    softmax,
    threshold,
)

__all__ += ["celu", "hardshrink", "log_softmax", "prelu", "relu", "relu_", "rrelu", "selu",
            "softmax", "threshold"]  # fmt: skip

# conv and pooling are torch.nn.functional's too; torch.* holds these of their names
from .conv import (  # noqa: E402
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
)
from .pooling import (  # noqa: E402
    adaptive_avg_pool1d,
    avg_pool1d,
    max_pool1d,
    max_pool1d_with_indices,
    max_pool2d,
    max_pool3d,
)

__all__ += ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
            "conv_transpose3d", "adaptive_avg_pool1d", "avg_pool1d",
            "max_pool1d", "max_pool1d_with_indices", "max_pool2d", "max_pool3d"]  # fmt: skip

# nn.functional ops whose torch.* form has the same signature (the rest, with aten's
# signatures, are in nn_aliases)
from .distance import pdist  # noqa: E402
from .embedding import channel_shuffle, pixel_shuffle, pixel_unshuffle  # noqa: E402
from .linear import bilinear  # noqa: E402

__all__ += ["pdist", "channel_shuffle", "pixel_shuffle", "pixel_unshuffle", "bilinear"]

from . import _methods  # noqa: E402  (binds Tensor methods; needs the names above)

# torch.abs_(x) and the other in-place functions are the in-place methods themselves
globals().update(_methods.inplace_functions())
__all__ += sorted(_methods.inplace_functions())

_tensor._ops = _sys.modules[__name__]
