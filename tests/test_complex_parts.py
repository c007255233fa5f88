"""Complex parts and constructors against torch: values, dtypes, exception types, and the view
semantics of real, imag, view_as_real and view_as_complex (writes reach the original), as
rotary position embeddings use them. Gradients through complex values raise (not provided)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from compare import raises_same

import ember

Z = np.array([[1 + 2j, -3.5 + 0.5j], [0.25 - 1j, -2 - 2j]], np.complex64)
X = np.array([1.5, -2.0, 0.0, np.nan], np.float32)
PAIRS = np.arange(16.0, dtype=np.float32).reshape(2, 4, 2)

CASES = {
    "real": lambda L: L.tensor(Z).real,
    "imag": lambda L: L.tensor(Z).imag,
    "real of a real tensor": lambda L: L.tensor(X).real,
    "conj": lambda L: L.tensor(Z).conj().resolve_conj(),
    "conj_physical": lambda L: L.conj_physical(L.tensor(Z)),
    "conj of a real tensor": lambda L: L.conj(L.tensor(X)),
    "angle": lambda L: L.tensor(Z).angle(),
    "angle of reals": lambda L: L.tensor(X).angle(),
    "angle of ints": lambda L: L.angle(L.tensor([-1, 2])),
    "polar": lambda L: L.polar(L.tensor([1.0, 2.0]), L.tensor([0.5, -1.0])),
    "complex": lambda L: L.complex(L.tensor([1.0, 2.0]), L.tensor([3.0, 4.0])),
    "complex float64": lambda L: L.complex(
        L.tensor([1.0], dtype=L.float64), L.tensor([2.0], dtype=L.float64)
    ),
    "view_as_real": lambda L: L.view_as_real(L.tensor(Z)),
    "view_as_complex": lambda L: L.view_as_complex(L.tensor(PAIRS)),
    "rotary embedding": lambda L: L.view_as_real(
        L.view_as_complex(L.tensor(PAIRS)) * L.polar(L.ones(4), L.arange(4.0) * 0.3)
    ).flatten(1),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_and_dtypes_match_torch(name):
    e, t = CASES[name](ember), CASES[name](torch)
    assert str(e.dtype) == str(t.dtype) and tuple(e.shape) == tuple(t.shape)
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-6, atol=1e-6, equal_nan=True)


def test_views_write_through_as_torch():
    got = []
    for lib in (ember, torch):
        c = lib.tensor(Z.copy())
        lib.view_as_real(c)[0, 0, 1] = 9.0
        c.real[1, 1] = 7.0
        c.imag[0, 1] = -1.0
        f = lib.tensor(PAIRS.copy())
        lib.view_as_complex(f)[0, 0] = 5 + 6j
        got.append((c.numpy().copy(), f.numpy().copy()))
        assert not c.is_conj() and not c.is_neg() and c.resolve_neg() is c
    for e, t in zip(*got):
        np.testing.assert_array_equal(e, t)


@pytest.mark.parametrize(
    "build",
    [
        lambda L: L.tensor(X).imag,
        lambda L: L.view_as_real(L.tensor(X)),
        lambda L: L.view_as_complex(L.tensor(PAIRS[..., :1].copy())),
        lambda L: L.view_as_complex(L.tensor(PAIRS).transpose(0, 2)),
        lambda L: L.complex(L.tensor([1.0]), L.tensor([1.0], dtype=L.float64)),
        lambda L: L.polar(L.tensor([1]), L.tensor([1])),
    ],
    ids=[
        "imag of reals",
        "view_as_real of reals",
        "last dim not 2",
        "last stride not 1",
        "mixed dtypes",
        "integer polar",
    ],  # fmt: skip
)
def test_bad_input_raises_torchs_type(build):
    raises_same(build)


def test_gradients_real_angle_zero_complex_raise():
    x = ember.tensor([1.5, -2.0], requires_grad=True)
    x.angle().sum().backward()
    assert x.grad.tolist() == [0.0, 0.0]  # torch's too
    y = ember.tensor(PAIRS, requires_grad=True)
    with pytest.raises(RuntimeError, match="complex"):
        ember.view_as_real(ember.view_as_complex(y) * 2).sum().backward()


@pytest.mark.parametrize(
    "op",
    [
        "remainder",
        "floor_divide",
        "fmod",
        "copysign",
        "xlogy",
        "atan2",
        "hypot",
        "maximum",
        "minimum",
        "fmax",
        "fmin",
    ],  # fmt: skip
)
@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_ops_without_complex_kernels_raise_torchs_error(op, dtype):
    errors = raises_same(
        lambda L: getattr(L, op)(
            L.tensor([1 + 1j, 2], dtype=getattr(L, dtype)), L.tensor([1.0, 2.0])
        )
    )
    assert str(errors[0]) == str(errors[1])
