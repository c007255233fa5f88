"""``DataParallel``: torch's single-process multi-GPU wrapper.

Without a GPU it is what torch's is on a CPU-only machine: ``device_ids`` is empty and forward
calls the wrapped module directly. With GPUs (CuPy), ember does not split the batch over
replicas: the whole batch runs on ``device_ids[0]`` (inputs are moved there, as torch's scatter
does, and outputs to ``output_device``). The gradients are those of the whole batch, as torch's
summed replica gradients are; BatchNorm's batch statistics are the whole batch's rather than
each replica's. Either way the wrapped model sits at ``.module``, so its ``state_dict`` keys
start with ``module.`` as torch's do.
"""

from __future__ import annotations

from ... import cuda
from ..._device import device as _device
from ..._tensor import Tensor
from ..modules.module import Module


class DataParallel(Module):
    """Wrap ``module``; forward runs it on ``device_ids[0]`` (see the module docstring)."""

    def __init__(self, module: Module, device_ids=None, output_device=None, dim: int = 0):
        super().__init__()
        self.module = module
        self.dim = dim
        if not cuda.is_available():
            self.device_ids = []
            self.output_device = None
            self.src_device_obj = _device("cpu")
            return
        if device_ids is None:
            device_ids = list(range(cuda.device_count()))
        self.device_ids = [_index(d) for d in device_ids]
        self.output_device = _index(output_device if output_device is not None else device_ids[0])
        self.src_device_obj = _device("cuda", self.device_ids[0])

    def forward(self, *inputs, **kwargs):
        if not self.device_ids:
            return self.module(*inputs, **kwargs)
        for t in self.module.parameters():
            if t.device != self.src_device_obj:
                raise RuntimeError(
                    f"module must have its parameters and buffers on device "
                    f"{self.src_device_obj} (device_ids[0]) but found one of them on device: "
                    f"{t.device}"
                )
        inputs = _moved(inputs, self.src_device_obj)
        kwargs = _moved(kwargs, self.src_device_obj)
        return _moved(self.module(*inputs, **kwargs), _device("cuda", self.output_device))


def _index(d) -> int:
    if isinstance(d, int):
        return d
    return _device(d).index or 0


def _moved(obj, where):
    """Tensors inside ``obj`` (nested tuples, lists, dicts) moved to ``where``."""
    if isinstance(obj, Tensor):
        return obj.to(where)
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):  # a named tuple
        return type(obj)(*(_moved(o, where) for o in obj))
    if isinstance(obj, (tuple, list)):
        return type(obj)(_moved(o, where) for o in obj)
    if isinstance(obj, dict):
        return {k: _moved(v, where) for k, v in obj.items()}
    return obj
