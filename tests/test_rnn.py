"""RNN, LSTM, GRU, their cells and packed sequences against torch, weight for weight."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

import ember


def _copy_weights(tm, em):
    state = {k: ember.from_numpy(v.detach().numpy().copy()) for k, v in tm.state_dict().items()}
    em.load_state_dict(state)


def _pair(mode, dtype, *args, **kwargs):
    tm = getattr(torch.nn, mode)(*args, **kwargs).to(getattr(torch, dtype))
    em = getattr(ember.nn, mode)(*args, **kwargs).to(getattr(ember, dtype))
    _copy_weights(tm, em)
    return tm, em


def _leaf(lib, array):
    return lib.from_numpy(array.copy()).requires_grad_(True)


def _flat(out):
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in _flat(o)]
    return [out]


def _compare(t_outs, e_outs, t_inputs, e_inputs, tm, em, rtol):
    t_outs, e_outs = _flat(t_outs), _flat(e_outs)
    for a, b in zip(e_outs, t_outs):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=rtol, atol=rtol)
    rng = np.random.default_rng(1)
    ups = [rng.standard_normal(tuple(o.shape)) for o in t_outs]
    t_total = sum((o * torch.from_numpy(u).to(o.dtype)).sum() for o, u in zip(t_outs, ups))
    e_total = sum((o * ember.from_numpy(u).to(o.dtype)).sum() for o, u in zip(e_outs, ups))
    t_total.backward()
    e_total.backward()
    for a, b in zip(e_inputs, t_inputs):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=rtol * 10, atol=rtol * 10)
    t_params = dict(tm.named_parameters())
    for name, p in em.named_parameters():
        np.testing.assert_allclose(
            p.grad.numpy(),
            t_params[name].grad.numpy(),
            rtol=rtol * 10,
            atol=rtol * 10,
            err_msg=name,
        )


CONFIGS = list(
    itertools.product(["RNN", "LSTM", "GRU"], [1, 2], [False, True], [False, True], [True, False])
)


@pytest.mark.parametrize("mode,layers,batch_first,bidirectional,bias", CONFIGS)
def test_layers_match_torch(mode, layers, batch_first, bidirectional, bias):
    tm, em = _pair(
        mode,
        "float64",
        5,
        6,
        num_layers=layers,
        batch_first=batch_first,
        bidirectional=bidirectional,
        bias=bias,
    )
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4, 5) if batch_first else (4, 3, 5))
    directions = 2 if bidirectional else 1
    h0 = rng.standard_normal((layers * directions, 3, 6))
    tx, ex, th, eh = _leaf(torch, x), _leaf(ember, x), _leaf(torch, h0), _leaf(ember, h0)
    if mode == "LSTM":
        c0 = rng.standard_normal((layers * directions, 3, 6))
        tc, ec = _leaf(torch, c0), _leaf(ember, c0)
        _compare(tm(tx, (th, tc)), em(ex, (eh, ec)), [tx, th, tc], [ex, eh, ec], tm, em, 1e-9)
    else:
        _compare(tm(tx, th), em(ex, eh), [tx, th], [ex, eh], tm, em, 1e-9)


@pytest.mark.parametrize("bidirectional", [False, True])
def test_lstm_projection_and_float32(bidirectional):
    tm, em = _pair("LSTM", "float32", 4, 8, num_layers=2, proj_size=3, bidirectional=bidirectional)
    x = np.random.default_rng(0).standard_normal((5, 2, 4)).astype(np.float32)
    tx, ex = _leaf(torch, x), _leaf(ember, x)
    _compare(tm(tx), em(ex), [tx], [ex], tm, em, 1e-5)
    assert list(tm.state_dict()) == list(em.state_dict())


@pytest.mark.parametrize("mode", ["RNN", "LSTM", "GRU"])
def test_unbatched_input(mode):
    tm, em = _pair(mode, "float64", 3, 4)
    x = np.random.default_rng(0).standard_normal((6, 3))
    tx, ex = _leaf(torch, x), _leaf(ember, x)
    _compare(tm(tx), em(ex), [tx], [ex], tm, em, 1e-9)


@pytest.mark.parametrize(
    "mode,bidirectional", itertools.product(["RNN", "LSTM", "GRU"], [False, True])
)
def test_packed_sequences(mode, bidirectional):
    tm, em = _pair(mode, "float64", 3, 4, num_layers=2, bidirectional=bidirectional)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 4, 3))
    lengths = [3, 5, 2, 4]
    tx, ex = _leaf(torch, x), _leaf(ember, x)
    tp = torch.nn.utils.rnn.pack_padded_sequence(tx, lengths, enforce_sorted=False)
    ep = ember.nn.utils.rnn.pack_padded_sequence(ex, lengths, enforce_sorted=False)
    np.testing.assert_allclose(ep.data.detach().numpy(), tp.data.detach().numpy())
    assert ep.batch_sizes.tolist() == tp.batch_sizes.tolist()
    t_out, t_state = tm(tp)
    e_out, e_state = em(ep)
    t_pad, t_len = torch.nn.utils.rnn.pad_packed_sequence(t_out, total_length=6)
    e_pad, e_len = ember.nn.utils.rnn.pad_packed_sequence(e_out, total_length=6)
    assert e_len.tolist() == t_len.tolist()
    _compare((t_pad, t_state), (e_pad, e_state), [tx], [ex], tm, em, 1e-9)


@pytest.mark.parametrize("mode", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cells(mode):
    tm, em = _pair(mode, "float64", 3, 5)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3))
    tx, ex = _leaf(torch, x), _leaf(ember, x)
    t_state, e_state = None, None
    t_outs, e_outs = [], []
    for _ in range(3):  # a few steps, feeding the state back
        t_state = tm(tx, t_state)
        e_state = em(ex, e_state)
        t_outs.append(t_state)
        e_outs.append(e_state)
    _compare(t_outs, e_outs, [tx], [ex], tm, em, 1e-9)
    assert em(ember.zeros(3, dtype=ember.float64))[0].shape == tm(torch.zeros(3).double())[0].shape


def test_padding_utilities():
    rng = np.random.default_rng(0)
    seqs = [rng.standard_normal((n, 2)) for n in (4, 2, 3)]
    ts = [torch.from_numpy(s) for s in seqs]
    es = [ember.from_numpy(s) for s in seqs]
    for kwargs in (
        {},
        {"batch_first": True},
        {"padding_value": -1.0},
        {"batch_first": True, "padding_side": "left"},
    ):
        np.testing.assert_array_equal(
            ember.nn.utils.rnn.pad_sequence(es, **kwargs).numpy(),
            torch.nn.utils.rnn.pad_sequence(ts, **kwargs).numpy(),
        )
    tp = torch.nn.utils.rnn.pack_sequence(ts, enforce_sorted=False)
    ep = ember.nn.utils.rnn.pack_sequence(es, enforce_sorted=False)
    np.testing.assert_array_equal(ep.data.numpy(), tp.data.numpy())
    assert ep.sorted_indices.tolist() == tp.sorted_indices.tolist()
    back = ember.nn.utils.rnn.unpack_sequence(ep)
    for a, b in zip(back, seqs):
        np.testing.assert_array_equal(a.numpy(), b)
    with pytest.raises(RuntimeError):
        ember.nn.utils.rnn.pack_padded_sequence(ember.zeros(3, 2, 1), [1, 3])


def test_errors_and_repr():
    with pytest.raises(ValueError):
        ember.nn.LSTM(3, 4, dropout=2.0)
    with pytest.raises(ValueError):
        ember.nn.GRU(3, 4, proj_size=2)
    lstm = ember.nn.LSTM(3, 4)
    with pytest.raises(RuntimeError):
        lstm(ember.zeros(2, 1, 5))
    assert repr(ember.nn.LSTM(3, 4, num_layers=2, batch_first=True, dropout=0.5)) == repr(
        torch.nn.LSTM(3, 4, num_layers=2, batch_first=True, dropout=0.5)
    )
    assert repr(ember.nn.GRUCell(3, 4, bias=False)) == repr(torch.nn.GRUCell(3, 4, bias=False))
    lstm.flatten_parameters()


@pytest.mark.parametrize("mode", ["RNN", "GRU", "LSTM"])
@pytest.mark.parametrize(
    "shape, batch_first", [((0, 2, 3), False), ((2, 0, 3), True), ((0, 3), False)]
)
def test_an_empty_sequence_is_refused_as_in_torch(mode, shape, batch_first):
    for lib in (ember, torch):
        layer = getattr(lib.nn, mode)(3, 4, batch_first=batch_first)
        with pytest.raises(RuntimeError, match="sequence length to be larger than 0"):
            layer(lib.zeros(*shape))


def test_dropout_between_layers_only_in_training():
    em = ember.nn.GRU(3, 4, num_layers=2, dropout=0.5)
    x = ember.randn(5, 2, 3)
    em.eval()
    a, _ = em(x)
    b, _ = em(x)
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    em.train()
    c, _ = em(x)
    assert not np.allclose(a.detach().numpy(), c.detach().numpy())


def test_default_initialisation_bounds():
    em = ember.nn.LSTM(10, 25)
    bound = 1 / 25**0.5
    values = np.concatenate([p.detach().numpy().ravel() for p in em.parameters()])
    assert values.min() >= -bound and values.max() <= bound
    assert abs(values.mean()) < 0.01 and values.std() > bound / 2


@pytest.mark.parametrize("proj_size", [0, 2])
def test_lstm_double_backward_matches_torch(proj_size):
    tm, em = _pair("LSTM", "float64", 3, 4, num_layers=2, proj_size=proj_size, bidirectional=True)
    x = np.random.default_rng(5).standard_normal((5, 2, 3))
    grads = []
    for lib, m in ((torch, tm), (ember, em)):
        xt = _leaf(lib, x)
        y, _ = m(xt)
        (g,) = lib.autograd.grad((y * y).sum(), xt, create_graph=True)
        params = list(m.parameters())
        grads.append(lib.autograd.grad((g * g).sum(), [xt] + params))
    for e, t in zip(grads[1], grads[0]):
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-8, atol=1e-8)
