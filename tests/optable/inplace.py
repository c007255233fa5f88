"""Table entries: the in-place method ``x.op_(...)`` of every op that has a plain table entry.

Each entry reuses the inputs of the op's first plain entry (no custom ``fn``, no variant) and
runs ``x.clone().op_(*rest)``: the clone keeps the leaf out of the in-place write, so backward
can flow through the recorded in-place op. Written from the other table modules, so an op gains
its in-place entry as soon as it has an entry of its own.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil

import torch
from oracle import OpEntry

from ember.ops._methods import INPLACE

from .makers import args, arr, ints

ENTRIES = []

# Backward through in-place ops needs the in-place recording of the views branch (an op that
# saved ``self`` must see its value from before the write); until that is merged these entries
# compare forward values, dtype, shape and that ``self`` is returned. Set True after the merge.
BACKWARD = False

# torch has no derivative for these in-place forms (it raises NotImplementedError)
_NO_INPLACE_DERIVATIVE = {"asinh", "acosh", "atanh"}


def _plain_entries() -> dict:
    package = importlib.import_module(__package__)
    found = {}
    for info in pkgutil.iter_modules(package.__path__):
        if info.name == __name__.rsplit(".", 1)[-1]:
            continue
        for entry in importlib.import_module(f"{__package__}.{info.name}").ENTRIES:
            if entry.fn is None and not entry.variant and entry.dtypes:
                found.setdefault(entry.name, entry)
    return found


def _inplace_call(lib, x, *rest, _name):
    y = x.clone()
    result = getattr(y, _name)(*rest)
    assert result is y, f"{_name} must return self"
    return y


def _inplace_entry(base, name):
    def fn(lib, x, *rest):
        return _inplace_call(lib, x, *rest, _name=name)

    grad = base.grad and BACKWARD and base.name not in _NO_INPLACE_DERIVATIVE
    return dataclasses.replace(
        base, name=f"Tensor.{name}", fn=fn, variant="", grad=grad, gradgrad=grad and base.gradgrad
    )


_BASES = _plain_entries()
for _op in INPLACE:
    if _op in _BASES and hasattr(torch.Tensor, f"{_op}_"):  # torch has no maximum_, minimum_
        ENTRIES.append(_inplace_entry(_BASES[_op], f"{_op}_"))

# in-place forms the generated entries cannot reach: their ops take bounds as arguments
ENTRIES += [
    OpEntry(
        "Tensor.clamp_",
        args(arr(3, 4)),
        fn=lambda lib, x: x.clone().clamp_(-0.5, 0.5),
        grad=BACKWARD,
    ),
    OpEntry(
        "Tensor.clip_", args(arr(3, 4)), fn=lambda lib, x: x.clone().clip_(max=0.5), grad=BACKWARD
    ),
    OpEntry(
        "Tensor.clamp_min_",
        args(arr(3, 4)),
        fn=lambda lib, x: x.clone().clamp_min_(0.1),
        grad=BACKWARD,
    ),
    OpEntry(
        "Tensor.clamp_max_",
        args(arr(3, 4)),
        fn=lambda lib, x: x.clone().clamp_max_(0.1),
        grad=BACKWARD,
    ),
    OpEntry(
        "Tensor.nan_to_num_",
        args(arr(4)),
        fn=lambda lib, x: (x / lib.tensor([0.0, 1.0, -0.0, 2.0], dtype=x.dtype)).nan_to_num_(
            posinf=9.0
        ),
        grad=False,
    ),
]

ENTRIES += [
    OpEntry(
        "Tensor.fill_", args(arr(3, 4)), fn=lambda lib, x: x.clone().fill_(2.5) * x, grad=BACKWARD
    ),
    OpEntry(
        "Tensor.fill_",
        args(arr(3), arr()),
        fn=lambda lib, x, v: x.clone().fill_(v) * x,
        grad=BACKWARD,
        variant="0-dim tensor value",
        errors=(args(arr(3), arr(2)),),
    ),
    OpEntry(
        "Tensor.zero_", args(arr(3, 4)), fn=lambda lib, x: x.clone().zero_() + x, grad=BACKWARD
    ),
    OpEntry(
        "Tensor.copy_",
        args(arr(3, 4), arr(4)),
        fn=lambda lib, x, y: x.clone().copy_(y) * x,
        grad=BACKWARD,
    ),
    OpEntry(
        "Tensor.copy_",
        args(arr(3), ints(3)),
        fn=lambda lib, x, y: x.clone().copy_(y),
        grad=BACKWARD,
        variant="cast",
        errors=(args(arr(3), arr(2)),),
    ),
]
