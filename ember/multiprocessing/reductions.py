"""How tensors travel to other processes: shared ones as a reference to their memory.

``init_reductions()`` registers a reducer with multiprocessing's ForkingPickler (used for a
spawn child's arguments and for Queues; ``torch.save`` and plain pickle are not affected). A
tensor in shared memory is sent as its block's path, offset, shape, strides and dtype, and
rebuilt over the same pages; any other tensor is sent by value, as plain pickling does.
"""

from __future__ import annotations

from multiprocessing.reduction import ForkingPickler

from .. import _shared_memory
from .._tensor import Tensor

_registered = set()


def init_reductions() -> None:
    """Register the tensor reducer for Tensor and every subclass defined so far (Parameter)."""
    todo = [Tensor]
    while todo:
        cls = todo.pop()
        if cls not in _registered:
            ForkingPickler.register(cls, _reduce_tensor)
            _registered.add(cls)
        todo.extend(cls.__subclasses__())


def _reduce_tensor(t: Tensor):
    data = t._data
    block, offset = _shared_memory.block_of(data)
    if block is None:
        return t.__reduce_ex__(2)
    return (
        _rebuild_shared,
        (
            type(t),
            block.path,
            len(block),
            offset,
            data.shape,
            data.strides,
            data.dtype,
            t._requires_grad,
            t.__dict__,
        ),
    )


def _rebuild_shared(cls, path, nbytes, offset, shape, strides, dtype, requires_grad, attrs):
    array = _shared_memory.shared_array(path, nbytes, offset, shape, strides, dtype)
    t = cls._make(array, requires_grad)
    t.__dict__.update(attrs)
    return t
