"""Automatic differentiation: `backward`, `grad`, grad modes, custom `Function`, checks."""

from __future__ import annotations

from . import engine, function, functional, grad_mode
from .anomaly_mode import (
    detect_anomaly,
    is_anomaly_check_nan_enabled,
    is_anomaly_enabled,
    set_anomaly_enabled,
    set_detect_anomaly,
)
from .function import Function, FunctionCtx, once_differentiable
from .grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from .gradcheck import GradcheckError, gradcheck, gradgradcheck


def _as_tuple(x):
    from .._tensor import Tensor

    if x is None:
        return None
    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def _make_grads(outputs, grad_outputs, is_grads_batched=False):
    from .. import ops
    from .._tensor import Tensor

    grads = []
    for i, out in enumerate(outputs):
        if not out._requires_grad:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn"
            )
        g = grad_outputs[i] if grad_outputs is not None else None
        if g is None:
            if out._requires_grad and out._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if not (out.is_floating_point() or out.is_complex()):
                raise RuntimeError(
                    "grad can be implicitly created only for real scalar outputs but got "
                    f"{out.dtype}"
                )
            g = ops.ones_like(out)
        elif not isinstance(g, Tensor):
            g = ops.tensor(g, dtype=out.dtype)
        elif g.shape != out.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and output[{i}] "
                f"has a shape of {out.shape}."
            )
        elif g._data.dtype != out._data.dtype and g.is_floating_point():
            g = g.to(out.dtype)  # as torch: the gradient takes its output's dtype
        grads.append(g)
    return grads


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate gradients of ``tensors`` into the leaves of their graph (or ``inputs``)."""
    tensors = _as_tuple(tensors)
    grad_tensors = _as_tuple(grad_tensors)
    if retain_graph is None:
        retain_graph = create_graph
    if inputs is not None:
        inputs = _as_tuple(inputs)
        if len(inputs) == 0:
            raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    grads = _make_grads(tensors, grad_tensors)
    engine.run_backward(
        tensors,
        grads,
        retain_graph,
        create_graph,
        inputs=inputs,
        allow_unused=True,
        accumulate=True,
    )


def grad(
    outputs,
    inputs,
    grad_outputs=None,
    retain_graph=None,
    create_graph=False,
    only_inputs=True,
    allow_unused=None,
    is_grads_batched=False,
    materialize_grads=False,
):
    """The gradients of ``outputs`` with respect to ``inputs``, returned rather than stored."""
    from .. import ops

    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    if not inputs:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    grad_outputs = _as_tuple(grad_outputs)
    if allow_unused is None:
        allow_unused = materialize_grads
    if retain_graph is None:
        retain_graph = create_graph
    for t in inputs:
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    if is_grads_batched:
        return _batched_grad(
            outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused
        )
    grads = _make_grads(outputs, grad_outputs)
    result = engine.run_backward(
        outputs,
        grads,
        retain_graph,
        create_graph,
        inputs=inputs,
        allow_unused=allow_unused,
        accumulate=False,
    )
    if materialize_grads:
        result = [ops.zeros_like(t) if r is None else r for r, t in zip(result, inputs)]
    return tuple(result)


def _batched_grad(outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused):
    """``grad`` for each slice along dim 0 of every grad_output, stacked (is_grads_batched)."""
    from .. import ops

    if grad_outputs is None or any(g is None for g in grad_outputs):
        raise RuntimeError("is_grads_batched=True requires every grad_output to be given")
    batch = grad_outputs[0].shape[0]
    rows = []
    for i in range(batch):
        rows.append(
            grad(
                outputs,
                inputs,
                tuple(g[i] for g in grad_outputs),
                retain_graph=True if i < batch - 1 else retain_graph,
                create_graph=create_graph,
                allow_unused=allow_unused,
            )
        )
    stacked = []
    for j, t in enumerate(inputs):
        column = [row[j] for row in rows]
        if all(c is None for c in column):
            stacked.append(None)
        else:
            column = [ops.zeros_like(t) if c is None else c for c in column]
            stacked.append(ops.stack(column))
    return tuple(stacked)


__all__ = [
    "Function",
    "FunctionCtx",
    "GradcheckError",
    "backward",
    "detect_anomaly",
    "enable_grad",
    "engine",
    "function",
    "functional",
    "grad",
    "grad_mode",
    "gradcheck",
    "gradgradcheck",
    "inference_mode",
    "is_anomaly_check_nan_enabled",
    "is_anomaly_enabled",
    "set_anomaly_enabled",
    "is_grad_enabled",
    "is_inference_mode_enabled",
    "no_grad",
    "once_differentiable",
    "set_detect_anomaly",
    "set_grad_enabled",
]
