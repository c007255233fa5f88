"""Inference tensors, against torch: tensors made inside inference_mode (and their views) say
so, and cannot be saved for backward, updated in place outside inference_mode, or made to
require grad; ops that save nothing (add) may still use them."""

from __future__ import annotations

import pytest
import torch
from compare import raises_same

import ember


def _inference(lib):
    with lib.inference_mode():
        x = lib.ones(3)
        return x, x * 2


def test_made_inside_inference_mode_and_views_are_inference_tensors():
    for lib in (ember, torch):
        x, y = _inference(lib)
        assert x.is_inference() and y.is_inference() and lib.is_inference(x)
        assert x[:2].is_inference() and x.detach().is_inference()
        assert not x.clone().is_inference() and not (x + 1).is_inference()
        with lib.no_grad():
            assert not lib.ones(1).is_inference()
        with lib.inference_mode(False):
            assert not lib.ones(1).is_inference()
        w = lib.ones(3, requires_grad=True)
        (x + w).sum().backward()  # add saves nothing: allowed
        assert w.grad.tolist() == [1.0, 1.0, 1.0]
        with lib.inference_mode():
            x.add_(1)  # in place inside inference_mode: allowed
        assert x.tolist() == [2.0, 2.0, 2.0]


@pytest.mark.parametrize(
    "use",
    [
        lambda lib, x, w: (x * w).sum().backward(),  # saved for backward
        lambda lib, x, w: w @ x,
        lambda lib, x, w: lib.nn.functional.linear(x.view(1, 3), w.view(1, 3)),
        lambda lib, x, w: x.add_(1),  # in place outside inference_mode
        lambda lib, x, w: x[:1].mul_(2),
        lambda lib, x, w: x.__setitem__(0, 5.0),
        lambda lib, x, w: x.requires_grad_(),
    ],
    ids=["mul", "matmul", "linear", "add_", "view mul_", "setitem", "requires_grad_"],
)
def test_misuse_raises_as_torch(use):
    raises_same(lambda lib: use(lib, _inference(lib)[0], lib.ones(3, requires_grad=True)))
