"""Checking gradients against finite differences: `gradcheck` and `gradgradcheck`.

Each input element is moved by ``eps`` in both directions, the outputs are differenced (central
differences, best done in float64), and the Jacobian found this way is compared with the one the
backward pass gives, one output element at a time.
"""

from __future__ import annotations

import warnings

import numpy as np


class GradcheckError(RuntimeError):
    """Raised by `gradcheck` and `gradgradcheck` when gradients do not match."""


def _tensor_cls():
    from .._tensor import Tensor

    return Tensor


def _as_tuple(x) -> tuple:
    if isinstance(x, (tuple, list)):
        return tuple(x)
    return (x,)


def _differentiable_outputs(outputs) -> list:
    Tensor = _tensor_cls()
    return [o for o in _as_tuple(outputs) if isinstance(o, Tensor) and o._requires_grad]


def _numerical_jacobian(func, inputs, targets, outputs, eps):
    """``J[i][o]``: d outputs[o] / d targets[i] as an (input numel, output numel) float64 array."""
    jac = [[np.zeros((t._data.size, o._data.size)) for o in outputs] for t in targets]
    # the data is perturbed in place behind autograd's back (no version bump); func runs with
    # grad mode as the caller has it, since gradgradcheck's func itself calls autograd.grad
    for i, t in enumerate(targets):
        data = t._data
        for j in range(data.size):
            idx = np.unravel_index(j, data.shape)
            orig = data[idx].copy()
            data[idx] = orig - eps
            minus = [np.array(o._data, dtype=np.float64) for o in _eval(func, inputs)]
            data[idx] = orig + eps
            plus = [np.array(o._data, dtype=np.float64) for o in _eval(func, inputs)]
            data[idx] = orig
            for k in range(len(outputs)):
                jac[i][k][j] = ((plus[k] - minus[k]) / (2 * eps)).reshape(-1)
    return jac


def _eval(func, inputs) -> list:
    Tensor = _tensor_cls()
    outs = _as_tuple(func(*inputs))
    return [o for o in outs if isinstance(o, Tensor) and o._data.dtype.kind in "fc"]


def _analytical_jacobian(targets, outputs):
    """``J[i][o]`` from backward: one call of autograd.grad per output element."""
    from .. import ops
    from . import grad

    jac = [[np.zeros((t._data.size, o._data.size)) for o in outputs] for t in targets]
    for k, out in enumerate(outputs):
        for m in range(out._data.size):
            onehot = ops.zeros_like(out)
            onehot._data[np.unravel_index(m, out._data.shape)] = 1
            grads = grad(out, targets, onehot, retain_graph=True, allow_unused=True)
            for i, g in enumerate(grads):
                if g is not None:
                    jac[i][k][:, m] = np.asarray(g._data, dtype=np.float64).reshape(-1)
    return jac


def _fail(message: str, raise_exception: bool) -> bool:
    if raise_exception:
        raise GradcheckError(message)
    return False


def gradcheck(
    func,
    inputs,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    nondet_tol: float = 0.0,
    check_undefined_grad: bool = True,
    check_grad_dtypes: bool = False,
    check_batched_grad: bool = False,
    check_batched_forward_grad: bool = False,
    check_forward_ad: bool = False,
    check_backward_ad: bool = True,
    fast_mode: bool = False,
    masked=None,
) -> bool:
    """Compare the backward Jacobian of ``func`` at ``inputs`` with central finite differences.

    Returns True, or raises `GradcheckError` (False with ``raise_exception=False``) naming the
    first output/input pair that does not match: ``|analytical - numerical| <= atol +
    rtol * |numerical|`` must hold for every entry. The extra torch flags are accepted.
    """
    Tensor = _tensor_cls()
    inputs = _as_tuple(inputs)
    targets = [t for t in inputs if isinstance(t, Tensor) and t._requires_grad]
    if not targets:
        raise ValueError(
            "gradcheck expects at least one input tensor to require gradient, but none of the "
            "them have requires_grad=True."
        )
    for i, t in enumerate(inputs):
        if isinstance(t, Tensor) and t._requires_grad and t._data.dtype != np.float64:
            warnings.warn(
                f"Input #{i} requires gradient and is not a double precision floating point or "
                "complex. This check will likely fail if all the inputs are not of double "
                "precision floating point or complex.",
                UserWarning,
                stacklevel=2,
            )
    outputs = _differentiable_outputs(func(*inputs))
    if not outputs:
        return True
    numerical = _numerical_jacobian(func, inputs, targets, outputs, eps)
    analytical = _analytical_jacobian(targets, outputs)
    for i in range(len(targets)):
        for k in range(len(outputs)):
            a, n = analytical[i][k], numerical[i][k]
            if not np.all(np.abs(a - n) <= atol + rtol * np.abs(n)):
                return _fail(
                    f"Jacobian mismatch for output {k} with respect to input {i},\n"
                    f"numerical:{n}\nanalytical:{a}\n",
                    raise_exception,
                )
    return True


def gradgradcheck(
    func,
    inputs,
    grad_outputs=None,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    gen_non_contig_grad_outputs: bool = False,
    raise_exception: bool = True,
    nondet_tol: float = 0.0,
    check_undefined_grad: bool = True,
    check_grad_dtypes: bool = False,
    check_batched_grad: bool = False,
    check_fwd_over_rev: bool = False,
    check_rev_over_rev: bool = True,
    fast_mode: bool = False,
    masked=None,
) -> bool:
    """Check second derivatives: `gradcheck` of the map (inputs, v) -> vᵀ·J(inputs).

    ``grad_outputs`` (v) defaults to random float64 tensors shaped like the outputs.
    """
    from .. import ops
    from . import grad

    Tensor = _tensor_cls()
    inputs = _as_tuple(inputs)
    outputs = _differentiable_outputs(func(*inputs))
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = tuple(
            ops.tensor(rng.standard_normal(o._data.shape).astype(o._data.dtype), requires_grad=True)
            for o in outputs
        )
    else:
        grad_outputs = _as_tuple(grad_outputs)
    n_in = len(inputs)

    def first_grads(*args):
        ins, vs = args[:n_in], args[n_in:]
        outs = _differentiable_outputs(func(*ins))
        targets = [t for t in ins if isinstance(t, Tensor) and t._requires_grad]
        grads = grad(outs, targets, vs, create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(
        first_grads,
        inputs + tuple(grad_outputs),
        eps=eps,
        atol=atol,
        rtol=rtol,
        raise_exception=raise_exception,
    )
