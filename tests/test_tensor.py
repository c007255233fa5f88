"""The Tensor object itself: metadata, conversions, Python protocols, copying, and repr, each
compared with torch."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest
import torch

import ember

LIBS = pytest.mark.parametrize("lib", [torch, ember], ids=["torch", "ember"])


def pair(fn):
    return fn(torch), fn(ember)


def raises_same(fn):
    excs = []
    for lib in (torch, ember):
        with pytest.raises(Exception) as info:
            fn(lib)
        excs.append(info.value)
    assert isinstance(excs[1], type(excs[0])), f"ember {excs[1]!r} vs torch {excs[0]!r}"
    return excs


def _sample(lib):
    return lib.arange(24.0).reshape(2, 3, 4)


# ---- metadata ------------------------------------------------------------------------------


def test_metadata_matches_torch():
    def meta(lib):
        x = _sample(lib)
        return (
            tuple(x.shape),
            repr(x.shape),
            tuple(x.size()),
            x.size(1),
            x.size(-1),
            x.dim(),
            x.ndim,
            x.ndimension(),
            x.numel(),
            x.nelement(),
            str(x.dtype),
            str(x.device),
            x.is_leaf,
            x.requires_grad,
            x.is_floating_point(),
            x.is_complex(),
            x.element_size(),
            x.itemsize,
            x.nbytes,
            x.is_cuda,
            x.is_cpu,
            x.get_device(),
            x.shape.numel(),
            isinstance(x.shape, tuple),
            repr(x.shape[1:]),
            len(x),
        )

    t, e = pair(meta)
    assert e == t


def test_size_dim_out_of_range():
    raises_same(lambda lib: _sample(lib).size(3))


def test_size_object():
    for lib in (torch, ember):
        s = lib.ones(2, 3).shape
        assert s == (2, 3) and s[0] == 2
        assert repr(s + (4,)) == "torch.Size([2, 3, 4])"
        assert pickle.loads(pickle.dumps(s)) == s
        assert repr(lib.ones(()).shape) == "torch.Size([])"


def test_transpose_properties():
    for lib in (torch, ember):
        x = lib.arange(6.0).reshape(2, 3)
        np.testing.assert_array_equal(x.T.numpy(), np.arange(6.0).reshape(2, 3).T)
        b = lib.arange(24.0).reshape(2, 3, 4)
        assert tuple(b.mT.shape) == (2, 4, 3)
        np.testing.assert_array_equal(b.mT.numpy(), np.swapaxes(b.numpy(), -1, -2))


# ---- .data ---------------------------------------------------------------------------------


def test_data_getter_and_setter():
    for lib in (torch, ember):
        x = lib.ones(2, requires_grad=True)
        d = x.data
        assert not d.requires_grad and d.is_leaf
        d[0] = 5.0  # shares memory
        assert x[0].item() == 5.0
        x.data = lib.zeros(3)
        assert tuple(x.shape) == (3,) and x.requires_grad
        x.data.add_(1)
        assert x.sum().item() == 3.0


def test_data_setter_rejects_non_tensor():
    raises_same(lambda lib: setattr(lib.ones(2), "data", [1.0, 2.0]))


# ---- conversion to Python and NumPy --------------------------------------------------------


def test_item_and_tolist():
    t, e = pair(
        lambda lib: (
            lib.tensor(2.5).item(),
            lib.tensor([7]).item(),
            lib.tensor([[True]]).item(),
            lib.arange(6).reshape(2, 3).tolist(),
            lib.tensor([1.5, 2.0]).tolist(),
            lib.tensor(3).tolist(),
            lib.zeros(0).tolist(),
        )
    )
    assert e == t
    assert [type(v) for v in e] == [type(v) for v in t]
    raises_same(lambda lib: lib.ones(2).item())


def test_numpy_shares_memory_and_refuses_grad():
    for lib in (torch, ember):
        x = lib.zeros(3)
        a = x.numpy()
        a[1] = 4.0
        assert x[1].item() == 4.0
        x.add_(1)
        assert a[0] == 1.0
        assert a.dtype == np.float32
    raises_same(lambda lib: lib.ones(2, requires_grad=True).numpy())
    for lib in (torch, ember):
        y = lib.ones(2, requires_grad=True)
        np.testing.assert_array_equal(y.numpy(force=True), [1.0, 1.0])
        np.testing.assert_array_equal(y.detach().numpy(), [1.0, 1.0])


def test_array_protocol():
    for lib in (torch, ember):
        x = lib.arange(4.0)
        a = np.asarray(x)
        assert a.dtype == np.float32 and a.tolist() == [0.0, 1.0, 2.0, 3.0]
        assert np.asarray(x, dtype=np.float64).dtype == np.float64


def test_len_iter():
    t, e = pair(
        lambda lib: (len(lib.ones(4, 2)), [r.tolist() for r in lib.arange(6).reshape(3, 2)])
    )
    assert e == t
    raises_same(lambda lib: len(lib.tensor(1.0)))
    raises_same(lambda lib: iter(lib.tensor(1.0)))
    for lib in (torch, ember):
        rows = list(lib.arange(6.0, requires_grad=True).reshape(3, 2))
        assert rows[0].requires_grad and not rows[0].is_leaf


def test_scalar_protocols():
    t, e = pair(
        lambda lib: (
            bool(lib.tensor([0.0])),
            bool(lib.tensor(3)),
            float(lib.tensor([2.5])),
            int(lib.tensor(3.9)),
            int(lib.tensor([-3.9])),
            [10, 20, 30][lib.tensor(1)],
            complex(lib.tensor(2.0)),
            operator_index(lib.tensor([2])),
        )
    )
    assert e == t
    assert [type(v) for v in e] == [type(v) for v in t]
    raises_same(lambda lib: bool(lib.ones(2)))
    raises_same(lambda lib: float(lib.ones(2)))
    raises_same(lambda lib: int(lib.ones(2)))
    raises_same(lambda lib: [1, 2][lib.tensor(1.0)])
    raises_same(lambda lib: [1, 2][lib.tensor([0, 1])])


def operator_index(x):
    import operator

    return operator.index(x)


def test_format():
    t, e = pair(
        lambda lib: (
            f"{lib.tensor(3.14159):.2f}",
            f"{lib.tensor(7):5d}",
            f"{lib.tensor(2.5)}",
            format(lib.tensor([1.0, 2.0])),
            "{}".format(lib.tensor([1, 2])),
            f"{lib.tensor(1e-8):e}",
        )
    )
    assert e == t
    raises_same(lambda lib: f"{lib.tensor([1.0, 2.0]):.2f}")


# ---- copying and pickling ------------------------------------------------------------------


@LIBS
def test_pickle_roundtrip(lib):
    x = lib.arange(6.0).reshape(2, 3)
    y = pickle.loads(pickle.dumps(x))
    assert y.dtype == x.dtype and y.tolist() == x.tolist()
    y[0, 0] = 100.0
    assert x[0, 0].item() == 0.0
    p = lib.ones(2, dtype=lib.float64, requires_grad=True)
    q = pickle.loads(pickle.dumps(p))
    assert q.requires_grad and q.is_leaf and q.dtype == lib.float64
    i = pickle.loads(pickle.dumps(lib.tensor([1, 2], dtype=lib.int16)))
    assert i.dtype == lib.int16


@LIBS
def test_deepcopy(lib):
    x = lib.ones(3, requires_grad=True)
    x.grad = lib.full((3,), 2.0)
    y = copy.deepcopy(x)
    assert y is not x and y.requires_grad and y.is_leaf
    assert y.grad.tolist() == [2.0, 2.0, 2.0] and y.grad is not x.grad
    y.data.add_(1)
    assert x.sum().item() == 3.0
    pair_ = [x, x]
    copied = copy.deepcopy(pair_)
    assert copied[0] is copied[1]


def test_deepcopy_of_non_leaf_raises():
    raises_same(lambda lib: copy.deepcopy(lib.ones(2, requires_grad=True) * 2))


@LIBS
def test_copy_copy_shares(lib):
    x = lib.ones(2)
    y = copy.copy(x)
    assert y.tolist() == [1.0, 1.0]


# ---- .to() and the cast methods ------------------------------------------------------------


def test_to_forms():
    def forms(lib):
        x = lib.arange(4.0, requires_grad=True)
        other = lib.zeros(1, dtype=lib.float64)
        outs = [
            x.to(lib.float64),
            x.to(dtype=lib.int32),
            x.to("cpu"),
            x.to(lib.device("cpu")),
            x.to("cpu", lib.float16),
            x.to(other),
            x.to(device="cpu", dtype=lib.float64),
            x.to(lib.float32, copy=True),
        ]
        same = [
            x.to(lib.float32) is x,
            x.to("cpu") is x,
            outs[-1] is x,
            x.to(lib.float32, False, True) is x,  # positional non_blocking, copy
            x.to("cpu", lib.float32, False, False) is x,
            x.to(lib.float32, non_blocking=True) is x,
        ]
        return [(str(o.dtype), o.requires_grad, o.is_leaf, o.tolist()) for o in outs], same

    t, e = pair(forms)
    assert e == t


def test_to_is_differentiable():
    def grad_through_cast(lib):
        x = lib.tensor([1.5, 2.5], requires_grad=True)
        y = x.to(lib.float64) * 2
        assert type(y.grad_fn).__name__ == "MulBackward0"
        assert type(y.grad_fn.next_functions[0][0]).__name__ == "ToCopyBackward0"
        y.sum().backward()
        return str(x.grad.dtype), x.grad.tolist()

    t, e = pair(grad_through_cast)
    assert e == t


def test_to_bad_arguments():
    raises_same(lambda lib: lib.ones(2).to("nowhere"))


def test_cast_methods():
    names = ["float", "double", "half", "long", "int", "short", "char", "byte", "bool", "bfloat16"]

    def casts(lib):
        x = lib.tensor([1.7, -2.2, 0.0])
        return [
            (str(getattr(x, n)().dtype), getattr(x, n)().tolist()) for n in names if n != "byte"
        ]

    t, e = pair(casts)
    assert e == t
    t, e = pair(lambda lib: lib.tensor([1.7, 2.2, 0.0]).byte().tolist())
    assert e == t


def test_type_method():
    def types(lib):
        x = lib.ones(2)
        return (
            x.type(),
            lib.ones(2, dtype=lib.int64).type(),
            lib.ones(2, dtype=lib.bool).type(),
            lib.ones(2, dtype=lib.float64).type(),
            lib.ones(2, dtype=lib.uint8).type(),
            str(x.type(lib.float64).dtype),
            str(x.type("torch.IntTensor").dtype),
            str(x.type("torch.DoubleTensor").dtype),
            x.type(lib.float32) is x,
            str(x.type_as(lib.ones(1, dtype=lib.int16)).dtype),
        )

    t, e = pair(types)
    assert e == t


def test_cpu_and_cuda_without_gpu():
    for lib in (torch, ember):
        x = lib.ones(2)
        assert x.cpu() is x
    if torch.cuda.is_available():  # pragma: no cover - the oracle runs on CPU
        pytest.skip("torch sees a GPU")
    raises_same(lambda lib: lib.ones(2).cuda())
    raises_same(lambda lib: lib.ones(2).to("cuda"))
    raises_same(lambda lib: lib.ones(2, device="cuda"))
    # torch raises AssertionError here; ember's error is also a RuntimeError, and says why
    for make in (lambda: ember.ones(2).to("cuda:1"), lambda: ember.zeros(2, device="cuda")):
        with pytest.raises(RuntimeError, match="CUDA.*CuPy"):
            make()


# ---- repr ----------------------------------------------------------------------------------


def _repr_cases(lib):
    T = lib.tensor
    nan, inf = float("nan"), float("inf")
    return {
        "float": T([1.0, 2.0, 3.0]),
        "fraction": T([1.5, -2.25, 3.0]),
        "int": T([1, 2, 3]),
        "negative int": T([-1, -200, 3]),
        "bool": T([True, False]),
        "bool 2-D": T([[True, False], [False, True]]),
        "float64": T([1.0, 2.0], dtype=lib.float64),
        "float16": T([1.0], dtype=lib.float16),
        "bfloat16": T([0.25], dtype=lib.bfloat16),
        "int32": T([1, 2], dtype=lib.int32),
        "uint8": T([1, 2], dtype=lib.uint8),
        "0-dim float": T(3.5),
        "0-dim negative": T(-0.5),
        "0-dim int": T(7),
        "0-dim bool": T(True),
        "0-dim float64": T(2.0, dtype=lib.float64),
        "empty": lib.zeros(0),
        "empty 2-D": lib.zeros(2, 0),
        "empty int": lib.zeros(0, dtype=lib.int64),
        "empty float64": lib.zeros(0, dtype=lib.float64),
        "small -> sci": T([1e-5, 1.0]),
        "large -> sci": T([1e10, 1.0]),
        "tiny": T([1e-10, 2e-10]),
        "big integer-valued": T([123456789.0, 1.0]),
        "ratio over 1000": T([100.0, 0.001]),
        "mixed 2-D sci": T([[1e-8, 1.0], [3.0, 4.0]]),
        "nan inf": T([1.0, nan, inf, -inf]),
        "only nan": T([nan]),
        "finite and inf": T([0.1, inf]),
        "signed zero": T([0.0, -0.0]),
        "negative": T([-1.0, 2.0]),
        "1e-4 boundary": T([1e-4, 1.0]),
        "mixed magnitudes": T([12345.678, 0.5]),
        "precision": T([1.123456789]),
        "wide row wraps": lib.arange(30.0),
        "wide 2-D wraps": lib.arange(60.0).reshape(3, 20) / 7,
        "large ints": lib.arange(10**6, 10**6 + 30),
        "int matrix": lib.arange(100).reshape(10, 10),
        "summarized float": lib.arange(2000.0),
        "summarized int": lib.arange(2000),
        "summarized 2-D": lib.arange(5000.0).reshape(50, 100),
        "summarized rows": lib.arange(1100.0).reshape(11, 100),
        "summarized 3-D": lib.arange(3000.0).reshape(10, 10, 30) / 3,
        "nested 3-D": lib.arange(24.0).reshape(2, 3, 4),
        "nested 3-D int": lib.arange(12).reshape(2, 2, 3),
        "4-D": lib.arange(16.0).reshape(2, 2, 2, 2) - 8,
        "requires_grad": T([[1.5, 2.0], [3.0, -4.0]], requires_grad=True),
        "requires_grad float64": T([1.0, 2.0], dtype=lib.float64, requires_grad=True),
        "0-dim requires_grad": T(3.0, requires_grad=True),
        "grad_fn": T([1.0, 2.0], requires_grad=True) * 2,
        "grad_fn sum": T([1.0, 2.0], requires_grad=True).sum(),
        "grad_fn float64": T([1.0, 2.0], dtype=lib.float64, requires_grad=True).exp(),
        "complex": T([1 + 2j, 3 - 1j]),
        "complex wraps": (lib.arange(30.0) * 123.4 - 1000) + 1j * (lib.arange(30.0) * 77.7 - 500),
        "complex sci imaginary": T([[200.5 - 63.5j, 1.25 + 153.75j], [-101.0 + 0.001j, 7 - 9j]]),
        "suffix wraps": T([10000.0, 10001.5, 10003.0, 10004.5, 10006.0], dtype=lib.float64),
        "suffix fits": T([10000.0, 10001.5, 10003.0, 10004.5], dtype=lib.float64),
        "suffix at 80 columns": T([9.0] * 14, requires_grad=True),
        "two suffixes wrap": T([1e-5] * 6, dtype=lib.float64, requires_grad=True) * 2,
        "suffix after wrapped rows": lib.arange(30, dtype=lib.int16),
        "bfloat16 sci": T([1.0, 0.1, -3.3, 1000.7], dtype=lib.bfloat16),
    }


@pytest.mark.parametrize("case", list(_repr_cases(torch)))
def test_repr_matches_torch(case):
    expected = repr(_repr_cases(torch)[case])
    got = repr(_repr_cases(ember)[case])
    assert got == expected, f"\ntorch:\n{expected}\nember:\n{got}"
    assert str(_repr_cases(ember)[case]) == str(_repr_cases(torch)[case])


@pytest.mark.parametrize(
    "options",
    [
        {"precision": 2},
        {"sci_mode": True},
        {"sci_mode": False},
        {"threshold": 5, "edgeitems": 1},
        {"linewidth": 40},
        {"profile": "short"},
    ],
    ids=str,
)
def test_repr_with_printoptions(options):
    results = []
    for lib in (torch, ember):
        lib.set_printoptions(**options)
        try:
            results.append(
                [repr(lib.arange(12.0).reshape(3, 4) / 3), repr(lib.tensor([1e-5, 2.0, 300.0]))]
            )
        finally:
            lib.set_printoptions(profile="default")
            lib.set_printoptions(sci_mode=None)
    assert results[1] == results[0]


def test_repr_with_default_dtype_float64():
    results = []
    for lib in (torch, ember):
        lib.set_default_dtype(lib.float64)
        try:
            results.append(
                [
                    repr(lib.tensor([1.5, 2.0])),
                    repr(lib.tensor([1.5], dtype=lib.float32)),
                    repr(lib.tensor([1 + 1j])),
                ]
            )
        finally:
            lib.set_default_dtype(lib.float32)
    assert results[1] == results[0]


def test_contiguity_and_strides():
    def layout(lib):
        x = lib.arange(24.0).reshape(2, 3, 4)
        views = [x, x.transpose(0, 2), x.permute(1, 0, 2), x.t() if x.dim() == 2 else x[0].t(),
                 x.expand(2, 2, 3, 4), lib.ones(3, 1).expand(3, 5)]  # fmt: skip
        return [(v.is_contiguous(), v.stride(), v.stride(-1)) for v in views] + [
            x.transpose(0, 2).contiguous().is_contiguous(),
            x.transpose(0, 2).contiguous().stride(),
        ]

    t, e = pair(layout)
    assert e == t
    raises_same(lambda lib: lib.ones(2, 3).stride(2))


def test_tensor_constructor_forms():
    t, e = pair(
        lambda lib: [
            (str(x.dtype), tuple(x.shape))
            for x in (lib.Tensor(), lib.Tensor(2, 3), lib.Tensor((2, 3)), lib.Tensor([1, 2]),
                      lib.Tensor(np.array([1, 2])), lib.Tensor(lib.ones(2, dtype=lib.float64)))
        ]
    )  # fmt: skip
    assert e == t
    assert ember.Tensor([1, 2]).tolist() == [1.0, 2.0]


def test_size_arithmetic():
    for lib in (torch, ember):
        s = lib.ones(2, 3).shape
        assert repr((1,) + s) == "torch.Size([1, 2, 3])"
        assert repr(s + (4,)) == "torch.Size([2, 3, 4])"
        assert repr(s[1:]) == "torch.Size([3])"
        assert s == (2, 3) and s.numel() == 6
        assert repr(lib.Size([4, 5])) == "torch.Size([4, 5])"


def test_layout_and_memory_format_objects():
    for name in ("strided", "contiguous_format", "preserve_format", "channels_last"):
        assert repr(getattr(ember, name)) == repr(getattr(torch, name))
        assert pickle.loads(pickle.dumps(getattr(ember, name))) is getattr(ember, name)
    assert repr(ember.ones(1).layout) == repr(torch.ones(1).layout)
    for lib in (torch, ember):
        x = lib.ones(2, 3)
        assert x.contiguous(memory_format=lib.contiguous_format).tolist() == x.tolist()
        assert x.to(memory_format=lib.preserve_format).shape == x.shape


def test_attribute_errors_match_torch():
    raises_same(lambda lib: setattr(lib.ones(2), "requires_grad", 1))
    raises_same(lambda lib: bool(lib.ones(0)))
    raises_same(lambda lib: lib.ones(2).type("torch.NoTensor"))
    excs = raises_same(lambda lib: setattr(lib.ones(2, requires_grad=True), "grad", lib.ones(3)))
    assert str(excs[1]).startswith("attempting to assign a gradient of size '[3]'")
    excs = raises_same(
        lambda lib: setattr(lib.ones(2, requires_grad=True), "grad", lib.ones(2, dtype=lib.int64))
    )
    assert "attempting to assign a gradient with dtype" in str(excs[1])


def test_data_ptr_tells_shared_memory():
    for lib in (torch, ember):
        x = lib.arange(6.0)
        assert x.detach().data_ptr() == x.data_ptr() == x.view(2, 3).data_ptr()
        assert x.clone().data_ptr() != x.data_ptr()
        assert x[2:].data_ptr() == x.data_ptr() + 2 * x.element_size()


def _random_array(rng):
    shape = tuple(int(n) for n in rng.integers(0, 7, rng.integers(0, 4)))
    if rng.random() < 0.15:
        shape = tuple(int(n) for n in rng.integers(1, 40, rng.integers(1, 3)))
    scale = 10.0 ** rng.integers(-9, 12)
    kind = rng.integers(0, 6)
    if kind == 0:
        a = rng.standard_normal(shape) * scale
    elif kind == 1:
        a = np.round(rng.standard_normal(shape) * scale)
    elif kind == 2:
        a = rng.integers(-1000, 1000, shape)
    elif kind == 3:
        a = np.asarray(rng.random(shape) > 0.5)
    elif kind == 4:
        a = rng.standard_normal(shape) * scale
        if a.size:
            a.flat[rng.integers(0, a.size)] = rng.choice([np.nan, np.inf, -np.inf, 0.0])
    else:
        a = (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) * scale
    a = np.asarray(a)
    if a.dtype.kind == "f":
        a = a.astype(rng.choice(["float32", "float64", "float16"]))
    return a


def test_repr_of_random_tensors_matches_torch():
    rng = np.random.default_rng(2026)
    with np.errstate(over="ignore"):
        arrays = [_random_array(rng) for _ in range(400)]
    for a in arrays:
        expected, got = repr(torch.from_numpy(a.copy())), repr(ember.from_numpy(a.copy()))
        assert got == expected, f"\ntorch:\n{expected}\nember:\n{got}"


def test_numpy_interplay():
    def run(lib):
        x = lib.tensor([1.0, 4.0], requires_grad=True)
        scaled = [np.float64(2) * x, np.float32(2) + x, np.int64(3) - x, np.float64(2) / x]
        info = [(type(r).__name__, str(r.dtype), r.requires_grad) for r in scaled]
        ufuncs = [np.exp(x.detach()), np.isnan(x.detach()), np.sqrt(lib.tensor([4]))]
        info += [(type(r).__name__, str(r.dtype), r.tolist()) for r in ufuncs]
        return info

    t, e = run(torch), run(ember)
    assert [i[1:] for i in e] == [i[1:] for i in t]
    assert all(i[0] == "Tensor" for i in e)
    raises_same(lambda lib: np.array(2.0) * lib.ones(2))


def test_contains():
    t, e = pair(
        lambda lib: [v in lib.tensor([[1, 2], [3, 4]]) for v in (2, 5, 2.0, lib.tensor(3), True)]
    )
    assert e == t
    raises_same(lambda lib: "a" in lib.ones(2))


def test_legacy_new():
    def made(lib):
        x = lib.ones(2, dtype=lib.float64)
        return [
            (str(t.dtype), tuple(t.shape))
            for t in (x.new(), x.new(2, 3), x.new(lib.Size([2, 3])), x.new([1, 2]), x.new((2, 3)))
        ] + [x.new([1, 2]).tolist(), x.new((2, 3)).tolist()]

    t, e = pair(made)
    assert e == t
    raises_same(lambda lib: lib.ones(2).new(lib.tensor([1, 2])))
