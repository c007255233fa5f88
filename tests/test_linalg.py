"""Linear algebra behaviour the oracle table does not cover: LinAlgError on singular and
non-positive-definite input, the view semantics of diagonal, and einsum's forms."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import ember


def _both(array):
    return torch.from_numpy(array.copy()), ember.from_numpy(array.copy())


SINGULAR = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [0.0, 1.0, 1.0]])
NOT_PD = np.array([[1.0, 2.0], [2.0, 1.0]])


@pytest.mark.parametrize(
    "call, matrix",
    [
        (lambda lib, a: lib.linalg.inv(a), SINGULAR),
        (lambda lib, a: lib.inverse(a), SINGULAR),
        (lambda lib, a: lib.linalg.solve(a, a[:, 0]), SINGULAR),
        (lambda lib, a: lib.linalg.inv(lib.stack([a, a])), SINGULAR),
        (lambda lib, a: lib.linalg.cholesky(a), NOT_PD),
        (lambda lib, a: lib.cholesky(a), NOT_PD),
    ],
)
def test_linalg_error(call, matrix):
    t, e = _both(matrix)
    with pytest.raises(torch.linalg.LinAlgError):
        call(torch, t)
    with pytest.raises(ember.linalg.LinAlgError) as info:
        call(ember, e)
    assert isinstance(info.value, RuntimeError)


def test_singular_det_and_slogdet():
    t, e = _both(SINGULAR)
    assert float(ember.linalg.det(e)) == pytest.approx(float(torch.linalg.det(t)), abs=1e-12)
    sign, logabsdet = ember.linalg.slogdet(ember.zeros(3, 3))
    assert float(sign) == 0.0 and float(logabsdet) == -np.inf


def test_diagonal_is_a_view():
    base = ember.zeros(3, 4)
    d = base.diagonal(1)
    d.add_(1.0)
    expected = torch.zeros(3, 4)
    expected.diagonal(1).add_(1.0)
    np.testing.assert_array_equal(base.numpy(), expected.numpy())
    assert d._base is base


def test_diagonal_of_view_shares_version_counter():
    base = ember.ones(3, 3)
    d = ember.diagonal(base)
    base.mul_(2.0)
    assert d._vc is base._vc
    np.testing.assert_array_equal(d.numpy(), [2.0, 2.0, 2.0])


def test_einsum_gradgrad_through_diagonal():
    """Double backward of a diagonal einsum (the backward itself is an einsum with eye)."""
    x = np.random.default_rng(0).standard_normal((3, 3))
    grads = []
    for lib in (torch, ember):
        a = lib.from_numpy(x.copy()).requires_grad_()
        (g,) = lib.autograd.grad(lib.einsum("ii,ij->", a, a), a, create_graph=True)
        (gg,) = lib.autograd.grad((g * g).sum(), a)
        grads.append(gg.detach().numpy())
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-10)


def test_matmul_integer():
    a = np.arange(6).reshape(2, 3)
    b = np.arange(12).reshape(3, 4)
    t = torch.matmul(torch.from_numpy(a), torch.from_numpy(b))
    e = ember.matmul(ember.from_numpy(a), ember.from_numpy(b))
    assert str(e.dtype) == str(t.dtype)
    np.testing.assert_array_equal(e.numpy(), t.numpy())


def test_svd_compute_uv_false_shapes():
    t, e = _both(np.random.default_rng(1).standard_normal((4, 3)))
    for x, y in zip(torch.svd(t, compute_uv=False), ember.svd(e, compute_uv=False)):
        assert tuple(x.shape) == tuple(y.shape)


def test_result_types_have_torch_fields():
    a = ember.eye(3, dtype=ember.float64) * 2
    assert ember.linalg.slogdet(a).logabsdet is not None
    assert ember.linalg.qr(a).R is not None
    assert ember.linalg.svd(a).Vh is not None
    assert ember.linalg.eigh(a).eigenvectors is not None
    assert ember.svd(a).V is not None
    assert ember.linalg.lstsq(a, a).solution is not None


def test_inv_ex_reports_singular_matrices():
    batch = np.stack([SINGULAR, 2 * np.eye(3)])
    t, e = _both(batch)
    t_inv, t_info = torch.linalg.inv_ex(t)
    e_inv, e_info = ember.linalg.inv_ex(e)
    np.testing.assert_array_equal(e_info.numpy() > 0, t_info.numpy() > 0)
    np.testing.assert_allclose(e_inv.numpy()[1], t_inv.numpy()[1])
    assert np.isnan(e_inv.numpy()[0]).all()
    with pytest.raises(ember.linalg.LinAlgError):
        ember.linalg.inv_ex(e, check_errors=True)


def test_cholesky_ex_reports_failures():
    batch = np.stack([NOT_PD, 2 * np.eye(2)])
    t, e = _both(batch)
    t_l, t_info = torch.linalg.cholesky_ex(t)
    e_l, e_info = ember.linalg.cholesky_ex(e)
    np.testing.assert_array_equal(e_info.numpy() > 0, t_info.numpy() > 0)
    np.testing.assert_allclose(e_l.numpy()[1], t_l.numpy()[1])
    with pytest.raises(ember.linalg.LinAlgError):
        ember.linalg.cholesky_ex(e, check_errors=True)


@st.composite
def _einsum_cases(draw):
    """A random equation over labels a-e (repeats, broadcasting size 1, implicit or explicit
    output) with operands of matching sizes."""
    sizes = {c: draw(st.integers(1, 3)) for c in "abcde"}
    n_ops = draw(st.integers(1, 3))
    terms = [draw(st.text("abcde", min_size=0, max_size=3)) for _ in range(n_ops)]
    used = sorted(set("".join(terms)))
    explicit = draw(st.booleans())
    out = "".join(draw(st.permutations(used))[: draw(st.integers(0, len(used)))])
    equation = ",".join(terms) + ("->" + out if explicit else "")
    shapes = []
    for term in terms:
        shape = []
        for i, c in enumerate(term):
            first = term.index(c) == i
            shape.append(1 if first and draw(st.integers(0, 4)) == 0 else sizes[c])
        # a repeated label must have one size within its operand
        for c in set(term):
            positions = [i for i, x in enumerate(term) if x == c]
            for i in positions:
                shape[i] = shape[positions[0]]
        shapes.append(tuple(shape))
    return equation, shapes


@settings(max_examples=40, deadline=None)
@given(_einsum_cases(), st.integers(0, 2**16))
def test_einsum_random_equations(case, seed):
    equation, shapes = case
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(s) for s in shapes]
    try:
        torch.einsum(equation, *[torch.from_numpy(a) for a in arrays])
    except RuntimeError:
        with pytest.raises(RuntimeError):
            ember.einsum(equation, *[ember.from_numpy(a) for a in arrays])
        return
    results = []
    for lib in (torch, ember):
        xs = [lib.from_numpy(a.copy()).requires_grad_() for a in arrays]
        out = lib.einsum(equation, *xs)
        up = lib.from_numpy(np.random.default_rng(seed + 1).standard_normal(tuple(out.shape)))
        grads = lib.autograd.grad(out, xs, up, allow_unused=True)
        results.append((out, grads))
    (t_out, t_grads), (e_out, e_grads) = results
    np.testing.assert_allclose(
        e_out.detach().numpy(), t_out.detach().numpy(), rtol=1e-10, atol=1e-12
    )
    for eg, tg in zip(e_grads, t_grads):
        np.testing.assert_allclose(eg.numpy(), tg.numpy(), rtol=1e-10, atol=1e-12)


def test_solve_ex_reports_singular_matrices():
    batch = np.stack([SINGULAR, 2 * np.eye(3)])
    b = np.ones((2, 3))
    results = []
    for lib in (torch, ember):
        X, info = lib.linalg.solve_ex(lib.from_numpy(batch.copy()), lib.from_numpy(b.copy()))
        results.append((X.numpy(), info.numpy()))
    (t_x, t_info), (e_x, e_info) = results
    np.testing.assert_array_equal(e_info > 0, t_info > 0)
    np.testing.assert_allclose(e_x[1], t_x[1])
    assert not np.isfinite(e_x[0]).all()
