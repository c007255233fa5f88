"""Calling a module with other tensors in place of its parameters and buffers."""

from __future__ import annotations

import contextlib

from ..._tensor import Tensor
from ..modules.module import Module


def _owner(module: Module, name: str):
    path, _, leaf = name.rpartition(".")
    return module.get_submodule(path), leaf


@contextlib.contextmanager
def _swapped(module: Module, values: dict):
    saved = []
    try:
        for name, value in values.items():
            owner, leaf = _owner(module, name)
            for registry in ("_parameters", "_buffers"):
                members = owner.__dict__[registry]
                if leaf in members:
                    saved.append((members, leaf, members[leaf]))
                    members[leaf] = value  # plain tensors allowed for the duration of the call
                    break
            else:
                saved.append((owner.__dict__, leaf, owner.__dict__.get(leaf)))
                owner.__dict__[leaf] = value
        yield
    finally:
        for members, leaf, original in reversed(saved):
            members[leaf] = original


def functional_call(
    module: Module,
    parameters_and_buffers: dict,
    args=None,
    kwargs: dict | None = None,
    *,
    tie_weights: bool = True,
    strict: bool = False,
):
    """``module(*args, **kwargs)`` computed with ``parameters_and_buffers`` (dotted names to
    tensors) in place of the module's own; the module is unchanged afterwards. With
    ``tie_weights`` a value given for one name of a shared tensor serves all its names."""
    if isinstance(parameters_and_buffers, (list, tuple)):
        merged = {}
        for d in parameters_and_buffers:
            for key, value in d.items():
                if key in merged:
                    raise ValueError(
                        f"{key} appeared in multiple dictionaries; behavior of functional call "
                        "is ambiguous"
                    )
                merged[key] = value
        parameters_and_buffers = merged
    values = dict(parameters_and_buffers)
    members = list(module.named_parameters(remove_duplicate=False)) + list(
        module.named_buffers(remove_duplicate=False)
    )
    if tie_weights:
        by_id = {}
        for name, tensor in members:
            by_id.setdefault(id(tensor), []).append(name)
        for names in by_id.values():
            given = [n for n in names if n in values]
            if given:
                for n in names:
                    values.setdefault(n, values[given[0]])
    if strict:
        known = {n for n, _ in members}
        missing = sorted(known - set(values))
        unexpected = sorted(set(values) - known)
        if missing or unexpected:
            parts = []
            if unexpected:
                parts.append(f"Unexpected key(s): {', '.join(map(repr, unexpected))}.")
            if missing:
                parts.append(f"Missing key(s): {', '.join(map(repr, missing))}.")
            raise RuntimeError(
                f"Error(s) in reparametrizing for {module._get_name()}:\n\t" + "\n\t".join(parts)
            )
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    with _swapped(module, {k: v for k, v in values.items() if isinstance(v, Tensor) or v is None}):
        return module(*args, **(kwargs or {}))
