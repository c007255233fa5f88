"""Higher-level differentiation of functions: `vjp`, `jvp`, `jacobian`, `hessian`, `hvp`, `vhp`.

Everything is built from reverse mode (`autograd.grad`). A Jacobian-vector product uses the
double-backward trick: ``u -> vjp(u) = uᵀJ`` is linear in ``u``, so its own vjp with ``v`` is
``J v``. ``vectorize`` and ``strategy`` are accepted for torch compatibility; the results are
the same.
"""

from __future__ import annotations

from .grad_mode import enable_grad


def _tensor_cls():
    from .._tensor import Tensor

    return Tensor


def _as_tuple(x, arg_name: str, fn_name: str):
    """``(is_tuple, tuple_of_tensors)``; TypeError when something is not a Tensor."""
    Tensor = _tensor_cls()
    is_tuple = isinstance(x, (tuple, list))
    items = tuple(x) if is_tuple else (x,)
    for i, item in enumerate(items):
        if not isinstance(item, Tensor):
            where = f"{arg_name}[{i}]" if is_tuple else arg_name
            raise TypeError(
                f"The {where} given to {fn_name} must be either a Tensor or a tuple of Tensors "
                f"but the value at index {i} has type {type(item).__name__}."
            )
    return is_tuple, items


def _prepare(inputs, create_graph: bool):
    """Fresh tensors requiring grad; with create_graph they stay connected to the caller's graph."""
    out = []
    for x in inputs:
        if create_graph and x._requires_grad:
            out.append(x.view_as(x))
        else:
            out.append(x.detach().requires_grad_(True))
    return tuple(out)


def _finish(values, create_graph: bool):
    if create_graph:
        return values
    return tuple(None if v is None else v.detach() for v in values)


def _fill_none(grads, refs, strict: bool, what: str):
    from .. import ops

    out = []
    for i, (g, ref) in enumerate(zip(grads, refs)):
        if g is None:
            if strict:
                raise RuntimeError(
                    f"The {what} for input {i} is independent of the input. This is not "
                    "allowed in strict mode."
                )
            g = ops.zeros_like(ref)
        out.append(g)
    return tuple(out)


def _grad(outputs, inputs, grad_outputs, create_graph: bool):
    from . import grad

    outs, ins, gos = [], [], []
    for o, g in zip(outputs, grad_outputs):
        if o._requires_grad:
            outs.append(o)
            gos.append(g)
    if not outs:
        return (None,) * len(inputs)
    live = [x for x in inputs if x._requires_grad]
    grads = iter(grad(outs, live, gos, create_graph=create_graph, allow_unused=True))
    for x in inputs:
        ins.append(next(grads) if x._requires_grad else None)
    return tuple(ins)


def _check_v(v, outputs, fn_name: str, what: str):
    if v is None:
        if len(outputs) != 1 or outputs[0].numel() != 1:
            raise RuntimeError(
                f"The vector v can only be None if the {what} is a single Tensor with a single "
                "element."
            )
        from .. import ops

        return (ops.ones_like(outputs[0]),)
    _, vs = _as_tuple(v, "v", fn_name)
    if len(vs) != len(outputs):
        raise RuntimeError(
            f"v is a tuple of invalid length: should be {len(outputs)} but got {len(vs)}."
        )
    for i, (a, b) in enumerate(zip(vs, outputs)):
        if a.shape != b.shape:
            raise RuntimeError(
                f"Entry {i} in v has invalid size: should be {b.shape} but got {a.shape}."
            )
    return vs


def vjp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """``(func(inputs), vᵀ·J)``: the vector-Jacobian product at ``inputs``."""
    is_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
    with enable_grad():
        inputs = _prepare(inputs, create_graph)
        out_tuple, outputs = _as_tuple(
            func(*inputs), "outputs of the user-provided function", "vjp"
        )
        vs = _check_v(v, outputs, "vjp", "user-provided function returns")
        grads = _grad(outputs, inputs, vs, create_graph)
    grads = _fill_none(grads, inputs, strict, "output")
    outputs = _finish(outputs, create_graph)
    grads = _finish(grads, create_graph)
    return (outputs if out_tuple else outputs[0]), (grads if is_tuple else grads[0])


def jvp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """``(func(inputs), J·v)``: the Jacobian-vector product, by the double-backward trick."""
    from .. import ops

    is_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
    if v is None:
        if len(inputs) != 1 or inputs[0].numel() != 1:
            raise RuntimeError(
                "The vector v can only be None if the input to the user-provided function is a "
                "single Tensor with a single element."
            )
        vs = (ops.ones_like(inputs[0]),)
    else:
        vs = _check_v(v, inputs, "jvp", "input")
    with enable_grad():
        inputs = _prepare(inputs, create_graph)
        out_tuple, outputs = _as_tuple(
            func(*inputs), "outputs of the user-provided function", "jvp"
        )
        us = tuple(ops.zeros_like(o).requires_grad_(True) for o in outputs)
        grads = _grad(outputs, inputs, us, create_graph=True)
        grads = _fill_none(grads, inputs, strict, "output")
        live = [(g, w) for g, w in zip(grads, vs) if g._requires_grad]
        if live:
            from . import grad

            jv = grad(
                [g for g, _ in live],
                us,
                [w for _, w in live],
                create_graph=create_graph,
                allow_unused=True,
            )
        else:
            jv = (None,) * len(us)
    jv = _fill_none(jv, outputs, strict, "jvp")
    outputs = _finish(outputs, create_graph)
    jv = _finish(jv, create_graph)
    return (outputs if out_tuple else outputs[0]), (jv if out_tuple else jv[0])


def jacobian(
    func,
    inputs,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    strategy: str = "reverse-mode",
):
    """The Jacobian of ``func`` at ``inputs``: entry ``[o][i]`` has shape out.shape + in.shape.

    One backward per output element. A single input and a single output give one Tensor; a
    tuple on either side gives a tuple (of tuples, output-major, when both are tuples).
    """
    from .. import ops
    from . import grad

    if strategy not in ("reverse-mode", "forward-mode"):
        raise ValueError(
            'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
            'function has more outputs than inputs, "forward-mode" tends to be more performant. '
            'Otherwise, prefer to use "reverse-mode".'
        )
    is_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
    with enable_grad():
        inputs = _prepare(inputs, create_graph)
        out_tuple, outputs = _as_tuple(
            func(*inputs), "outputs of the user-provided function", "jacobian"
        )
        live = [x for x in inputs if x._requires_grad]
        jac = []
        for k, out in enumerate(outputs):
            rows = [[] for _ in inputs]
            flat = out.reshape(-1)
            for m in range(flat.numel()):
                grads = None
                if flat._requires_grad:
                    grads = grad(
                        flat[m],
                        live,
                        retain_graph=True,
                        create_graph=create_graph,
                        allow_unused=True,
                    )
                for i, x in enumerate(inputs):
                    g = grads[i] if grads is not None else None
                    if g is None:
                        if strict:
                            raise RuntimeError(
                                f"Output {k} of the user-provided function is independent of "
                                f"input {i}. This is not allowed in strict mode."
                            )
                        g = ops.zeros_like(x)
                    rows[i].append(g)
            per_input = []
            for i, x in enumerate(inputs):
                if rows[i]:
                    block = ops.stack(rows[i]).reshape(tuple(out.shape) + tuple(x.shape))
                else:
                    block = ops.zeros(tuple(out.shape) + tuple(x.shape), dtype=x.dtype)
                per_input.append(block)
            jac.append(_finish(tuple(per_input), create_graph))
    if out_tuple and is_tuple:
        return tuple(jac)
    if out_tuple:
        return tuple(j[0] for j in jac)
    if is_tuple:
        return jac[0]
    return jac[0][0]


def hessian(
    func,
    inputs,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    outer_jacobian_strategy: str = "reverse-mode",
):
    """The Hessian of a scalar ``func``: shape in.shape + in.shape (a tuple of tuples for
    several inputs)."""
    is_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")

    def gradient(*args):
        out = func(*args)
        _, outs = _as_tuple(out, "outputs of the user-provided function", "hessian")
        if len(outs) != 1 or outs[0].numel() != 1:
            raise RuntimeError(
                "The function given to hessian should return a single Tensor with a single element"
            )
        return jacobian(func, args, create_graph=True, strict=strict)

    result = jacobian(gradient, inputs, create_graph=create_graph, strict=strict)
    return result if is_tuple else result[0][0]


def vhp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """``(func(inputs), vᵀ·H)`` for a scalar ``func``."""
    is_tuple, inputs = _as_tuple(inputs, "inputs", "vhp")
    vs = _vector_for_inputs(v, inputs, "vhp")
    with enable_grad():
        inputs = _prepare(inputs, create_graph)
        output = _scalar_output(func(*inputs), "vhp")
        jac = _fill_none(_grad((output,), inputs, (_ones(output),), True), inputs, strict, "output")
        result = _grad(jac, inputs, vs, create_graph)
    result = _fill_none(result, inputs, strict, "vhp")
    return _finish((output,), create_graph)[0], _pack(_finish(result, create_graph), is_tuple)


def hvp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """``(func(inputs), H·v)`` for a scalar ``func`` (the double-backward trick)."""
    from .. import ops

    is_tuple, inputs = _as_tuple(inputs, "inputs", "hvp")
    vs = _vector_for_inputs(v, inputs, "hvp")
    with enable_grad():
        inputs = _prepare(inputs, create_graph)
        output = _scalar_output(func(*inputs), "hvp")
        jac = _fill_none(_grad((output,), inputs, (_ones(output),), True), inputs, strict, "output")
        us = tuple(ops.zeros_like(x).requires_grad_(True) for x in inputs)
        back = _fill_none(_grad(jac, inputs, us, True), inputs, strict, "hvp")
        result = _grad(back, us, vs, create_graph)
    result = _fill_none(result, inputs, strict, "hvp")
    return _finish((output,), create_graph)[0], _pack(_finish(result, create_graph), is_tuple)


def _ones(t):
    from .. import ops

    return ops.ones_like(t)


def _pack(values, is_tuple: bool):
    return values if is_tuple else values[0]


def _scalar_output(out, fn_name: str):
    _, outs = _as_tuple(out, "outputs of the user-provided function", fn_name)
    if len(outs) != 1 or outs[0].numel() != 1:
        raise RuntimeError(
            f"The function given to {fn_name} should return a single Tensor with a single element"
        )
    return outs[0]


def _vector_for_inputs(v, inputs, fn_name: str):
    from .. import ops

    if v is None:
        if len(inputs) != 1 or inputs[0].numel() != 1:
            raise RuntimeError(
                "The vector v can only be None if the input to the user-provided function is a "
                "single Tensor with a single element."
            )
        return (ops.ones_like(inputs[0]),)
    return _check_v(v, inputs, fn_name, "input")


__all__ = ["hessian", "hvp", "jacobian", "jvp", "vhp", "vjp"]
