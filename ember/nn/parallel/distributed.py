"""``DistributedDataParallel``: each rank runs the model on its share of the batch; gradients
are averaged across ranks during ``backward``.

Parameters are grouped into buckets of about ``bucket_cap_mb`` in reverse registration order
(roughly the order in which backward produces their gradients). When every gradient of a bucket
has been accumulated, the bucket is flattened and its non-blocking all-reduce starts, so the
communication of early buckets overlaps the rest of backward; when the last bucket has started,
all are waited for and the averaged gradients written back into ``param.grad``.
"""

from __future__ import annotations

import contextlib

import numpy as np

from ... import distributed as dist
from ...autograd.grad_mode import no_grad
from ..modules.module import Module


class _Bucket:
    __slots__ = ("params", "pending", "buffer", "work")

    def __init__(self, params):
        self.params = params
        self.pending = set()
        self.buffer = None
        self.work = None


class DistributedDataParallel(Module):
    """Wrap ``module`` for data-parallel training across the ranks of ``process_group``."""

    def __init__(
        self,
        module: Module,
        device_ids=None,
        output_device=None,
        dim: int = 0,
        broadcast_buffers: bool = True,
        process_group=None,
        bucket_cap_mb: float = 25,
        find_unused_parameters: bool = False,
        check_reduction: bool = False,
        gradient_as_bucket_view: bool = False,
        static_graph: bool = False,
        **kwargs,
    ):
        super().__init__()
        self.module = module
        self.process_group = process_group
        self.broadcast_buffers = broadcast_buffers
        self.find_unused_parameters = find_unused_parameters
        self.require_backward_grad_sync = True
        self._world = dist.get_world_size(process_group)
        params = [p for p in module.parameters() if p.requires_grad]
        self._sync_module_states()
        self._buckets = self._make_buckets(params, bucket_cap_mb * 1024 * 1024)
        self._bucket_of = {id(p): b for b in self._buckets for p in b.params}
        self._launched = 0
        self._handles = [p.register_post_accumulate_grad_hook(self._grad_ready) for p in params]
        self._reset()

    # ---- set-up --------------------------------------------------------------------------

    def _sync_module_states(self) -> None:
        """Every rank starts from rank 0's parameters and buffers."""
        with no_grad():
            for t in list(self.module.parameters()) + list(self.module.buffers()):
                dist.broadcast(t, src=0, group=self.process_group)

    @staticmethod
    def _make_buckets(params, cap_bytes: float):
        buckets, current, size = [], [], 0
        for p in reversed(params):
            current.append(p)
            size += p.numel() * p.element_size()
            if size >= cap_bytes:
                buckets.append(_Bucket(current))
                current, size = [], 0
        if current:
            buckets.append(_Bucket(current))
        return buckets

    def _reset(self) -> None:
        for b in self._buckets:
            b.pending = {id(p) for p in b.params}
            b.work = None
        self._launched = 0

    # ---- forward and the gradient hooks --------------------------------------------------

    def forward(self, *inputs, **kwargs):
        if self.broadcast_buffers and self._world > 1:
            with no_grad():
                for b in self.module.buffers():
                    dist.broadcast(b, src=0, group=self.process_group)
        self._reset()
        out = self.module(*inputs, **kwargs)
        if self.find_unused_parameters and self.require_backward_grad_sync:
            used = _reachable_leaves(out)
            for p in self.module.parameters():
                if p.requires_grad and id(p) not in used:
                    self._grad_ready(p)
        return out

    def _grad_ready(self, param) -> None:
        if not self.require_backward_grad_sync:
            return
        bucket = self._bucket_of.get(id(param))
        if bucket is None or id(param) not in bucket.pending:
            return
        bucket.pending.discard(id(param))
        if not bucket.pending:
            self._launch(bucket)

    def _launch(self, bucket: _Bucket) -> None:
        from ...ops.creation import from_numpy

        bucket.buffer = np.concatenate([_grad_array(p).reshape(-1) for p in bucket.params])
        flat = from_numpy(bucket.buffer)
        bucket.work = dist.all_reduce(flat, group=self.process_group, async_op=True)
        self._launched += 1
        if self._launched == len(self._buckets):
            self._finish()

    def _finish(self) -> None:
        from ...ops.creation import from_numpy

        for bucket in self._buckets:
            bucket.work.wait()
            offset = 0
            for p in bucket.params:
                n = p.numel()
                averaged = bucket.buffer[offset : offset + n].reshape(p.shape) / self._world
                if p.grad is None:
                    p.grad = from_numpy(averaged.astype(p._data.dtype, copy=False))
                else:
                    p.grad._data[...] = averaged
                offset += n
        self._reset()

    @contextlib.contextmanager
    def no_sync(self):
        """Accumulate gradients locally (no communication) inside this block."""
        previous = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = previous


def _grad_array(p) -> np.ndarray:
    if p.grad is None:
        return np.zeros(p.shape, dtype=p._data.dtype)
    return np.ascontiguousarray(p.grad._data)


def _reachable_leaves(output) -> set:
    """ids of the leaf tensors the autograd graph of ``output`` reaches."""
    from ..._tensor import Tensor
    from ...autograd.function import AccumulateGrad

    roots = [
        o
        for o in (output if isinstance(output, (tuple, list)) else [output])
        if isinstance(o, Tensor) and o.grad_fn is not None
    ]
    seen, found = set(), set()
    stack = [o.grad_fn for o in roots]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, AccumulateGrad):
            found.add(id(node.variable))
            continue
        stack.extend(edge[0] for edge in node.next_functions if edge is not None)
    return found
