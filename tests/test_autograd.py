"""The autograd engine and its public API (backward, autograd.grad, leaves, hooks, grad modes,
anomaly mode), each behaviour run in ember and in torch."""

from __future__ import annotations

import gc
import warnings

import numpy as np
import pytest
import torch
from compare import LIBS, assert_same, leaf, plain, raises_same

import ember

# ---- backward(gradient, retain_graph, create_graph, inputs) ---------------------------------


def test_backward_scalar_and_gradient_argument():
    def f(lib):
        x = leaf(lib, [1.0, 2.0, 3.0])
        (x * x).sum().backward()
        y = leaf(lib, [1.0, -2.0])
        (y**3).backward(lib.tensor([0.5, 2.0], dtype=lib.float64))
        return x.grad, y.grad

    assert_same(f)


def test_backward_non_scalar_without_gradient_raises():
    excs = raises_same(lambda lib: (leaf(lib, [1.0, 2.0]) * 2).backward())
    assert "scalar outputs" in str(excs[1])


def test_backward_gradient_shape_mismatch_raises():
    raises_same(lambda lib: (leaf(lib, [1.0, 2.0]) * 2).backward(lib.ones(3, dtype=lib.float64)))


def test_backward_on_tensor_without_grad_raises():
    excs = raises_same(lambda lib: lib.ones(2).sum().backward())
    assert "does not require grad" in str(excs[1])


def test_backward_twice_without_retain_graph_raises():
    def f(lib):
        x = leaf(lib, [1.0, 2.0])
        y = (x.exp() * x).sum()
        y.backward()
        y.backward()

    excs = raises_same(f)
    assert "backward through the graph a second time" in str(excs[1])


def test_backward_twice_with_retain_graph_accumulates():
    def f(lib):
        x = leaf(lib, [1.0, 2.0])
        y = (x.exp() * x).sum()
        y.backward(retain_graph=True)
        first = x.grad.clone()
        y.backward()
        return first, x.grad

    assert_same(f)


def test_gradient_accumulates_across_two_graphs():
    def f(lib):
        x = leaf(lib, [1.0, 2.0])
        (x * 3).sum().backward()
        (x * x).sum().backward()
        return x.grad

    assert_same(f)


def test_backward_inputs_restricts_accumulation():
    def f(lib):
        a = leaf(lib, [1.0, 2.0])
        b = leaf(lib, [3.0, 4.0])
        (a * b).sum().backward(inputs=[a])
        return a.grad, b.grad

    assert_same(f)


def test_backward_inputs_non_leaf():
    def f(lib):
        a = leaf(lib, [1.0, 2.0])
        h = a * 2
        (h * h).sum().backward(inputs=[h])
        return h.grad, a.grad

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_same(f)


def test_backward_empty_inputs_raises():
    raises_same(lambda lib: (leaf(lib, [1.0]) * 2).sum().backward(inputs=[]))


def test_create_graph_gives_differentiable_grad():
    def f(lib):
        x = leaf(lib, [1.0, 2.0])
        (x**3).sum().backward(create_graph=True)
        g = x.grad
        assert g.requires_grad
        (gg,) = lib.autograd.grad(g.sum(), x)
        return g, gg

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_same(f)


def test_autograd_backward_function_with_several_roots():
    def f(lib):
        x = leaf(lib, [1.0, 2.0])
        a = (x * 2).sum()
        b = x * x
        lib.autograd.backward([a, b], [None, lib.ones(2, dtype=lib.float64)])
        return x.grad

    assert_same(f)


def test_integer_output_cannot_create_implicit_grad():
    raises_same(lambda lib: leaf(lib, [1.0]).long().sum().backward())


# ---- autograd.grad -------------------------------------------------------------------------


def test_grad_returns_without_touching_dot_grad():
    def f(lib):
        x = leaf(lib, [1.0, 2.0])
        (g,) = lib.autograd.grad((x.sin() * x).sum(), x)
        return g, x.grad

    assert_same(f)


def test_grad_of_tuple_outputs_with_grad_outputs():
    def f(lib):
        x = leaf(lib, [1.0, 2.0])
        y = leaf(lib, [0.5, -1.0])
        outs = (x * y, x + y)
        gos = (lib.tensor([1.0, 2.0], dtype=lib.float64), lib.tensor([3.0, 4.0], dtype=lib.float64))
        return lib.autograd.grad(outs, (x, y), grad_outputs=gos)

    assert_same(f)


def test_grad_unused_input_raises_unless_allowed():
    def unused(lib):
        x, y = leaf(lib, [1.0]), leaf(lib, [2.0])
        lib.autograd.grad((x * 2).sum(), (x, y))

    excs = raises_same(unused)
    assert "allow_unused" in str(excs[1])

    def allowed(lib):
        x, y = leaf(lib, [1.0]), leaf(lib, [2.0])
        return lib.autograd.grad((x * 2).sum(), (x, y), allow_unused=True)

    assert_same(allowed)


def test_grad_materialize_grads():
    def f(lib):
        x, y = leaf(lib, [1.0]), leaf(lib, [2.0, 3.0])
        return lib.autograd.grad((x * 2).sum(), (x, y), materialize_grads=True)

    assert_same(f)


def test_grad_argument_errors():
    excs = raises_same(lambda lib: lib.autograd.grad((leaf(lib, [1.0]) * 2).sum(), []))
    assert "cannot be empty" in str(excs[1])
    excs = raises_same(lambda lib: lib.autograd.grad(lib.ones(2).sum(), leaf(lib, [1.0])))
    assert "does not require grad" in str(excs[1])
    excs = raises_same(lambda lib: lib.tensor([1, 2]).sum().backward())
    assert "does not require grad" in str(excs[1])


def test_grad_outputs_take_the_output_dtype():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        (g,) = lib.autograd.grad(x * 2, x, lib.ones(2, dtype=lib.float64))
        y = lib.tensor([1.0], requires_grad=True)
        (y * 3).backward(lib.tensor([2.0], dtype=lib.float64))
        return g, y.grad

    assert_same(f)


def test_grad_input_without_requires_grad_raises():
    def f(lib):
        x = leaf(lib, [1.0])
        lib.autograd.grad((x * 2).sum(), lib.ones(1))

    raises_same(f)


def test_grad_create_graph_second_and_third_order():
    def f(lib):
        x = leaf(lib, [0.3, 1.2])
        y = (x.sin() * x.exp()).sum()
        (g1,) = lib.autograd.grad(y, x, create_graph=True)
        (g2,) = lib.autograd.grad(g1.sum(), x, create_graph=True)
        (g3,) = lib.autograd.grad(g2.sum(), x)
        return g1, g2, g3

    assert_same(f)


def test_grad_retain_graph_allows_second_call():
    def f(lib):
        x = leaf(lib, [1.0, 2.0])
        y = (x.exp()).sum()
        a = lib.autograd.grad(y, x, retain_graph=True)
        b = lib.autograd.grad(y, x)
        return a, b

    assert_same(f)


def test_grad_wrt_non_leaf():
    def f(lib):
        x = leaf(lib, [1.0, 2.0])
        h = x.exp()
        y = (h * h).sum()
        return lib.autograd.grad(y, h)

    assert_same(f)


def test_grad_same_input_twice():
    def f(lib):
        x = leaf(lib, [1.0, 2.0])
        return lib.autograd.grad((x * x).sum(), (x, x))

    assert_same(f)


# ---- leaves, non-leaves, retain_grad -------------------------------------------------------


def test_leaf_rules():
    for lib in (torch, ember):
        a = lib.ones(2)
        assert a.is_leaf and not a.requires_grad and a.grad_fn is None
        b = lib.ones(2, requires_grad=True)
        assert b.is_leaf and b.requires_grad
        c = b * 2
        assert not c.is_leaf and c.requires_grad and c.grad_fn is not None
        assert type(c.grad_fn).__name__ == "MulBackward0"
        d = a * 2
        assert d.is_leaf and not d.requires_grad
        with lib.no_grad():
            e = b * 2
        assert e.is_leaf and not e.requires_grad


def test_non_leaf_grad_access_warns():
    for lib in (torch, ember):
        b = lib.ones(2, requires_grad=True)
        c = b * 2
        with pytest.warns(UserWarning, match="not a leaf Tensor"):
            assert c.grad is None


def test_retain_grad():
    def f(lib):
        x = leaf(lib, [1.0, 2.0])
        h = x * 3
        h.retain_grad()
        assert h.retains_grad
        (h * h).sum().backward()
        return h.grad, x.grad

    assert_same(f)


def test_retain_grad_accumulates_and_errors_without_grad():
    def f(lib):
        x = leaf(lib, [1.0, 2.0])
        h = x * 3
        h.retain_grad()
        y = (h * h).sum()
        y.backward(retain_graph=True)
        y.backward()
        return h.grad

    assert_same(f)
    raises_same(lambda lib: lib.ones(2).retain_grad())


def test_requires_grad_setter_rules():
    raises_same(lambda lib: setattr((leaf(lib, [1.0]) * 2), "requires_grad", False))
    raises_same(lambda lib: lib.ones(2, dtype=lib.int64).requires_grad_())
    for lib in (torch, ember):
        x = lib.ones(2)
        assert x.requires_grad_() is x and x.requires_grad
        x.requires_grad_(False)
        assert not x.requires_grad


def test_detach_shares_memory_and_leaves_graph():
    for lib in (torch, ember):
        x = leaf(lib, [1.0, 2.0])
        h = x * 2
        d = h.detach()
        assert d.is_leaf and not d.requires_grad and d.grad_fn is None
        d[0] = 10.0
        assert h[0].item() == 10.0
        # the shared version counter makes backward through the modified tensor fail
        y = h.sin().sum()  # sin saves its input, h
        d[1] = 3.0
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.backward()


def test_detach_inplace():
    for lib in (torch, ember):
        h = leaf(lib, [1.0]) * 2
        assert h.detach_() is h
        assert h.is_leaf and not h.requires_grad


def test_grads_of_two_leaves_are_not_shared():
    def f(lib):
        a = leaf(lib, [1.0, 2.0])
        b = leaf(lib, [3.0, 4.0])
        (a + b).sum().backward()
        a.grad.add_(100.0)
        return a.grad, b.grad

    assert_same(f)


def test_grad_not_aliasing_upstream_gradient():
    def f(lib):
        a = leaf(lib, [1.0, 2.0])
        up = lib.tensor([1.0, 1.0], dtype=lib.float64)
        (a * 1).backward(up)
        a.grad.mul_(5)
        return up, a.grad

    assert_same(f)


def test_grad_setter_checks():
    raises_same(lambda lib: setattr(leaf(lib, [1.0, 2.0]), "grad", lib.ones(3, dtype=lib.float64)))
    raises_same(lambda lib: setattr(leaf(lib, [1.0, 2.0]), "grad", 3.0))
    for lib in (torch, ember):
        x = leaf(lib, [1.0, 2.0])
        x.grad = lib.ones(2, dtype=lib.float64)
        (x * 2).sum().backward()
        np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])
        x.grad = None
        assert x.grad is None


# ---- hooks ---------------------------------------------------------------------------------


def test_leaf_hook_replaces_grad_and_can_be_removed():
    def f(lib):
        x = leaf(lib, [1.0, 2.0])
        seen = []
        handle = x.register_hook(lambda g: seen.append(g.clone()) or g * 10)
        (x * x).sum().backward()
        first = x.grad.clone()
        handle.remove()
        x.grad = None
        (x * x).sum().backward()
        return first, x.grad, seen

    assert_same(f)


def test_non_leaf_hook_changes_upstream_grads():
    def f(lib):
        x = leaf(lib, [1.0, 2.0])
        h = x * 3
        h.register_hook(lambda g: g + 1)
        h.register_hook(lambda g: g * 2)
        (h * h).sum().backward()
        return x.grad

    assert_same(f)


def test_hook_returning_none_keeps_grad_and_observes():
    def f(lib):
        x = leaf(lib, [1.0, 2.0])
        seen = []
        h = x.exp()
        h.register_hook(lambda g: seen.append(g.clone()))
        h.sum().backward()
        return x.grad, seen

    assert_same(f)


def test_hook_on_tensor_without_grad_raises():
    raises_same(lambda lib: lib.ones(2).register_hook(lambda g: g))


def test_hook_order_with_retain_grad():
    def f(lib):
        x = leaf(lib, [1.0, 2.0])
        h = x * 3
        h.retain_grad()
        h.register_hook(lambda g: g * 100)
        h.sum().backward()
        return h.grad, x.grad

    assert_same(f)


def test_post_accumulate_grad_hook():
    def f(lib):
        x = leaf(lib, [1.0, 2.0])
        seen = []
        x.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.clone()))
        (x * 4).sum().backward()
        return seen

    assert_same(f)


def test_node_hooks_and_prehooks():
    def f(lib):
        x = leaf(lib, [1.0, 2.0])
        y = x * x
        seen = []
        y.grad_fn.register_hook(lambda gi, go: seen.append(("post", len(gi), len(go))))
        y.grad_fn.register_prehook(lambda go: (go[0] * 2,))
        y.sum().backward()
        return x.grad, seen

    assert_same(f)


def test_node_hook_replaces_grad_inputs_and_removes():
    def f(lib):
        x = leaf(lib, [1.0, 2.0])
        y = x.exp()
        handle = y.grad_fn.register_hook(lambda gi, go: (gi[0] * 0 + 7,))
        y.sum().backward(retain_graph=True)
        first = x.grad.clone()
        handle.remove()
        x.grad = None
        y.sum().backward()
        return first, x.grad

    assert_same(f)


def test_next_functions_and_accumulate_grad():
    for lib in (torch, ember):
        x = leaf(lib, [1.0])
        y = x * 2 + 1
        fn = y.grad_fn
        assert type(fn).__name__ == "AddBackward0"
        mul = fn.next_functions[0][0]
        assert type(mul).__name__ == "MulBackward0"
        acc = mul.next_functions[0][0]
        assert type(acc).__name__ == "AccumulateGrad"
        assert acc.variable is x
        assert fn.name() == "AddBackward0"


# ---- grad modes ----------------------------------------------------------------------------


@LIBS
def test_grad_mode_contexts(lib):
    x = lib.ones(2, requires_grad=True)
    with lib.no_grad():
        assert not lib.is_grad_enabled()
        assert not (x * 2).requires_grad
        with lib.enable_grad():
            assert lib.is_grad_enabled()
            assert (x * 2).requires_grad
        assert not lib.is_grad_enabled()
    assert lib.is_grad_enabled()
    with lib.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert lib.is_grad_enabled()
    lib.set_grad_enabled(False)
    assert not lib.is_grad_enabled()
    lib.set_grad_enabled(True)
    assert lib.is_grad_enabled()
    with lib.inference_mode():
        assert lib.is_inference_mode_enabled()
        assert not lib.is_grad_enabled()
        assert not (x * 2).requires_grad
    with lib.inference_mode(False):
        assert not lib.is_inference_mode_enabled()
        assert (x * 2).requires_grad
    assert not lib.is_inference_mode_enabled()


@LIBS
def test_grad_mode_decorators(lib):
    x = lib.ones(2, requires_grad=True)

    @lib.no_grad()
    def called():
        return x * 2

    @lib.no_grad
    def bare():
        return x * 2

    @lib.enable_grad()
    def enabled():
        return x * 2

    @lib.set_grad_enabled(False)
    def disabled():
        return x * 2

    @lib.inference_mode()
    def infer():
        return x * 2

    @lib.inference_mode
    def infer_bare():
        return x * 2

    assert not called().requires_grad
    assert not bare().requires_grad
    assert called.__name__ == "called" and bare.__name__ == "bare"
    with lib.no_grad():
        assert enabled().requires_grad
    assert lib.is_grad_enabled()
    assert not disabled().requires_grad
    assert lib.is_grad_enabled()
    assert not infer().requires_grad
    assert not infer_bare().requires_grad
    assert lib.is_grad_enabled()


@LIBS
def test_inference_mode_interplay(lib):
    x = lib.ones(2, requires_grad=True)
    with lib.inference_mode():
        with lib.enable_grad():
            assert not (x * 2).requires_grad  # inference mode wins over enable_grad
        with lib.inference_mode(False):
            assert lib.is_grad_enabled() and (x * 2).requires_grad
    with lib.no_grad():
        with lib.inference_mode(False):
            assert lib.is_grad_enabled()
    assert lib.is_grad_enabled() and not lib.is_inference_mode_enabled()


@LIBS
def test_grad_mode_generator_decorator(lib):
    @lib.no_grad()
    def gen():
        for _ in range(2):
            yield lib.is_grad_enabled()

    assert list(gen()) == [False, False]
    assert lib.is_grad_enabled()


@LIBS
def test_grad_mode_restored_after_exception(lib):
    with pytest.raises(ValueError):
        with lib.no_grad():
            raise ValueError
    assert lib.is_grad_enabled()


# ---- the engine: depth, order, freeing -----------------------------------------------------


class _Step(ember.autograd.function.ArrayFunction):
    """The cheapest recorded op: the engine's own cost is what a long chain measures."""

    @staticmethod
    def forward(ctx, a):
        return a

    @staticmethod
    def backward(ctx, grad):
        return grad


def test_chain_of_100000_ops_backpropagates():
    x = ember.tensor([1.0], dtype=ember.float64, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = _Step.apply(y)
    y.backward(ember.tensor([3.0], dtype=ember.float64))
    assert x.grad.item() == 3.0
    del y
    gc.collect()


def test_long_chain_of_real_ops_matches_torch():
    def f(lib):
        x = leaf(lib, [0.5, -1.0])
        y = x
        for i in range(5_000):
            y = y * 1.0001 if i % 2 else y + 0.001
        y.sum().backward()
        return y, x.grad

    assert_same(f, rtol=1e-9)


def test_deterministic_accumulation_order():
    def run(lib):
        x = leaf(lib, np.linspace(-1, 1, 7).tolist(), "float32")
        branches = [x * (i + 0.1) for i in range(20)]
        total = branches[0]
        for b in branches[1:]:
            total = total + b.sin()
        total.sum().backward()
        return x.grad

    first = plain(run(ember))
    for _ in range(3):
        np.testing.assert_array_equal(plain(run(ember)), first)
    np.testing.assert_allclose(first, plain(run(torch)), rtol=1e-5)


def test_diamond_graph():
    def f(lib):
        x = leaf(lib, [0.5, 1.5])
        a = x.exp()
        b = a * x
        c = a + b
        (c * b).sum().backward()
        return x.grad

    assert_same(f)


def test_graph_freed_after_backward_then_reused_raises():
    def f(lib):
        x = leaf(lib, [1.0])
        y = x.exp()
        y.sum().backward()
        (y * 1).sum().backward()

    excs = raises_same(f)
    assert "second time" in str(excs[1])


def test_inplace_on_saved_tensor_raises():
    def f(lib):
        x = leaf(lib, [1.0, 2.0])
        h = x * 1
        y = h.sin()
        h.mul_(2)
        y.sum().backward()

    excs = raises_same(f)
    assert "modified by an inplace operation" in str(excs[1])


# ---- anomaly mode --------------------------------------------------------------------------


def test_detect_anomaly_names_the_op():
    for lib in (torch, ember):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with lib.autograd.detect_anomaly():
                assert lib.is_anomaly_enabled()
                x = leaf(lib, [-1.0, 4.0])
                y = x.sqrt().sum()
                with pytest.raises(RuntimeError, match="'SqrtBackward0' returned nan values"):
                    y.backward()
        assert not lib.is_anomaly_enabled()


def test_without_anomaly_mode_nan_passes():
    def f(lib):
        x = leaf(lib, [-1.0, 4.0])
        x.sqrt().sum().backward()
        return x.grad

    assert_same(f)


@LIBS
def test_set_detect_anomaly(lib):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lib.autograd.set_detect_anomaly(True)
        try:
            assert lib.is_anomaly_enabled()
            x = leaf(lib, [0.0])
            with pytest.raises(RuntimeError, match="LogBackward0"):
                (x.log() * 0).sum().backward()
        finally:
            lib.autograd.set_detect_anomaly(False)
        assert not lib.is_anomaly_enabled()
        with lib.autograd.set_detect_anomaly(True):
            assert lib.is_anomaly_enabled()
        assert not lib.is_anomaly_enabled()


def test_detect_anomaly_as_decorator():
    # an ember extra: torch's detect_anomaly is a context manager only
    @ember.autograd.detect_anomaly()
    def inside():
        return ember.is_anomaly_enabled()

    assert inside()
    assert not ember.is_anomaly_enabled()


def test_grad_is_grads_batched():
    def f(lib):
        x = leaf(lib, [1.0, 2.0, 3.0])
        y = x**2
        vs = lib.eye(3, dtype=lib.float64)
        (jac,) = lib.autograd.grad(y, x, vs, is_grads_batched=True)
        return jac

    assert_same(f)


def test_retain_grad_keeps_graph_under_create_graph():
    def f(lib):
        x = leaf(lib, [1.0, 2.0])
        h = x**2
        h.retain_grad()
        (h**2).sum().backward(create_graph=True)
        assert h.grad.requires_grad
        (gg,) = lib.autograd.grad(h.grad.sum(), x)
        return h.grad, gg

    assert_same(f)


def test_hooks_apply_to_captured_gradients():
    def f(lib):
        x = leaf(lib, [1.0, 2.0])
        x.register_hook(lambda g: g * 10)
        a = lib.autograd.grad((x * 3).sum(), x)
        y = x * 1
        y.register_hook(lambda g: g + 100)
        b = lib.autograd.grad((y * 3).sum(), y)
        c = lib.autograd.grad((y * 3).sum(), x)  # y's node was not run (nor freed) by b
        (x * 3).sum().backward(inputs=[x])
        z = x * 2
        z.retain_grad()
        z.register_hook(lambda g: g * 7)
        (z * 1).sum().backward(inputs=[z])
        return a, b, c, x.grad, z.grad

    assert_same(f)


def test_grad_wrt_intermediate_does_not_run_its_node():
    def f(lib):
        x = leaf(lib, [1.0, 2.0])
        h = x.exp()
        y = (h * h).sum()
        (gh,) = lib.autograd.grad(y, h, retain_graph=False)
        (gx,) = lib.autograd.grad(h.sum(), x)  # h's own graph is intact
        return gh, gx

    assert_same(f)


def test_gradients_seen_by_hooks_are_not_mutated_later():
    def f(lib):
        x = leaf(lib, [1.0, 2.0])
        saved = []
        x.register_hook(lambda g: saved.append(g))
        (x * 3).sum().backward()
        (x * 3).sum().backward()
        return saved, x.grad

    assert_same(f)


# ---- random graphs -------------------------------------------------------------------------

_UNARY = [
    lambda lib, a: a.exp() * 0.5,
    lambda lib, a: a.sin(),
    lambda lib, a: a.tanh(),
    lambda lib, a: a * a,
    lambda lib, a: a.sum(0, keepdim=True).expand(a.shape),
    lambda lib, a: a.t().t() * 2,
    lambda lib, a: a.sigmoid(),
]
_BINARY = [
    lambda lib, a, b: a + b,
    lambda lib, a, b: a * b,
    lambda lib, a, b: a - b * 0.5,
    lambda lib, a, b: lib.maximum(a, b),
    lambda lib, a, b: a / (b * b + 1),
]


def _random_program(seed: int):
    """A random DAG over a few 3x3 leaves: each step applies an op to earlier values, so values
    are reused (diamonds), and several of them feed the loss."""
    rng = np.random.default_rng(seed)
    steps = []
    n_leaves = int(rng.integers(1, 4))
    for i in range(int(rng.integers(3, 12))):
        available = n_leaves + i
        if rng.random() < 0.5:
            steps.append(("u", int(rng.integers(len(_UNARY))), int(rng.integers(available))))
        else:
            a, b = (int(v) for v in rng.integers(available, size=2))
            steps.append(("b", int(rng.integers(len(_BINARY))), a, b))
    outputs = sorted({int(v) for v in rng.integers(n_leaves, n_leaves + len(steps), size=2)})
    data = rng.uniform(-1, 1, (n_leaves, 3, 3))
    return data, steps, outputs


def _run_program(lib, data, steps, outputs):
    leaves = [lib.tensor(d, dtype=lib.float64, requires_grad=True) for d in data]
    values = list(leaves)
    for step in steps:
        if step[0] == "u":
            values.append(_UNARY[step[1]](lib, values[step[2]]))
        else:
            values.append(_BINARY[step[1]](lib, values[step[2]], values[step[3]]))
    loss = sum((values[i] * (k + 1)).sum() for k, i in enumerate(outputs))
    grads = lib.autograd.grad(loss, leaves, create_graph=True, allow_unused=True)
    used = [(g, x) for g, x in zip(grads, leaves) if g is not None and g.requires_grad]
    second = []
    if used:
        total = sum((g * g).sum() for g, _ in used)
        second = lib.autograd.grad(total, leaves, retain_graph=True, allow_unused=True)
    loss.backward()
    return [loss], list(grads), list(second), [x.grad for x in leaves]


@pytest.mark.parametrize("seed", range(40))
def test_random_graphs_match_torch(seed):
    program = _random_program(seed)
    assert_same(lambda lib: _run_program(lib, *program), rtol=1e-9)


def _grad_mode_seen_by_threads(lib):
    """(grad mode in a new thread, in this thread while that one is inside no_grad, in a new
    thread started from inside no_grad)"""
    import threading

    inside, started, release = [], threading.Event(), threading.Event()

    def other_thread():
        inside.append(lib.is_grad_enabled())
        with lib.no_grad():
            started.set()
            release.wait(10)

    t = threading.Thread(target=other_thread)
    t.start()
    started.wait(10)
    try:
        x = lib.ones(2, requires_grad=True)
        here = lib.is_grad_enabled() and (x * 2).requires_grad
    finally:
        release.set()
        t.join(10)
    seen = []
    with lib.no_grad():
        t = threading.Thread(target=lambda: seen.append(lib.is_grad_enabled()))
        t.start()
        t.join(10)
    return inside[0], here, seen[0]


def test_grad_mode_is_per_thread_as_in_torch():
    assert (
        _grad_mode_seen_by_threads(ember)
        == _grad_mode_seen_by_threads(torch)
        == (
            True,
            True,
            True,
        )
    )


@pytest.mark.parametrize("case", ["complex leaf", "complex intermediate"])
def test_backward_through_complex_tensors_raises_instead_of_wrong_numbers(case):
    """ember's formulas are not torch's conjugate Wirtinger gradients: backward stops."""
    if case == "complex leaf":
        x = ember.tensor([1 + 2j, 3 - 1j], requires_grad=True)
        loss = (x * x).abs().sum()
    else:  # a real leaf, one complex step
        x = ember.tensor([1.0, 2.0], requires_grad=True)
        loss = (x * (1 + 1j)).abs().sum()
    with pytest.raises(RuntimeError, match="complex"):
        loss.backward()
    y = ember.tensor([1.0, 2.0], requires_grad=True)  # real graphs are untouched
    (y * y).sum().backward()
    assert y.grad.tolist() == [2.0, 4.0]
