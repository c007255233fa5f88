"""Names torch programs use outside the op table, against torch: nn.DataParallel without a GPU
(forward is the wrapped module's, the model sits at ``.module``, its state_dict keys start with
``module.``), the constants torch.pi and the rest, and the sampling functions as methods."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from compare import raises_same

import ember


def _pair():
    out = []
    for lib in (ember, torch):
        lib.manual_seed(0)
        out.append(lib.nn.DataParallel(lib.nn.Sequential(lib.nn.Linear(4, 3), lib.nn.ReLU())))
    e, t = out
    e.load_state_dict({k: ember.tensor(v.numpy()) for k, v in t.state_dict().items()})
    return e, t


def test_wraps_the_module_as_torch_does_without_a_gpu():
    e, t = _pair()
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict()) == ["module.0.weight", "module.0.bias"]
    assert e.device_ids == t.device_ids == []
    assert isinstance(e.module, ember.nn.Sequential)
    assert ember.nn.DataParallel is ember.nn.parallel.DataParallel
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    ye, yt = e(ember.tensor(x)), t(torch.tensor(x))
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-6, atol=1e-7)
    ye.sum().backward()
    yt.sum().backward()
    np.testing.assert_allclose(
        e.module[0].weight.grad.numpy(), t.module[0].weight.grad.numpy(), rtol=1e-6, atol=1e-7
    )


def test_keyword_inputs_and_a_checkpoint_of_the_inner_module():
    e, _ = _pair()
    inner = ember.nn.Sequential(ember.nn.Linear(4, 3), ember.nn.ReLU())
    inner.load_state_dict(e.module.state_dict())  # the usual way to unwrap a DP checkpoint
    x = ember.ones(2, 4)
    np.testing.assert_array_equal(inner(x).detach().numpy(), e(input=x).detach().numpy())


def test_constants_as_torch():
    for name in ("pi", "e", "inf"):
        assert getattr(ember, name) == getattr(torch, name)
    assert math.isnan(ember.nan) and ember.newaxis is torch.newaxis is None
    assert ember.ones(3)[ember.newaxis].shape == (1, 3)


@pytest.mark.parametrize("method", ["multinomial", "bernoulli"])
def test_sampling_functions_are_methods_too(method):
    probs = ember.tensor([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    args = (2, True) if method == "multinomial" else ()
    draws = getattr(probs, method)(*args)
    want = ([[1, 1], [0, 0]] if method == "multinomial" else [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    assert draws.tolist() == want


def test_ieee_special_values_compute_without_numpys_warnings():
    """torch computes log(0), 0/0 and float16 overflow silently; ember's NumPy calls do too,
    while a program's own NumPy calls still warn (a fresh interpreter: default filters)."""
    import subprocess
    import sys

    code = (
        "import numpy as np, ember\n"
        "z = ember.zeros(2)\n"
        "print(ember.log(z).tolist(), (z / z).isnan().all().item(),\n"
        "      ember.sqrt(z - 1).isnan().all().item())\n"
        "half = ember.tensor([60000.0], dtype=ember.float16)\n"
        "print((half * 2).item(), ember.exp(ember.tensor([1e4])).item())\n"
        "np.log(np.zeros(1))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["[-inf,", "-inf]", "True", "True", "inf", "inf"]
    warned = [line for line in run.stderr.splitlines() if "RuntimeWarning" in line]
    assert len(warned) == 1 and "<string>" in warned[0]  # only the program's own np.log


def test_tensor_layout_and_memory_queries_as_torch():
    for lib in (ember, torch):
        x = lib.ones(2, 3)
        assert x.output_nr == 0 and not x.is_pinned() and x.const_data_ptr() == x.data_ptr()
        a, b = lib.ones(3, requires_grad=True).split([1, 2])
        assert (a.output_nr, b.output_nr) == (0, 1)
        assert x.dim_order() == (0, 1) and x.t().dim_order() == (1, 0)
        assert lib.ones(2, 3, 4).permute(2, 0, 1).dim_order() == (1, 2, 0)
        y = x.new_empty_strided((2, 2), (1, 2))
        assert y.stride() == (1, 2) and y.dtype == x.dtype
    raises_same(lambda lib: lib.ones(2).pin_memory())  # no accelerator here
