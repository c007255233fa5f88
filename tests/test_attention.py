"""Attention and Transformer layers against torch, weight for weight."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

import ember


def _copy(tm, em):
    em.load_state_dict(
        {k: ember.from_numpy(v.detach().numpy().copy()) for k, v in tm.state_dict().items()}
    )


def _leaves(arrays):
    t = [torch.from_numpy(a.copy()).requires_grad_(True) for a in arrays]
    e = [ember.from_numpy(a.copy()).requires_grad_(True) for a in arrays]
    return t, e


def _check(t_out, e_out, t_in, e_in, tm=None, em=None, tol=1e-9):
    t_out = [o for o in (t_out if isinstance(t_out, tuple) else (t_out,)) if o is not None]
    e_out = [o for o in (e_out if isinstance(e_out, tuple) else (e_out,)) if o is not None]
    assert len(t_out) == len(e_out)
    rng = np.random.default_rng(5)
    t_total, e_total = 0, 0
    for a, b in zip(e_out, t_out):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=tol, atol=tol)
        u = rng.standard_normal(tuple(b.shape))
        t_total = t_total + (b * torch.from_numpy(u)).sum()
        e_total = e_total + (a * ember.from_numpy(u)).sum()
    t_total.backward()
    e_total.backward()
    for a, b in zip(e_in, t_in):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=tol * 10, atol=tol * 10)
    if tm is not None:
        tp = dict(tm.named_parameters())
        for name, p in em.named_parameters():
            np.testing.assert_allclose(
                p.grad.numpy(), tp[name].grad.numpy(), rtol=tol * 10, atol=tol * 10, err_msg=name
            )


SDPA_CASES = [
    {},
    {"is_causal": True},
    {"scale": 0.3},
    {"mask": "bool"},
    {"mask": "float"},
    {"gqa": True},
]


@pytest.mark.parametrize("case", SDPA_CASES, ids=[str(c) for c in SDPA_CASES])
def test_scaled_dot_product_attention(case):
    rng = np.random.default_rng(0)
    heads_kv = 1 if case.get("gqa") else 3
    arrays = [
        rng.standard_normal((2, 3, 4, 8)),
        rng.standard_normal((2, heads_kv, 6, 8)),
        rng.standard_normal((2, heads_kv, 6, 5)),
    ]
    kwargs = {k: v for k, v in case.items() if k in ("is_causal", "scale")}
    if case.get("gqa"):
        kwargs["enable_gqa"] = True
    if case.get("mask") == "float":
        arrays.append(rng.standard_normal((4, 6)))
    t_in, e_in = _leaves(arrays)
    t_args, e_args = list(t_in[:3]), list(e_in[:3])
    if case.get("mask") == "bool":
        m = rng.random((2, 1, 4, 6)) > 0.3
        m[..., 0] = True
        kwargs_t = dict(kwargs, attn_mask=torch.from_numpy(m))
        kwargs_e = dict(kwargs, attn_mask=ember.from_numpy(m))
    elif case.get("mask") == "float":
        kwargs_t = dict(kwargs, attn_mask=t_in[3])
        kwargs_e = dict(kwargs, attn_mask=e_in[3])
    else:
        kwargs_t = kwargs_e = kwargs
    t_out = torch.nn.functional.scaled_dot_product_attention(*t_args, **kwargs_t)
    e_out = ember.nn.functional.scaled_dot_product_attention(*e_args, **kwargs_e)
    _check(t_out, e_out, t_in, e_in)


def test_sdpa_double_backward_and_dropout():
    rng = np.random.default_rng(1)
    arrays = [rng.standard_normal((2, 3, 4)) for _ in range(3)]
    t_in, e_in = _leaves(arrays)
    t_g = torch.autograd.grad(
        torch.nn.functional.scaled_dot_product_attention(*t_in).sum(), t_in, create_graph=True
    )
    e_g = ember.autograd.grad(
        ember.nn.functional.scaled_dot_product_attention(*e_in).sum(), e_in, create_graph=True
    )
    t_gg = torch.autograd.grad(sum((g * g).sum() for g in t_g), t_in)
    e_gg = ember.autograd.grad(sum((g * g).sum() for g in e_g), e_in)
    for a, b in zip(e_gg, t_gg):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-8, atol=1e-10)
    x = ember.ones(1, 200, 200)
    out = ember.nn.functional.scaled_dot_product_attention(x, x, x, dropout_p=0.5)
    # without dropout every output is exactly 1 (uniform weights over ones); with it each is
    # a rescaled mean of ~100 kept weights: it varies, and is 1 in expectation
    values = out.numpy()
    assert values.std() > 0.02
    assert abs(values.mean() - 1) < 0.02


MHA_CASES = list(itertools.product([False, True], [False, True], [False, True], [False, True]))


@pytest.mark.parametrize("batch_first,kv_dims,bias_kv,zero_attn", MHA_CASES)
def test_multihead_attention(batch_first, kv_dims, bias_kv, zero_attn):
    kdim = 6 if kv_dims else None
    vdim = 5 if kv_dims else None
    kwargs = dict(
        batch_first=batch_first, kdim=kdim, vdim=vdim, add_bias_kv=bias_kv, add_zero_attn=zero_attn
    )
    tm = torch.nn.MultiheadAttention(8, 2, **kwargs).double()
    em = ember.nn.MultiheadAttention(8, 2, **kwargs).double()
    assert list(tm.state_dict()) == list(em.state_dict())
    _copy(tm, em)
    rng = np.random.default_rng(0)
    L, S, N = 4, 5, 3
    shape = (lambda n, s, d: (n, s, d)) if batch_first else (lambda n, s, d: (s, n, d))
    arrays = [
        rng.standard_normal(shape(N, L, 8)),
        rng.standard_normal(shape(N, S, kdim or 8)),
        rng.standard_normal(shape(N, S, vdim or 8)),
    ]
    t_in, e_in = _leaves(arrays)
    pad = rng.random((N, S)) > 0.7
    pad[:, 0] = False
    attn = rng.random((L, S)) > 0.8
    attn[:, 0] = False
    t_out = tm(*t_in, key_padding_mask=torch.from_numpy(pad), attn_mask=torch.from_numpy(attn))
    e_out = em(*e_in, key_padding_mask=ember.from_numpy(pad), attn_mask=ember.from_numpy(attn))
    _check(t_out, e_out, t_in, e_in, tm, em)


def test_multihead_attention_weight_options_and_unbatched():
    tm = torch.nn.MultiheadAttention(8, 4).double()
    em = ember.nn.MultiheadAttention(8, 4).double()
    _copy(tm, em)
    x = np.random.default_rng(0).standard_normal((5, 8))
    t_in, e_in = _leaves([x])
    mask = np.random.default_rng(1).standard_normal((4 * 1, 5, 5))
    t_out = tm(
        t_in[0], t_in[0], t_in[0], average_attn_weights=False, attn_mask=torch.from_numpy(mask[0])
    )
    e_out = em(
        e_in[0], e_in[0], e_in[0], average_attn_weights=False, attn_mask=ember.from_numpy(mask[0])
    )
    _check(t_out, e_out, t_in, e_in, tm, em)
    assert em(e_in[0], e_in[0], e_in[0], need_weights=False)[1] is None
    assert repr(tm) == repr(em)


LAYER_CASES = list(itertools.product([False, True], [False, True], ["relu", "gelu"]))


@pytest.mark.parametrize("norm_first,batch_first,activation", LAYER_CASES)
def test_encoder_and_decoder_layers(norm_first, batch_first, activation):
    kwargs = dict(
        dim_feedforward=16,
        dropout=0.0,
        activation=activation,
        batch_first=batch_first,
        norm_first=norm_first,
    )
    rng = np.random.default_rng(0)
    shape = (2, 5, 8) if batch_first else (5, 2, 8)
    tm = torch.nn.TransformerEncoderLayer(8, 2, **kwargs).double()
    em = ember.nn.TransformerEncoderLayer(8, 2, **kwargs).double()
    _copy(tm, em)
    t_in, e_in = _leaves([rng.standard_normal(shape)])
    mask = torch.nn.Transformer.generate_square_subsequent_mask(5).double()
    e_mask = ember.nn.Transformer.generate_square_subsequent_mask(5, dtype=ember.float64)
    _check(tm(t_in[0], src_mask=mask), em(e_in[0], src_mask=e_mask), t_in, e_in, tm, em)
    td = torch.nn.TransformerDecoderLayer(8, 2, **kwargs).double()
    ed = ember.nn.TransformerDecoderLayer(8, 2, **kwargs).double()
    _copy(td, ed)
    t_in, e_in = _leaves([rng.standard_normal(shape), rng.standard_normal(shape)])
    _check(
        td(t_in[0], t_in[1], tgt_mask=mask),
        ed(e_in[0], e_in[1], tgt_mask=e_mask),
        t_in,
        e_in,
        td,
        ed,
    )


def test_full_transformer_and_mask():
    tm = torch.nn.Transformer(8, 2, 2, 2, 16, dropout=0.0).double()
    em = ember.nn.Transformer(8, 2, 2, 2, 16, dropout=0.0).double()
    assert list(tm.state_dict()) == list(em.state_dict())
    _copy(tm, em)
    rng = np.random.default_rng(0)
    t_in, e_in = _leaves([rng.standard_normal((6, 2, 8)), rng.standard_normal((4, 2, 8))])
    t_mask = torch.nn.Transformer.generate_square_subsequent_mask(4).double()
    e_mask = ember.nn.Transformer.generate_square_subsequent_mask(4, dtype=ember.float64)
    np.testing.assert_array_equal(e_mask.numpy(), t_mask.numpy())
    _check(tm(*t_in, tgt_mask=t_mask), em(*e_in, tgt_mask=e_mask), t_in, e_in, tm, em)


def _train(lib, model, data, targets, vocab, steps=20, lr=0.1):
    losses = []
    for step in range(steps):
        model.zero_grad()
        logits = model(data[step % len(data)])
        loss = lib.nn.functional.cross_entropy(
            logits.reshape(-1, vocab), targets[step % len(data)].reshape(-1)
        )
        loss.backward()
        with lib.no_grad():
            for p in model.parameters():
                p.sub_(lr * p.grad)
        losses.append(loss.item())
    return losses


def _lm_pair(kind, vocab=11, d=16):
    def build(lib):
        nn = lib.nn

        class LM(nn.Module):
            def __init__(self):
                super().__init__()
                self.inp = nn.Linear(vocab, d)
                if kind == "lstm":
                    self.body = nn.LSTM(d, d, num_layers=2, batch_first=True)
                else:
                    layer = nn.TransformerEncoderLayer(
                        d, 2, 32, dropout=0.0, batch_first=True, norm_first=True
                    )
                    self.body = nn.TransformerEncoder(layer, 2)
                self.out = nn.Linear(d, vocab)

            def forward(self, x):
                h = self.inp(lib.nn.functional.one_hot(x, vocab).to(lib.float64))
                if kind == "lstm":
                    h, _ = self.body(h)
                else:
                    t = x.shape[1]
                    mask = lib.nn.Transformer.generate_square_subsequent_mask(t).to(lib.float64)
                    h = self.body(h, mask=mask, is_causal=True)
                return self.out(h)

        return LM().double()

    return build(torch), build(ember)


@pytest.mark.parametrize("kind", ["lstm", "transformer"])
def test_language_models_train_alike(kind):
    torch.manual_seed(0)
    tm, em = _lm_pair(kind)
    _copy(tm, em)
    rng = np.random.default_rng(0)
    seqs = rng.integers(0, 11, (4, 3, 9))
    t_data = [torch.from_numpy(s[:, :-1]) for s in seqs]
    t_tgt = [torch.from_numpy(s[:, 1:]) for s in seqs]
    e_data = [ember.from_numpy(s[:, :-1].copy()) for s in seqs]
    e_tgt = [ember.from_numpy(s[:, 1:].copy()) for s in seqs]
    lr = 1.0 if kind == "lstm" else 0.1  # plain SGD: the LSTM needs the larger step
    t_losses = _train(torch, tm, t_data, t_tgt, 11, lr=lr)
    e_losses = _train(ember, em, e_data, e_tgt, 11, lr=lr)
    np.testing.assert_allclose(e_losses, t_losses, rtol=1e-4)
    assert e_losses[-1] < e_losses[0]
