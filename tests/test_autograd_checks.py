"""``autograd.gradcheck``/``gradgradcheck`` and ``autograd.functional`` (jacobian, hessian,
vjp, jvp, hvp, vhp), compared with torch's."""

from __future__ import annotations

from importlib import import_module

import numpy as np
import pytest
import torch
from compare import LIBS, assert_same, raises_same

import ember

# ---- gradcheck / gradgradcheck -------------------------------------------------------------


def _double(lib, *shape, seed=0):
    data = np.random.default_rng(seed).uniform(0.5, 1.5, shape)
    return lib.tensor(data, dtype=lib.float64, requires_grad=True)


def _bad_backward(lib):
    class Wrong(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * x

        @staticmethod
        def backward(ctx, grad):
            return grad * 3.0

    return Wrong


@LIBS
def test_gradcheck_passes_on_correct_gradients(lib):
    x, y = _double(lib, 3), _double(lib, 2, 3, seed=1)
    assert lib.autograd.gradcheck(lambda a, b: (a.exp() * b, (a * b).sum()), (x, y))
    assert lib.autograd.gradcheck(lambda a: a.sin().sum(), x)
    assert lib.autograd.gradgradcheck(lambda a, b: a.exp() * b.tanh(), (x, y))


@LIBS
def test_gradcheck_detects_wrong_backward(lib):

    error = import_module(f"{lib.__name__}.autograd.gradcheck").GradcheckError
    assert issubclass(error, RuntimeError)
    wrong = _bad_backward(lib)
    x = _double(lib, 3)
    with pytest.raises(error, match="Jacobian mismatch for output 0 with respect to input 0"):
        lib.autograd.gradcheck(wrong.apply, (x,))
    assert lib.autograd.gradcheck(wrong.apply, (x,), raise_exception=False) is False


@LIBS
def test_gradgradcheck_detects_once_differentiable_and_wrong_double(lib):
    class WrongDouble(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x**3

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 3 * x.detach() ** 2  # detached: second derivative lost

    x = _double(lib, 3)
    assert lib.autograd.gradcheck(WrongDouble.apply, (x,))
    assert lib.autograd.gradgradcheck(WrongDouble.apply, (x,), raise_exception=False) is False


@LIBS
def test_gradcheck_needs_an_input_requiring_grad(lib):
    with pytest.raises(ValueError):
        lib.autograd.gradcheck(lambda a: a * 2, (lib.ones(2, dtype=lib.float64),))


# ---- autograd.functional -------------------------------------------------------------------


def _arg(lib, seed, *shape):
    data = np.random.default_rng(seed).uniform(-1, 1, shape)
    return lib.tensor(data, dtype=lib.float64)


def test_functional_jacobian_structures():
    def f(lib):
        AF = lib.autograd.functional
        a, b = _arg(lib, 0, 3), _arg(lib, 1, 2)
        single = AF.jacobian(lambda x: x**2 * x.sum(), a)
        multi_in = AF.jacobian(lambda x, y: x * y.sum(), (a, b))
        multi_out = AF.jacobian(lambda x: (x.exp(), x.sum()), a)
        both_ = AF.jacobian(lambda x, y: (x * y.sum(), x.exp() - y[:1]), (a, b))
        matrix = AF.jacobian(lambda m: m @ m, _arg(lib, 2, 2, 2))
        vectorized = AF.jacobian(lambda x: x.sin(), a, vectorize=True)
        return single, multi_in, multi_out, both_, matrix, vectorized

    assert_same(f)


def test_functional_jacobian_strict_and_unused():
    def unused(lib):
        AF = lib.autograd.functional
        return AF.jacobian(lambda x, y: x * 2, (_arg(lib, 0, 2), _arg(lib, 1, 3)))

    assert_same(unused)
    raises_same(
        lambda lib: lib.autograd.functional.jacobian(
            lambda x, y: x * 2, (_arg(lib, 0, 2), _arg(lib, 1, 3)), strict=True
        )
    )


def test_functional_jacobian_create_graph():
    def f(lib):
        x = _arg(lib, 0, 3).requires_grad_()
        jac = lib.autograd.functional.jacobian(lambda a: a**3, x, create_graph=True)
        assert jac.requires_grad
        (g,) = lib.autograd.grad(jac.sum(), x)
        return jac, g

    assert_same(f)


def test_functional_hessian():
    def f(lib):
        AF = lib.autograd.functional
        a, b = _arg(lib, 0, 3), _arg(lib, 1, 2)
        h1 = AF.hessian(lambda x: (x**3).sum() * x.sum(), a)
        h2 = AF.hessian(lambda x, y: x.exp().sum() * y.sin().sum(), (a, b))
        return h1, h2

    assert_same(f)


def test_functional_vjp_jvp_hvp_vhp():
    def f(lib):
        AF = lib.autograd.functional
        a, b = _arg(lib, 0, 3), _arg(lib, 1, 2)
        va, vb = _arg(lib, 2, 3), _arg(lib, 3, 2)
        scalar = lambda x: (x**3).sum() * x.sum()  # noqa: E731
        pair = lambda x, y: (x * y.sum(), x.exp())  # noqa: E731
        return (
            AF.vjp(lambda x: x.sin() * x, a, va),
            AF.vjp(scalar, a),
            AF.vjp(pair, (a, b), (va, va)),
            AF.jvp(lambda x: x.sin() * x, a, va),
            AF.jvp(pair, (a, b), (va, vb)),
            AF.hvp(scalar, a, va),
            AF.vhp(scalar, a, va),
            AF.hvp(lambda x, y: x.exp().sum() * y.sin().sum(), (a, b), (va, vb)),
            AF.vhp(lambda x, y: x.exp().sum() * y.sin().sum(), (a, b), (va, vb)),
        )

    assert_same(f)


def test_functional_errors():
    raises_same(lambda lib: lib.autograd.functional.vjp(lambda x: x * 2, _arg(lib, 0, 3)))
    raises_same(
        lambda lib: lib.autograd.functional.vjp(lambda x: x * 2, _arg(lib, 0, 3), _arg(lib, 0, 2))
    )
    raises_same(lambda lib: lib.autograd.functional.hessian(lambda x: x * 2, _arg(lib, 0, 3)))
    raises_same(lambda lib: lib.autograd.functional.jacobian(lambda x: x * 2, [1.0, 2.0]))


def test_functional_outputs_detached_unless_create_graph():
    for lib in (torch, ember):
        x = _arg(lib, 0, 3).requires_grad_()
        out, v = lib.autograd.functional.vjp(lambda a: a * 2, x, _arg(lib, 1, 3))
        assert not out.requires_grad and not v.requires_grad
