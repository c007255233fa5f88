"""Optimizer: parameter groups, per-parameter state, hooks and torch-layout state dicts.

A concrete optimizer declares three things and the base class does the rest:

- ``_rule``: the update, a plain function ``rule(param, grad, state, **hyper)`` that changes
  ``param`` and the ``state`` tensors in place (on their raw arrays, for speed);
- ``_hyper``: the names of the group entries the rule takes as keyword arguments;
- ``_init_state(param, state, group)``: fills a parameter's state before its first update.

`Optimizer.step` is the one loop over groups and parameters that every algorithm shares.
"""

from __future__ import annotations

import copy
import functools
import itertools
import warnings
from collections import OrderedDict, defaultdict
from typing import Any, Callable

import numpy as np

from .._tensor import Tensor
from ..autograd import enable_grad, no_grad
from ..backends import array_module
from ._util import as_number

__all__ = [
    "Optimizer",
    "required",
    "register_optimizer_step_pre_hook",
    "register_optimizer_step_post_hook",
]


class _RequiredParameter:
    """The default of a hyperparameter that every param group must set itself."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()

_global_step_pre_hooks: OrderedDict = OrderedDict()
_global_step_post_hooks: OrderedDict = OrderedDict()


class RemovableHandle:
    """What a ``register_*_hook`` call returns: ``handle.remove()`` unregisters the hook."""

    _next_id = 0

    def __init__(self, hooks: dict):
        self._hooks = hooks
        self.id = RemovableHandle._next_id
        RemovableHandle._next_id += 1

    def remove(self) -> None:
        self._hooks.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


def _add_hook(hooks: dict, hook: Callable) -> RemovableHandle:
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    return handle


def register_optimizer_step_pre_hook(hook: Callable) -> RemovableHandle:
    """Run ``hook(optimizer, args, kwargs)`` before every optimizer's ``step``."""
    return _add_hook(_global_step_pre_hooks, hook)


def register_optimizer_step_post_hook(hook: Callable) -> RemovableHandle:
    """Run ``hook(optimizer, args, kwargs)`` after every optimizer's ``step``."""
    return _add_hook(_global_step_post_hooks, hook)


def _with_step_hooks(step: Callable) -> Callable:
    """Wrap a subclass's ``step`` so that the step hooks run around it (once, even nested)."""

    @functools.wraps(step)
    def hooked_step(self, *args, **kwargs):
        if self.__dict__.get("_in_step"):
            return step(self, *args, **kwargs)
        for hook in itertools.chain(
            _global_step_pre_hooks.values(), self._optimizer_step_pre_hooks.values()
        ):
            result = hook(self, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError(
                        f"{hook} must return None or a tuple of (new_args, new_kwargs), "
                        f"but got {result}."
                    )
                args, kwargs = result
        self._opt_called = True
        self._in_step = True
        try:
            out = step(self, *args, **kwargs)
        finally:
            self._in_step = False
        for hook in itertools.chain(
            self._optimizer_step_post_hooks.values(), _global_step_post_hooks.values()
        ):
            hook(self, args, kwargs)
        return out

    hooked_step._with_step_hooks = True
    return hooked_step


class Optimizer:
    """Base class of all optimizers, as ``torch.optim.Optimizer``.

    params: an iterable of tensors, of ``(name, tensor)`` pairs, or of dicts (param groups).
    defaults: the hyperparameters a group takes when it does not set its own.
    """

    _rule: Callable | None = None
    _hyper: tuple = ()
    _tensor_step = True  # whether state['step'] is a tensor (SGD and LBFGS keep no step)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        step = cls.__dict__.get("step")
        if step is not None and not getattr(step, "_with_step_hooks", False):
            cls.step = _with_step_hooks(step)

    def __init__(self, params, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self._optimizer_step_pre_hooks: OrderedDict = OrderedDict()
        self._optimizer_step_post_hooks: OrderedDict = OrderedDict()
        self._optimizer_state_dict_pre_hooks: OrderedDict = OrderedDict()
        self._optimizer_state_dict_post_hooks: OrderedDict = OrderedDict()
        self._optimizer_load_state_dict_pre_hooks: OrderedDict = OrderedDict()
        self._optimizer_load_state_dict_post_hooks: OrderedDict = OrderedDict()
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or "
                f"dicts, but got {_typename(params)}"
            )
        self.state: defaultdict = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    def __repr__(self) -> str:
        lines = [self.__class__.__name__ + " ("]
        for i, group in enumerate(self.param_groups):
            if i:
                lines.append("")
            lines.append(f"Parameter Group {i}")
            for key in sorted(group):
                if key != "params":
                    lines.append(f"    {key}: {group[key]}")
        lines.append(")")
        return "\n".join(lines)

    def __getstate__(self) -> dict:
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        for name in (
            "_optimizer_step_pre_hooks",
            "_optimizer_step_post_hooks",
            "_optimizer_state_dict_pre_hooks",
            "_optimizer_state_dict_post_hooks",
            "_optimizer_load_state_dict_pre_hooks",
            "_optimizer_load_state_dict_post_hooks",
        ):
            self.__dict__.setdefault(name, OrderedDict())

    # ---- parameter groups -------------------------------------------------------------------

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters (with their own hyperparameters) to optimize."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the "
                "ordering of tensors in sets will change between runs. Please use a list instead."
            )
        else:
            params = list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        params = [p[1] if isinstance(p, tuple) else p for p in params]
        param_group["params"] = params
        if names:
            if len(names) != len(params):
                raise ValueError(
                    "all optimizer params should be with/without names. Some param names are "
                    "missing"
                )
            param_group["param_names"] = names
        for param in params:
            if not isinstance(param, Tensor):
                raise TypeError(
                    "optimizer can only optimize Tensors, but one of the params is "
                    + _typename(param)
                )
            if not self.defaults.get("differentiable", None) and not (
                param.is_leaf or param.retains_grad
            ):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(
                    "parameter group didn't specify a value of required optimization "
                    f"parameter {name}"
                )
            param_group.setdefault(name, default)
        if len(params) != len({id(p) for p in params}):
            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters; in future, "
                "this will cause an error; see github.com/pytorch/pytorch/issues/40967 for more "
                "information",
                stacklevel=3,
            )
        seen = set()
        for group in self.param_groups:
            seen.update(id(p) for p in group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError(
                    "all optimizer param groups should be with/without names. "
                    f"cannot add param group {which} to the optimizer"
                )
        if any(id(p) in seen for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all optimized parameters (to None, or to zeros)."""
        for group in self.param_groups:
            for p in group["params"]:
                grad = p._grad
                if grad is None:
                    continue
                if set_to_none:
                    p._grad = None
                else:
                    if grad._grad_fn is not None:
                        grad.detach_()
                    else:
                        grad._requires_grad = False
                    grad._data.fill(0)
                    grad._vc[0] += 1

    # ---- the update -------------------------------------------------------------------------

    def _init_state(self, param: Tensor, state: dict, group: dict) -> None:
        """Fill a parameter's state before its first update (nothing by default)."""

    def _group_hyper(self, group: dict) -> dict:
        """The keyword arguments of ``_rule`` for this group (``lr`` as a float)."""
        return {name: as_number(group[name]) for name in self._hyper}

    @_with_step_hooks
    def step(self, closure: Callable | None = None):
        """Update every parameter that has a gradient; return ``closure()``'s loss if given."""
        rule = type(self)._rule
        if rule is None:
            raise NotImplementedError
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                hyper = self._group_hyper(group)
                for p in group["params"]:
                    grad = p._grad
                    if grad is None:
                        continue
                    state = self.state[p]
                    if len(state) == 0:
                        self._init_state(p, state, group)
                    if p._data.dtype.kind == "c":
                        _complex_update(rule, p, grad, state, hyper)
                    else:
                        rule(p, grad, state, **hyper)
                    p._vc[0] += 1
        return loss

    # ---- hooks ------------------------------------------------------------------------------

    def register_step_pre_hook(self, hook: Callable) -> RemovableHandle:
        """``hook(optimizer, args, kwargs)`` runs before ``step``; it may return new args."""
        return _add_hook(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook: Callable) -> RemovableHandle:
        """``hook(optimizer, args, kwargs)`` runs after ``step``."""
        return _add_hook(self._optimizer_step_post_hooks, hook)

    def register_state_dict_pre_hook(self, hook: Callable, prepend: bool = False):
        return _add_ordered(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook: Callable, prepend: bool = False):
        return _add_ordered(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook: Callable, prepend: bool = False):
        return _add_ordered(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook: Callable, prepend: bool = False):
        return _add_ordered(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    # ---- state dicts ------------------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """``{'state': {index: {...}}, 'param_groups': [{..., 'params': [index, ...]}]}``.

        Parameters are numbered in the order the groups list them, as torch numbers them, so
        the dict moves between torch and ember. State tensors are returned, not copied.
        """
        for hook in self._optimizer_state_dict_pre_hooks.values():
            hook(self)
        index_of: dict[int, int] = {}
        start = 0

        def pack_group(group):
            nonlocal start
            for i, p in enumerate(group["params"], start):
                index_of.setdefault(id(p), i)
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = [index_of[id(p)] for p in group["params"]]
            start += len(packed["params"])
            return packed

        param_groups = [pack_group(g) for g in self.param_groups]
        # a parameter whose update keeps no state (SGD without momentum) is left out, as in torch
        state = {
            (index_of[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items() if v
        }
        out = {"state": state, "param_groups": param_groups}
        for hook in self._optimizer_state_dict_post_hooks.values():
            result = hook(self, out)
            if result is not None:
                out = result
        return out

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load a dict made by ``state_dict`` (of this library or of torch).

        State tensors are copied and cast to their parameter's dtype, except ``step``; numpy
        arrays are accepted in place of tensors.
        """
        state_dict = dict(state_dict)
        for hook in self._optimizer_load_state_dict_pre_hooks.values():
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        groups = self.param_groups
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError(
                "loaded state dict contains a parameter group that doesn't match the size of "
                "optimizer's group"
            )
        id_map = dict(
            zip(
                itertools.chain.from_iterable(g["params"] for g in saved_groups),
                itertools.chain.from_iterable(g["params"] for g in groups),
            )
        )
        state: defaultdict = defaultdict(dict)
        for key, value in state_dict["state"].items():
            if key in id_map:
                param = id_map[key]
                state[param] = _cast(param, value)
            else:
                state[key] = value

        def update_group(group, new_group):
            new_group["params"] = group["params"]
            if "param_names" in group and "param_names" not in new_group:
                new_group["param_names"] = group["param_names"]
            for name, default in self.defaults.items():
                new_group.setdefault(name, default)
            return new_group

        self.state = state
        self.param_groups = [update_group(g, ng) for g, ng in zip(groups, saved_groups)]
        for param_state in state.values():
            step = param_state.get("step") if isinstance(param_state, dict) else None
            if step is not None and not isinstance(step, Tensor) and self._tensor_step:
                param_state["step"] = Tensor._make(np.asarray(step, np.float32))
        for hook in self._optimizer_load_state_dict_post_hooks.values():
            hook(self)


def _as_real(array):
    """A real view of a complex array with a trailing axis of 2, as ``torch.view_as_real``."""
    return array[..., None].view(array.real.dtype)


def _complex_update(rule: Callable, param: Tensor, grad: Tensor, state: dict, hyper: dict):
    """Update a complex parameter as torch does: its real and imaginary parts as two reals."""
    shape = param._data.shape
    viewed = {k for k, v in state.items() if isinstance(v, Tensor) and v._data.shape == shape}
    real_state = {
        k: Tensor._make(_as_real(v._data)) if k in viewed else v for k, v in state.items()
    }
    rule(
        Tensor._make(_as_real(param._data)), Tensor._make(_as_real(grad._data)), real_state, **hyper
    )
    # state the rule created (SGD's first momentum buffer) is stored back as complex
    for key, value in real_state.items():
        if key not in viewed and state.get(key) is not value:
            if isinstance(value, Tensor) and value._data.shape == shape + (2,):
                array = value._data.copy().view(param._data.dtype)[..., 0]
                value = Tensor._make(array)
            state[key] = value


def _add_ordered(hooks: OrderedDict, hook: Callable, prepend: bool) -> RemovableHandle:
    handle = _add_hook(hooks, hook)
    if prepend:
        hooks.move_to_end(handle.id, last=False)
    return handle


def _cast(param: Tensor, value, key=None):
    """A copy of a loaded state value, its tensors cast to the parameter's dtype and device."""
    if isinstance(value, np.ndarray):
        value = Tensor._make(value)
    if isinstance(value, Tensor):
        if key == "step":
            # the step counter stays a host scalar of its own dtype, as torch keeps it
            return Tensor._make(np.array(value._host(), copy=True))
        array = value._data
        if param.is_floating_point():
            array = array.astype(param._data.dtype, copy=True)
        else:
            array = array.copy()
        if type(array) is not type(param._data):
            on_host = type(param._data) is np.ndarray
            array = array.get() if on_host else array_module(param._data).asarray(array)
        return Tensor._make(array)
    if isinstance(value, dict):
        return {k: _cast(param, v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast(param, v) for v in value)
    return value


def _typename(obj) -> str:
    if isinstance(obj, Tensor):
        return "torch." + {
            "float32": "FloatTensor",
            "float64": "DoubleTensor",
            "int64": "LongTensor",
        }.get(str(obj._data.dtype), "Tensor")
    module = type(obj).__module__
    name = type(obj).__qualname__
    return name if module == "builtins" else f"{module}.{name}"
