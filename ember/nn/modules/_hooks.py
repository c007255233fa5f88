"""Module hooks: removable handles, and the identity functions around a module call that
deliver full backward hooks their ``grad_input`` and ``grad_output``."""

from __future__ import annotations

import itertools

from ..._tensor import Tensor
from ...autograd.function import Function

_hook_ids = itertools.count()


class RemovableHandle:
    """Returned by the ``register_*_hook`` methods; ``remove()`` unregisters the hook."""

    def __init__(self, *hook_dicts: dict):
        self._dicts = hook_dicts
        self.id = next(_hook_ids)

    def remove(self) -> None:
        for d in self._dicts:
            d.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def _insert(hooks: dict, key: int, hook, prepend: bool) -> None:
    hooks[key] = hook
    if prepend:
        hooks.move_to_end(key, last=False)


class _BackwardHookState:
    """Identity functions around a module call: the one on the outputs sees grad_output, the
    one on the inputs sees grad_input and calls the module's full backward hooks."""

    def __init__(self, module):
        self.module = module
        self.grad_output = None
        self.n_inputs = 0

    def wrap_inputs(self, args: tuple) -> tuple:
        positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        self.n_inputs = len(positions)
        if not any(args[i].requires_grad for i in positions):
            return args
        wrapped = _HookIdentity.apply(self, "input", *(args[i] for i in positions))
        if not isinstance(wrapped, tuple):
            wrapped = (wrapped,)
        out = list(args)
        for i, w in zip(positions, wrapped):
            out[i] = w
        self.inputs_wrapped = True
        return tuple(out)

    def wrap_outputs(self, output):
        single = isinstance(output, Tensor)
        outs = (output,) if single else output
        if not isinstance(outs, tuple) or not any(
            isinstance(o, Tensor) and o.requires_grad for o in outs
        ):
            return output
        wrapped = _HookIdentity.apply(self, "output", *outs)
        return wrapped if single else (wrapped if isinstance(wrapped, tuple) else (wrapped,))

    def on_grad_output(self, grads: tuple) -> tuple:
        for hook in list(self.module._backward_pre_hooks.values()):
            result = hook(self.module, grads)
            if result is not None:
                grads = tuple(result) if isinstance(result, (tuple, list)) else (result,)
        self.grad_output = grads
        if not getattr(self, "inputs_wrapped", False):
            self._call_hooks((None,) * max(self.n_inputs, 1))
        return grads

    def on_grad_input(self, grads: tuple) -> tuple:
        return self._call_hooks(grads)

    def _call_hooks(self, grads: tuple) -> tuple:
        for hook in list(self.module._backward_hooks.values()):
            result = hook(self.module, grads, self.grad_output)
            if result is not None:
                grads = tuple(result) if isinstance(result, (tuple, list)) else (result,)
        return grads


class _HookIdentity(Function):
    @staticmethod
    def forward(ctx, state, where, *tensors):
        ctx.state = state
        ctx.where = where
        outs = tuple(t.view_as(t) for t in tensors)
        return outs if len(outs) > 1 else outs[0]

    @staticmethod
    def backward(ctx, *grads):
        if ctx.where == "output":
            grads = ctx.state.on_grad_output(grads)
        else:
            grads = ctx.state.on_grad_input(grads)
        return (None, None) + tuple(grads)
