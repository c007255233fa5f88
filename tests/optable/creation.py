"""Table entries: creating tensors (from data, filled, ranges, *_like, Tensor.new_*).

These ops take no differentiable input, so entries compare forward values, dtype and shape
(``grad=False``) and exception types. Arguments travel in one ``spec`` dict (the oracle passes
non-array inputs through unchanged): ``{"args": ..., "kwargs": ..., "dtype": name or None}``.
"""

from __future__ import annotations

import numpy as np
from oracle import OpEntry, resolve

from .makers import arr

ENTRIES = []


def _spec(args=(), dtype=True, **kwargs):
    def make(rng, d):
        return [{"args": args, "kwargs": kwargs, "dtype": d if dtype else None}]

    return make


def _call(lib, fn, spec, *first):
    kwargs = dict(spec["kwargs"])
    if spec["dtype"]:
        kwargs["dtype"] = getattr(lib, spec["dtype"])
    return fn(*first, *spec["args"], **kwargs)


def created(name, *args, errors=(), variant="", dtypes=("float32", "float64"), **kwargs):
    """An entry for ``lib.<name>(*args, dtype=<entry dtype>, **kwargs)``."""
    return OpEntry(
        name,
        _spec(args, **kwargs),
        fn=lambda lib, spec: _call(lib, resolve(lib, name), spec),
        dtypes=dtypes,
        grad=False,
        errors=tuple(_spec(a, dtype=False) for a in errors),
        variant=variant,
    )


def from_input(name, make_input, *args, errors=(), variant="", method=False, **kwargs):
    """An entry for ``lib.<name>(x, *args, ...)`` or, with ``method``, ``x.<name>(*args, ...)``."""

    def fn(lib, x, spec):
        if method:
            return _call(lib, getattr(x, name.split(".")[-1]), spec)
        return _call(lib, resolve(lib, name), spec, x)

    use_dtype = kwargs.pop("dtype", True)  # once: a pop per call would change later calls

    def inputs(rng, d):
        return [make_input(rng, d)] + _spec(args, dtype=use_dtype, **kwargs)(rng, d)

    def error(a):
        return lambda rng, d: [make_input(rng, d)] + _spec(a, dtype=False)(rng, d)

    return OpEntry(
        name,
        inputs,
        fn=fn,
        grad=False,
        errors=tuple(error(a) for a in errors),
        variant=variant,
    )


INT_AND_FLOAT = ("float32", "float64", "int64", "int32")

ENTRIES += [
    created("tensor", [[1.5, -2.0], [3.0, 4.25]], dtypes=INT_AND_FLOAT, errors=(([[1, 2], [3]],),)),
    created("tensor", 2.5, variant="0-dim"),
    created("tensor", [], variant="empty"),
    created("tensor", [[1, 2], [3, 4]], dtype=False, dtypes=("int64",), variant="inferred int"),
    created("tensor", [1, 2.5, True], dtype=False, dtypes=("float32",), variant="inferred mixed"),
    created("as_tensor", [1.0, 2.0, 3.0], dtypes=INT_AND_FLOAT, errors=(([[1], [2, 3]],),)),
    created("asarray", [[1.0, 2.0]], dtypes=INT_AND_FLOAT, errors=(([[1], [2, 3]],),)),
    created("scalar_tensor", 3.5, errors=(([1, 2],),)),
    created("zeros", 2, 3, dtypes=INT_AND_FLOAT + ("bool",), errors=((-1,), (2.5,))),
    created("zeros", (0, 3), variant="empty"),
    created("zeros", (), variant="0-dim"),
    created("ones", (2, 1, 3), dtypes=INT_AND_FLOAT + ("bool",), errors=((2, -3),)),
    created("full", (2, 3), 1.5, dtypes=INT_AND_FLOAT, errors=((2, 1.5),)),
    created("full", (2,), 7, dtype=False, dtypes=("int64",), variant="int fill"),
    created("full", (2,), True, dtype=False, dtypes=("bool",), variant="bool fill"),
    created("eye", 3, dtypes=INT_AND_FLOAT, errors=((-1,),)),
    created("eye", 2, 4, variant="rectangular"),
    created("arange", 0, 1, 0.1, errors=((0, 5, 0), (0, 5, -1))),
    created("arange", 7, dtypes=INT_AND_FLOAT, variant="int"),
    created("arange", -2.5, 7.3, 0.7, variant="negative start"),
    created("arange", 5, 0, -1, dtype=False, dtypes=("int64",), variant="inferred int"),
    created("arange", 0, 2.5, 0.5, dtype=False, dtypes=("float32",), variant="inferred float"),
    created("range", 0, 4, 1.5),
    created("linspace", -1.7, 3.2, 11, errors=((0, 1, -1),)),
    created("linspace", 0, 10, 4, dtypes=("int64",), variant="int"),
    created("linspace", 2, 3, 1, variant="one step"),
    created("logspace", -2, 2, 7, errors=((0, 1, -1),)),
    created("logspace", 0, 4, 5, base=2.0, variant="base 2"),
]


def _empty_shape(lib, spec):
    return tuple(_call(lib, lib.empty, spec).shape)


ENTRIES += [
    OpEntry(
        "empty",
        _spec((2, 3)),
        fn=_empty_shape,
        dtypes=INT_AND_FLOAT,
        grad=False,
        errors=(_spec((-1,), dtype=False),),
    ),
    OpEntry(
        "empty_like",
        lambda rng, d: [arr(2, 3)(rng, "float32"), {"dtype": d}],
        fn=lambda lib, x, spec: (
            tuple(lib.empty_like(x, dtype=getattr(lib, spec["dtype"])).shape),
            str(lib.empty_like(x, dtype=getattr(lib, spec["dtype"])).dtype),
        ),
        dtypes=INT_AND_FLOAT,
        grad=False,
    ),
    OpEntry(
        "Tensor.new_empty",
        lambda rng, d: [arr(2)(rng, d)],
        fn=lambda lib, x: (tuple(x.new_empty(3, 1).shape), str(x.new_empty(2).dtype)),
        grad=False,
    ),
    OpEntry(
        "from_numpy",
        lambda rng, d: [{"array": rng.uniform(-1, 1, (2, 3)).astype(d)}],
        fn=lambda lib, spec: lib.from_numpy(spec["array"].copy()),
        dtypes=INT_AND_FLOAT,
        grad=False,
        errors=(lambda rng, d: [{"array": np.array(["a", "b"])}],),
    ),
]

ENTRIES += [
    from_input("zeros_like", arr(2, 3)),
    from_input("ones_like", arr(3), dtype=False, variant="input dtype"),
    from_input("ones_like", arr(2, 2)),
    from_input("full_like", arr(2, 3), 2.5),
    from_input("full_like", arr(4), 7, dtype=False, variant="input dtype"),
    from_input("Tensor.new_zeros", arr(2), 2, 3, method=True, errors=((-1,),)),
    from_input("Tensor.new_ones", arr(2), (3,), dtype=False, method=True, variant="self dtype"),
    from_input("Tensor.new_ones", arr(2), 2, 2, method=True),
    from_input("Tensor.new_full", arr(2), (2, 2), 3.5, method=True, errors=((2, 1.0),)),
    from_input("Tensor.new_tensor", arr(2), [[1, 2], [3, 4]], method=True),
    from_input(
        "Tensor.new_tensor", arr(2), [1.5, 2.5], dtype=False, method=True, variant="self dtype"
    ),
]
