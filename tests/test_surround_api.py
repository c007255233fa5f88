"""torch.compile (a no-op), torch.onnx (importable, export refused), set_default_device: each
answering as PyTorch's CPU build does on a machine without CUDA."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember

no_cuda = pytest.mark.skipif(ember.cuda.is_available(), reason="behaviour without CUDA")


def test_compile_returns_its_argument_unchanged():
    def f(x):
        return x * 2

    assert ember.compile(f) is f
    assert ember.compile(f, mode="max-autotune", fullgraph=True, dynamic=False) is f

    @ember.compile
    def g(x):
        return x + 1

    @ember.compile(backend="inductor")
    def h(x):
        return x - 1

    x = ember.ones(2)
    assert g(x).tolist() == [2.0, 2.0] and h(x).tolist() == [0.0, 0.0]
    assert h.__name__ == "h"


def test_onnx_imports_and_export_says_it_is_not_available():
    import ember.onnx

    assert hasattr(torch.onnx, "export")
    with pytest.raises(RuntimeError, match="ONNX export is not available in ember yet"):
        ember.onnx.export(lambda x: x, (ember.ones(1),), "model.onnx")
    assert ember.onnx.is_in_onnx_export() is torch.onnx.is_in_onnx_export() is False


@pytest.fixture
def reset_default_device():
    yield
    ember.set_default_device(None)
    torch.set_default_device(None)


def test_default_device_is_cpu_and_settable(reset_default_device):
    for lib in (torch, ember):
        assert repr(lib.get_default_device()) == "device(type='cpu')"
        lib.set_default_device("cpu")
        assert lib.get_default_device() == lib.device("cpu")
        assert lib.zeros(2).device == lib.device("cpu")
        lib.set_default_device(lib.device("cpu"))
        lib.set_default_device(None)
        assert str(lib.get_default_device()) == "cpu"
        with pytest.raises(RuntimeError):
            lib.set_default_device("nonsense")


@no_cuda
@pytest.mark.parametrize(
    "make",
    [
        lambda lib: lib.zeros(2),
        lambda lib: lib.ones(2, 3),
        lambda lib: lib.empty(1),
        lambda lib: lib.full((2,), 1.0),
        lambda lib: lib.tensor([1.0, 2.0]),
        lambda lib: lib.arange(3),
        lambda lib: lib.linspace(0, 1, 3),
        lambda lib: lib.eye(2),
        lambda lib: lib.randn(2),
        lambda lib: lib.rand(2),
        lambda lib: lib.randint(0, 3, (2,)),
    ],
)
def test_cuda_default_without_a_gpu_raises_on_creation(make, reset_default_device):
    for lib in (torch, ember):
        lib.set_default_device("cuda")
        # torch's CPU build raises AssertionError; ember raises RuntimeError, as it does for
        # every device='cuda' without a GPU (docs/differences.md)
        with pytest.raises((AssertionError, RuntimeError), match="not compiled with CUDA"):
            make(lib)
        with pytest.raises((AssertionError, RuntimeError)):
            lib.get_default_device()
        # explicit devices and tensors from NumPy arrays are not affected
        assert lib.zeros(2, device="cpu").device.type == "cpu"
        assert lib.from_numpy(np.ones(2)).device.type == "cpu"
        lib.set_default_device(None)
        assert lib.zeros(1).device.type == "cpu"
