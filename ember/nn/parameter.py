"""`Parameter`: a tensor that a Module registers as one of its learnable weights; `Buffer`."""

from __future__ import annotations

from .._tensor import Tensor
from ..ops import creation


class Parameter(Tensor):
    """A leaf tensor that requires grad by default and is registered when assigned to a Module.

    It shares memory (and the version counter) with the tensor it is made from, as torch's does.
    """

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True):
        if data is None:
            data = creation.empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(
                f"Parameter(): argument 'data' must be Tensor, not {type(data).__name__}"
            )
        param = cls._make(data._data)
        param._vc = data._vc
        param.__dict__.update(data.__dict__)
        param.requires_grad_(requires_grad)
        return param

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True):
        pass  # everything happens in __new__ (Tensor.__init__ would rebuild the data)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__


class _BufferMeta(type):
    # torch.nn.Buffer(x) returns a plain Tensor marked as a buffer; isinstance checks the mark
    def __instancecheck__(cls, instance):
        if cls is Buffer:
            return isinstance(instance, Tensor) and getattr(instance, "_is_buffer", False)
        return super().__instancecheck__(instance)


class Buffer(metaclass=_BufferMeta):
    """Marks a tensor as a buffer when assigned to a Module attribute (``persistent`` decides
    whether it is saved in the state_dict). ``Buffer(t)`` returns a detached Tensor."""

    def __new__(cls, data: Tensor | None = None, *, persistent: bool = True):
        if data is None:
            data = creation.empty(0)
        t = data.detach().requires_grad_(data.requires_grad)
        t.persistent = persistent
        t._is_buffer = True
        return t
