"""Custom ``autograd.Function``: saved tensors, needs_input_grad, non-differentiable and dirty
outputs, materialized grads, once_differentiable, setup_context; compared with torch."""

from __future__ import annotations

import torch
from compare import assert_same, leaf, raises_same

import ember

# ---- custom autograd.Function --------------------------------------------------------------


def _custom_functions(lib):
    class Cube(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, scale):
            ctx.save_for_backward(x)
            ctx.scale = scale
            return x**3 * scale

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 3 * x**2 * ctx.scale, None

    class SplitSign(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            idx = (x > 0).long()
            ctx.mark_non_differentiable(idx)
            return x * 2, idx

        @staticmethod
        def backward(ctx, grad, grad_idx):
            return grad * 2

    class Once(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @lib.autograd.function.once_differentiable
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return 2 * x * grad

    return Cube, SplitSign, Once


def test_custom_function_forward_backward_and_double_backward():
    def f(lib):
        Cube, _, _ = _custom_functions(lib)
        x = leaf(lib, [1.0, -2.0])
        y = Cube.apply(x, 2.0)
        assert type(y.grad_fn).__name__ == "CubeBackward"
        (g,) = lib.autograd.grad(y.sum(), x, create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), x)
        return y, g, gg

    assert_same(f)


def test_custom_function_needs_input_grad():
    def f(lib):
        seen = []

        class Mul(lib.autograd.Function):
            @staticmethod
            def forward(ctx, a, b, k):
                ctx.save_for_backward(a, b)
                return a * b * k

            @staticmethod
            def backward(ctx, grad):
                seen.append(ctx.needs_input_grad)
                a, b = ctx.saved_tensors
                ga = grad * b if ctx.needs_input_grad[0] else None
                gb = grad * a if ctx.needs_input_grad[1] else None
                return ga, gb, None

        a = leaf(lib, [1.0, 2.0])
        b = lib.tensor([3.0, 4.0], dtype=lib.float64)
        Mul.apply(a, b, 2).sum().backward()
        return a.grad, seen

    assert_same(f)


def test_custom_function_mark_non_differentiable():
    def f(lib):
        _, SplitSign, _ = _custom_functions(lib)
        x = leaf(lib, [1.0, -2.0])
        y, idx = SplitSign.apply(x)
        assert not idx.requires_grad and y.requires_grad
        (y * 3).sum().backward()
        return y, idx, x.grad

    assert_same(f)


def test_custom_function_materialize_grads():
    def f(lib, materialize):
        seen = []

        class Two(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.set_materialize_grads(materialize)
                return x * 2, x * 3

            @staticmethod
            def backward(ctx, g1, g2):
                seen.append((g1 is None, g2 is None))
                total = 0
                if g1 is not None:
                    total = total + g1 * 2
                if g2 is not None:
                    total = total + g2 * 3
                return total

        x = leaf(lib, [1.0, 2.0])
        a, _ = Two.apply(x)
        a.sum().backward()
        return x.grad, seen

    for materialize in (True, False):
        assert_same(lambda lib, m=materialize: f(lib, m))


def test_custom_function_mark_dirty():
    def f(lib):
        class AddOne(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                x.add_(1)
                ctx.mark_dirty(x)
                return x

            @staticmethod
            def backward(ctx, grad):
                return grad

        x = leaf(lib, [1.0, 2.0])
        h = x * 2
        out = AddOne.apply(h)
        assert out is h
        assert type(h.grad_fn).__name__ == "AddOneBackward"
        (out * out).sum().backward()
        return h, x.grad

    assert_same(f)


def test_once_differentiable_first_order_ok_double_backward_raises():
    def first(lib):
        _, _, Once = _custom_functions(lib)
        x = leaf(lib, [1.0, 2.0])
        Once.apply(x).sum().backward()
        return x.grad

    assert_same(first)

    def double(lib):
        _, _, Once = _custom_functions(lib)
        x = leaf(lib, [1.0, 2.0])
        (g,) = lib.autograd.grad((Once.apply(x) ** 2).sum(), x, create_graph=True)
        assert g.requires_grad
        g.sum().backward()

    excs = raises_same(double)
    assert "once_differentiable" in str(excs[1])


def test_custom_function_wrong_number_of_grads_raises():
    def f(lib):
        class Bad(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, grad):
                return grad, grad

        Bad.apply(leaf(lib, [1.0])).sum().backward()

    raises_same(f)


def test_custom_function_without_grad_mode_does_not_record():
    for lib in (torch, ember):
        Cube, _, _ = _custom_functions(lib)
        x = leaf(lib, [1.0])
        with lib.no_grad():
            y = Cube.apply(x, 1.0)
        assert not y.requires_grad and y.grad_fn is None


def test_custom_function_returning_input_unchanged():
    def f(lib):
        class Ident(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x

            @staticmethod
            def backward(ctx, grad):
                return grad * 5

        x = leaf(lib, [1.0, 2.0])
        y = Ident.apply(x)
        assert y is not x and not y.is_leaf
        y.sum().backward()
        return x.grad

    assert_same(f)


def test_custom_function_with_setup_context():
    def f(lib):
        class Scale(lib.autograd.Function):
            @staticmethod
            def forward(x, k):
                return x * k

            @staticmethod
            def setup_context(ctx, inputs, output):
                ctx.k = inputs[1]
                ctx.save_for_backward(inputs[0])

            @staticmethod
            def backward(ctx, grad):
                (x,) = ctx.saved_tensors
                return grad * ctx.k + x * 0, None

        x = leaf(lib, [1.0, -2.0])
        y = Scale.apply(x, 3.0)
        y.sum().backward()
        return y, x.grad

    assert_same(f)


def _returning(lib, make_grads, n_inputs=1):
    class Returning(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, *rest):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return make_grads(lib, grad)

    return Returning


def test_custom_function_gradients_are_checked_like_torch():
    def broadcast(lib):
        x = leaf(lib, [1.0, 2.0])
        _returning(lib, lambda L, g: L.ones(3, 2, dtype=L.float64)).apply(x).sum().backward()
        return x.grad

    def other_dtype(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        _returning(lib, lambda L, g: g.double()).apply(x).sum().backward()
        return str(x.grad.dtype), x.grad

    assert_same(broadcast)
    assert_same(other_dtype)
    excs = raises_same(
        lambda lib: (
            _returning(lib, lambda L, g: L.ones(3, dtype=L.float64))
            .apply(leaf(lib, [1.0, 2.0]))
            .sum()
            .backward()
        )
    )
    assert "returned an invalid gradient at index 0" in str(excs[1])
    excs = raises_same(
        lambda lib: (
            _returning(lib, lambda L, g: (g, g)).apply(leaf(lib, [1.0]), 2.0).sum().backward()
        )
    )
    assert "corresponding forward input was not a Variable" in str(excs[1])
