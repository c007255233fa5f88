"""Optimizer state dicts through checkpoint files: torch.save -> ember.load and back.

These need ember.save/ember.load (the serialization issue, on another branch); until that is
merged they skip, and test_optimizers.py moves state through plain dicts of numpy arrays.
Both libraries resume from the same file, as a training script does (loading casts state such
as NAdam's mu_product to the parameter's dtype, in torch as in ember).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember

pytestmark = pytest.mark.skipif(
    not hasattr(ember, "save"), reason="ember.save/load are built on another branch"
)

CASES = [
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("Adam", {"lr": 0.05, "amsgrad": True}),
    ("NAdam", {"lr": 0.05}),
    ("ASGD", {"lr": 0.05, "t0": 2}),
    ("Rprop", {"lr": 0.01}),
]


def resume(name, kwargs, params, checkpoint):
    """Fresh optimizers of both libraries on (copies of) the params, loaded from one file."""
    tp = torch.tensor(params, requires_grad=True)
    ep = ember.tensor(params, requires_grad=True)
    topt = getattr(torch.optim, name)([tp], **kwargs)
    eopt = getattr(ember.optim, name)([ep], **kwargs)
    topt.load_state_dict(torch.load(checkpoint, weights_only=True))
    eopt.load_state_dict(ember.load(checkpoint))
    return tp, topt, ep, eopt


def step_both(tp, topt, ep, eopt, rng, steps=5):
    for _ in range(steps):
        g = rng.standard_normal((3, 4))
        tp.grad, ep.grad = torch.tensor(g), ember.tensor(g)
        topt.step()
        eopt.step()
        np.testing.assert_allclose(ep.detach().numpy(), tp.detach().numpy(), rtol=1e-10)


@pytest.mark.parametrize("name,kwargs", CASES, ids=[c[0] for c in CASES])
def test_checkpoint_files_move_state_between_libraries(name, kwargs, tmp_path):
    rng = np.random.default_rng(0)
    tp = torch.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    topt = getattr(torch.optim, name)([tp], **kwargs)
    for _ in range(5):
        tp.grad = torch.tensor(rng.standard_normal((3, 4)))
        topt.step()
    torch.save(topt.state_dict(), tmp_path / "torch.pt")

    tp, topt, ep, eopt = resume(name, kwargs, tp.detach().numpy(), tmp_path / "torch.pt")
    step_both(tp, topt, ep, eopt, rng)

    ember.save(eopt.state_dict(), tmp_path / "ember.pt")
    tp, topt, ep, eopt = resume(name, kwargs, ep.detach().numpy(), tmp_path / "ember.pt")
    step_both(tp, topt, ep, eopt, rng)
