"""Views alias their base as torch's do: writes through every kind of view show in the base
(and the base's writes in the view), and gradients through in-place writes on views match."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember

VIEWS = {
    "view": lambda x: x.view(4, 6),
    "view-1": lambda x: x.view(-1),
    "view_as": lambda x: x.view_as(x.new_zeros(6, 4)),
    "reshape": lambda x: x.reshape(2, 12),
    "flatten": lambda x: x.flatten(1),
    "unflatten": lambda x: x.unflatten(2, (2, 2)),
    "squeeze": lambda x: x[:, :1].squeeze(1),
    "unsqueeze": lambda x: x.unsqueeze(1),
    "permute": lambda x: x.permute(2, 0, 1),
    "transpose": lambda x: x.transpose(0, 2),
    "swapaxes": lambda x: x.swapaxes(1, 2),
    "movedim": lambda x: x.movedim(0, -1),
    "t": lambda x: x[0].t(),
    "T": lambda x: x[0].T,
    "mT": lambda x: x.mT,
    "narrow": lambda x: x.narrow(2, 1, 2),
    "select": lambda x: x.select(1, -1),
    "diagonal": lambda x: x.diagonal(0, 1, 2),
    "diagonal-offset": lambda x: x.diagonal(-1, 1, 2),
    "unfold": lambda x: x[0].unfold(1, 2, 2),
    "as_strided": lambda x: x.as_strided((3, 2), (4, 1), 1),
    "slice-step": lambda x: x[:, ::2, 1:],
    "int-slice": lambda x: x[1, 1:, -1],
    "none-ellipsis": lambda x: x[None, ..., 0],
    "tensor_split": lambda x: x.tensor_split([1, 3], dim=2)[1],
    "chained": lambda x: x.transpose(0, 1)[1:].reshape(2, 2, 4)[:, 0],
    "detach": lambda x: x.detach(),
    "ravel": lambda x: x.ravel(),
    "swapdims": lambda x: x.swapdims(0, 1),
    "moveaxis": lambda x: x.moveaxis(2, 0),
    "adjoint": lambda x: x.adjoint(),
    "expand-then-slice": lambda x: x[:, :1].expand(2, 3, 4)[:, 0],
    "split": lambda x: x.split(2, dim=2)[1],
    "chunk": lambda x: x.chunk(3, dim=1)[2],
    "unbind": lambda x: x.unbind(1)[1],
    "hsplit": lambda x: x.hsplit(3)[0],
    "split_with_sizes": lambda x: x.split_with_sizes([1, 3], dim=2)[1],
    "int-tensor": lambda x: x[ember.tensor(1) if isinstance(x, ember.Tensor) else torch.tensor(1)],
}


def _base(lib):
    return lib.arange(24.0).reshape(2, 3, 4)


@pytest.mark.parametrize("name", VIEWS)
def test_write_through_view(name):
    results = []
    for lib in (torch, ember):
        x = _base(lib)
        v = VIEWS[name](x)
        v.mul_(-1)
        v.add_(0.5)
        seen = v.clone()
        x.add_(100)  # the base's write shows in the view
        results.append((x, seen, v, x._version, v._version))
    (tx, ts, tv, txv, tvv), (ex, es, ev, exv, evv) = results
    np.testing.assert_array_equal(ex.numpy(), tx.numpy())
    np.testing.assert_array_equal(es.numpy(), ts.numpy())
    np.testing.assert_array_equal(ev.numpy(), tv.numpy())
    assert (exv, evv) == (txv, tvv)
    assert ev.stride() == tv.stride()
    assert ev.is_contiguous() == tv.is_contiguous()
    assert ev.storage_offset() == tv.storage_offset()


MULTI_OUTPUT = {"split", "chunk", "unbind", "hsplit", "split_with_sizes"}


@pytest.mark.parametrize("name", [n for n in VIEWS if n != "detach" and n not in MULTI_OUTPUT])
def test_inplace_on_view_gradients(name):
    grads = []
    for lib in (torch, ember):
        rng = np.random.default_rng(0)
        leaf = lib.tensor(rng.standard_normal((2, 3, 4)), requires_grad=True)
        y = lib.tensor(rng.standard_normal(()), requires_grad=True)
        x = leaf * 2
        v = VIEWS[name](x)
        v.mul_(y)
        w = lib.tensor(rng.standard_normal((2, 3, 4)))
        loss = (x * x * w).sum() + v.sum()
        grads.append(lib.autograd.grad(loss, [leaf, y], create_graph=True))
        grads[-1] += lib.autograd.grad(grads[-1][1], [leaf])
    for e, t in zip(grads[1], grads[0]):
        np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-10)


def test_multi_output_views_refuse_recorded_inplace():
    for lib in (torch, ember):
        x = lib.ones(3, 4, requires_grad=True) * 1
        for parts in (x.unbind(0), x.split(2), x.chunk(2, 1)):
            with pytest.raises(RuntimeError):
                parts[0].add_(1)


def test_identity():
    x = ember.zeros(3, 4)
    assert x[0].data_ptr() == x.data_ptr()
    assert x[1].data_ptr() == x.data_ptr() + 16
    assert x.contiguous() is x
    assert x.t().contiguous() is not x.t()
    assert x.t().contiguous().is_contiguous()


def test_tensors_with_views_pickle_and_deepcopy():
    import copy
    import pickle

    pe = ember.zeros(3, 4)
    rows = [pe[0], pe[:, 1]]
    clone = pickle.loads(pickle.dumps(pe))
    twin = copy.deepcopy(pe)
    y = ember.ones(4, requires_grad=True)
    twin[0] = y  # a recorded write into the copy leaves the original's views alone
    assert rows[0].grad_fn is None and not rows[0].requires_grad
    assert clone.shape == pe.shape


def test_scatter_into_view_gradients():
    """``*_scatter``: the input gets the gradient outside the written region, src inside it."""
    x = ember.arange(12.0).reshape(3, 4).requires_grad_()
    src = ember.ones(2, 2, requires_grad=True)
    out = ember.as_strided_scatter(x, src, (2, 2), (1, 4), 1)
    out.backward(ember.arange(12.0).reshape(3, 4) + 1)
    written = np.zeros((3, 4), bool)
    written[[0, 0, 1, 1], [1, 2, 1, 2]] = True
    up = np.arange(12.0).reshape(3, 4) + 1
    np.testing.assert_array_equal(x.grad.numpy(), np.where(written, 0, up))
    np.testing.assert_array_equal(src.grad.numpy(), [[2, 6], [3, 7]])
