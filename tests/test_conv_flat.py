"""The stride-1 convolution kernels (shifted row slices of the channels-last padded plane)
against torch, on shapes wide enough to take that path: outputs, gradients of input and weight,
and double backward; 1-D, 2-D and 3-D, dilation, 'same' padding and transposed convolution."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from ember.backends import im2col, parallel

CASES = {
    # name: (functional, input shape, weight shape, keyword arguments)
    "conv2d-pad1": ("conv2d", (2, 8, 20, 20), (9, 8, 3, 3), dict(padding=1)),
    "conv2d-dilated-same": (
        "conv2d",
        (2, 8, 11, 13),
        (8, 8, 3, 2),
        dict(padding="same", dilation=2),
    ),
    "conv2d-1x1": ("conv2d", (3, 8, 6, 7), (10, 8, 1, 1), {}),
    # the rows' shared gaps: padding wider than the kernel reaches (the output outgrows the
    # input), padding on one dim only, and 'same' with an even kernel (padding 1 low, 2 high)
    "conv2d-pad3": ("conv2d", (2, 8, 9, 10), (8, 8, 3, 3), dict(padding=3)),
    "conv2d-pad-0-2": ("conv2d", (2, 8, 9, 10), (8, 8, 3, 3), dict(padding=(0, 2))),
    "conv2d-same-even": ("conv2d", (2, 8, 9, 10), (8, 8, 4, 4), dict(padding="same")),
    "conv1d-valid": ("conv1d", (2, 8, 40), (9, 8, 5), {}),
    "conv3d-pad1": ("conv3d", (2, 8, 10, 10, 10), (8, 8, 3, 3, 3), dict(padding=1)),
    "conv_transpose2d": ("conv_transpose2d", (2, 9, 12, 12), (9, 8, 3, 3), dict(padding=1)),
}


def _run(lib, name, x, w, kwargs, dtype):
    xt = lib.tensor(x, dtype=getattr(lib, dtype), requires_grad=True)
    wt = lib.tensor(w, dtype=getattr(lib, dtype), requires_grad=True)
    y = getattr(lib.nn.functional, name)(xt, wt, **kwargs)
    up = lib.tensor(np.linspace(-1, 1, y.numel()).reshape(tuple(y.shape)), dtype=y.dtype)
    gx, gw = lib.autograd.grad((y * up).sum(), (xt, wt), create_graph=True)
    gg = lib.autograd.grad((gx * gx).sum() + (gw * gw).sum(), (xt, wt))
    return [t.detach().numpy() for t in (y, gx, gw) + tuple(gg)]


@pytest.fixture(params=["whole", "split"])
def batch_split(request, monkeypatch):
    """'split': every kernel splits its batch over up to 3 threads, however small; yields the
    list of slice counts each split call made."""
    counts = []
    if request.param == "split":
        if parallel.blas() is None:
            pytest.skip("NumPy's BLAS is not OpenBLAS: kernels never split the batch")
        monkeypatch.setattr(parallel, "MIN_WORK", 0)
        monkeypatch.setitem(parallel._state, "threads", 3)
        real = parallel.over_batch
        monkeypatch.setattr(
            parallel, "over_batch", lambda *a: counts.append(len(r := real(*a))) or r
        )
    yield request.param, counts
    monkeypatch.undo()
    if parallel.blas() is not None:  # a split set OpenBLAS back to 3 threads
        parallel.blas().set_threads(parallel.threads())


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_flat_path_matches_torch(case, dtype, monkeypatch, batch_split):
    name, xs, ws, kwargs = CASES[case]
    calls = []
    for kernel in ("_flat_forward", "_flat_weight_grad", "_flat_input_grad"):
        real = getattr(im2col, kernel)
        monkeypatch.setattr(
            im2col, kernel, lambda *a, _r=real, _k=kernel: calls.append(_k) or _r(*a)
        )
    rng = np.random.default_rng(0)
    x, w = rng.uniform(-1, 1, xs), rng.uniform(-1, 1, ws)
    got = _run(ember, name, x, w, kwargs, dtype)
    want = _run(torch, name, x, w, kwargs, dtype)
    tol = 1e-4 if dtype == "float32" else 1e-10
    for g, e in zip(got, want):
        assert g.shape == e.shape and g.dtype == e.dtype
        np.testing.assert_allclose(g, e, rtol=tol, atol=tol * np.abs(e).max())
    expected = {"_flat_weight_grad", "_flat_input_grad"}
    if case in ("conv2d-pad1", "conv2d-1x1", "conv1d-valid"):  # grids at most 1.25x the output
        expected.add("_flat_forward")
    assert expected <= set(calls)
    mode, counts = batch_split
    if mode == "split":  # each flat kernel ran on one slice per image (batch 2 or 3)
        assert counts and all(c == min(3, xs[0]) for c in counts)


def test_empty_batch():
    x = ember.zeros(0, 8, 20, 20, requires_grad=True)
    w = ember.ones(8, 8, 3, 3, requires_grad=True)
    y = ember.nn.functional.conv2d(x, w, padding=1)
    y.sum().backward()
    assert tuple(y.shape) == (0, 8, 20, 20) and tuple(x.grad.shape) == (0, 8, 20, 20)
    assert float(w.grad.abs().sum()) == 0.0


IM2COL_CASES = {
    # the paths that copy windows (im2col): few channels, strides, groups
    "conv2d-1-channel": ("conv2d", (3, 1, 17, 17), (4, 1, 3, 3), dict(padding=1)),
    "conv2d-3-channels-stride2": ("conv2d", (3, 3, 16, 20), (5, 3, 3, 3), dict(stride=2)),
    "conv2d-groups": ("conv2d", (2, 4, 9, 9), (6, 2, 3, 3), dict(groups=2, padding=1)),
    "conv1d-stride3": ("conv1d", (3, 2, 40), (4, 2, 5), dict(stride=3, padding=2)),
    "conv3d-stride2": ("conv3d", (2, 2, 7, 8, 9), (3, 2, 3, 3, 3), dict(stride=2)),
    "conv2d-wide-image": ("conv2d", (2, 2, 20, 20), (3, 2, 3, 3), dict(stride=1)),  # >= 256
}


@pytest.mark.parametrize("case", sorted(IM2COL_CASES))
def test_im2col_paths_match_torch(case, batch_split):
    name, xs, ws, kwargs = IM2COL_CASES[case]
    rng = np.random.default_rng(1)
    x, w = rng.uniform(-1, 1, xs), rng.uniform(-1, 1, ws)
    got = _run(ember, name, x, w, kwargs, "float64")
    want = _run(torch, name, x, w, kwargs, "float64")
    for g, e in zip(got, want):
        assert g.shape == e.shape
        np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-10 * np.abs(e).max())
    mode, counts = batch_split
    if mode == "split":
        assert counts and max(counts) == min(3, xs[0])


@pytest.mark.parametrize(
    "case", ["conv2d-pad1", "conv2d-dilated-same", "conv1d-valid", "conv3d-pad1"]
)
def test_plain_backward_takes_both_gradients_in_one_pass(case, batch_split, monkeypatch):
    name, xs, ws, kwargs = CASES[case]
    fused = []
    real = im2col.conv_backward
    monkeypatch.setattr(
        im2col, "conv_backward", lambda *a, **k: fused.append(r := real(*a, **k)) or r
    )
    rng = np.random.default_rng(2)
    x, w = rng.uniform(-1, 1, xs), rng.uniform(-1, 1, ws)
    results = []
    for lib in (ember, torch):
        xt = lib.tensor(x, requires_grad=True)
        wt = lib.tensor(w, requires_grad=True)
        y = getattr(lib.nn.functional, name)(xt, wt, **kwargs)
        y.backward(lib.tensor(np.linspace(-1, 1, y.numel()).reshape(tuple(y.shape))))
        results.append((xt.grad.numpy(), wt.grad.numpy()))
    for got, want in zip(*results):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10 * np.abs(want).max())
    assert fused and all(r is not None for r in fused)  # the one-pass kernel gave them
