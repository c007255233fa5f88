"""torch's legacy typed constructors (``torch.LongTensor(3)``, ``torch.FloatTensor(list)``),
``isinstance`` against them and ``x.type(torch.LongTensor)``, against torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from compare import raises_same

import ember

NAMES = ["FloatTensor", "DoubleTensor", "HalfTensor", "BFloat16Tensor", "LongTensor",
         "IntTensor", "ShortTensor", "CharTensor", "ByteTensor", "BoolTensor"]  # fmt: skip


def _both(build):
    """build(lib) in both libraries: (result, None) or (None, exception type)."""
    out = []
    for lib in (ember, torch):
        try:
            out.append((build(lib), None))
        except Exception as e:  # compared by type below
            out.append((None, type(e)))
    return out


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(
    "args",
    [(), (3,), (2, 3), ([1, 0, 2],), ([[1, 2], [3, 4]],), ((2, 3),), (np.array([1.7, -2.5]),)],
    ids=["empty", "n", "n,m", "list", "nested", "tuple is data", "ndarray"],
)
def test_constructor_dtype_shape_and_data_as_torch(name, args):
    (e, e_err), (t, t_err) = _both(lambda lib: getattr(lib, name)(*args))
    assert e_err is None and t_err is None
    assert str(e.dtype) == str(t.dtype) and tuple(e.shape) == tuple(t.shape)
    data_given = args and not isinstance(args[0], int)
    if data_given and name != "BFloat16Tensor":  # (shapes alone are uninitialised memory)
        np.testing.assert_array_equal(e.numpy(), t.numpy())


def test_size_is_a_shape_a_tensor_of_the_type_is_returned_as_it_is():
    assert ember.LongTensor(ember.Size([2, 3])).shape == (2, 3)
    t = ember.tensor([1, 2])
    assert ember.LongTensor(t) is t
    w = ember.ones(2, requires_grad=True)
    assert ember.FloatTensor(w).requires_grad


@pytest.mark.parametrize(
    "build",
    [
        lambda lib: lib.LongTensor(lib.tensor([1.5])),  # another dtype: TypeError
        lambda lib: lib.LongTensor(-1),  # negative size: RuntimeError
        lambda lib: lib.LongTensor(2.5),  # a lone float is not a sequence
        lambda lib: lib.LongTensor(True),
        lambda lib: lib.LongTensor("a"),
        lambda lib: lib.LongTensor(3, dtype=lib.float32),  # no dtype keyword
        lambda lib: lib.LongTensor(3, device="cuda"),  # a CPU type on CUDA
    ],
    ids=["other dtype", "negative", "float", "bool", "str", "dtype kw", "cuda device"],
)
def test_bad_arguments_raise_torchs_exception_type(build):
    raises_same(build)


def test_isinstance_checks_dtype_and_device_type():
    for lib in (ember, torch):
        assert isinstance(lib.tensor([1]), lib.LongTensor)
        assert not isinstance(lib.tensor([1.0]), lib.LongTensor)
        assert isinstance(lib.Tensor([1]), lib.FloatTensor)
        assert not isinstance(lib.tensor([1]), lib.cuda.LongTensor)
        assert not isinstance(3, lib.LongTensor)
        assert not issubclass(lib.LongTensor, lib.Tensor)
        assert lib.LongTensor.dtype == lib.int64 and lib.cuda.LongTensor.is_cuda
    assert repr(ember.LongTensor) == "<class 'ember.LongTensor'>"


def test_type_converts_to_a_legacy_type_and_names_it():
    e, t = ember.tensor([1.7, -2.5]), torch.tensor([1.7, -2.5])
    for name in ("LongTensor", "IntTensor", "DoubleTensor", "BoolTensor"):
        got, want = e.type(getattr(ember, name)), t.type(getattr(torch, name))
        assert str(got.dtype) == str(want.dtype)
        np.testing.assert_array_equal(got.numpy(), want.numpy())
        assert got.type() == want.type() == f"torch.{name}"


def test_set_default_tensor_type_takes_the_class():
    with pytest.warns(UserWarning):
        ember.set_default_tensor_type(ember.DoubleTensor)
    try:
        assert ember.get_default_dtype() == ember.float64
        assert ember.tensor([1.0]).dtype == ember.float64
    finally:
        ember.set_default_dtype(ember.float32)
