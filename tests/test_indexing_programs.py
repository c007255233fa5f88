"""Indexing and in-place lines as real programs write them, run in both libraries."""

from __future__ import annotations

import math

import numpy as np
import torch

import ember


def top_k_top_p(lib, logits, k=5, p=0.8):
    """nanoGPT-style top-k, then nucleus (top-p) filtering of logits."""
    v, _ = lib.topk(logits, min(k, logits.size(-1)))
    logits = logits.clone()
    logits[logits < v[:, [-1]]] = -float("inf")
    sorted_logits, sorted_idx = lib.sort(logits, descending=True)
    cum = (
        lib.cumsum(lib.softmax(sorted_logits, dim=-1), dim=-1)
        if hasattr(lib, "softmax")
        else (lib.cumsum(sorted_logits.exp() / sorted_logits.exp().sum(-1, keepdim=True), dim=-1))
    )
    remove = cum > p
    remove[..., 1:] = remove[..., :-1].clone()
    remove[..., 0] = False
    to_remove = remove.scatter(1, sorted_idx, remove)
    return logits.masked_fill(to_remove, -float("inf"))


def positional_encoding(lib, d_model=8, max_len=6):
    pe = lib.zeros(max_len, d_model)
    position = lib.arange(0, max_len, dtype=lib.float32).unsqueeze(1)
    div_term = lib.exp(lib.arange(0, d_model, 2).float() * (-math.log(10000.0) / d_model))
    pe[:, 0::2] = lib.sin(position * div_term)
    pe[:, 1::2] = lib.cos(position * div_term)
    return pe.unsqueeze(0).transpose(0, 1)


def causal_mask_attention(lib, q, k):
    t = q.size(-2)
    att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
    mask = lib.tril(lib.ones(t, t)).view(1, 1, t, t)
    att = att.masked_fill(mask[:, :, :t, :t] == 0, float("-inf"))
    att = att - att.amax(-1, keepdim=True)
    return att.exp() / att.exp().sum(-1, keepdim=True)


def test_top_k_top_p():
    logits = np.random.default_rng(0).standard_normal((3, 10)).astype(np.float32)
    t = top_k_top_p(torch, torch.tensor(logits))
    e = top_k_top_p(ember, ember.tensor(logits))
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-6)


def test_positional_encoding():
    np.testing.assert_allclose(
        positional_encoding(ember).numpy(), positional_encoding(torch).numpy(), rtol=1e-5, atol=1e-6
    )


def test_causal_attention_gradients():
    rng = np.random.default_rng(1)
    q0, k0 = rng.standard_normal((2, 2, 4, 3)), rng.standard_normal((2, 2, 4, 3))
    up = rng.standard_normal((2, 2, 4, 4))
    results = []
    for lib in (torch, ember):
        q, k = lib.tensor(q0, requires_grad=True), lib.tensor(k0, requires_grad=True)
        out = causal_mask_attention(lib, q, k)
        (out * lib.tensor(up)).sum().backward()
        results.append((out.detach().numpy(), q.grad.numpy(), k.grad.numpy()))
    for e, t in zip(results[1], results[0]):
        np.testing.assert_allclose(e, t, rtol=1e-10, atol=1e-12)


def test_resnet_style_inplace():
    rng = np.random.default_rng(3)
    x0, w0 = rng.standard_normal((4, 6)), rng.standard_normal((6, 6))
    grads = []
    for lib in (torch, ember):
        x, w = lib.tensor(x0, requires_grad=True), lib.tensor(w0, requires_grad=True)
        out = x @ w
        out += x  # residual
        out.clamp_(min=0)  # ReLU(inplace=True)
        out[:, -2:] *= 0.5
        out.sum().backward()
        grads.append((x.grad.numpy(), w.grad.numpy()))
    for e, t in zip(grads[1], grads[0]):
        np.testing.assert_allclose(e, t, rtol=1e-10)


def test_gather_loss_and_argmax_accuracy():
    rng = np.random.default_rng(4)
    logits0 = rng.standard_normal((5, 7))
    target0 = rng.integers(0, 7, 5)
    res = []
    for lib in (torch, ember):
        logits = lib.tensor(logits0, requires_grad=True)
        target = lib.tensor(target0)
        logp = logits - logits.exp().sum(-1, keepdim=True).log()
        loss = -logp.gather(1, target.unsqueeze(1)).squeeze(1).mean()
        loss.backward()
        acc = (logits.argmax(1) == target).float().mean()
        picked = logp[lib.arange(5), target]
        res.append((loss.item(), acc.item(), logits.grad.numpy(), picked.detach().numpy()))
    assert np.isclose(res[0][0], res[1][0]) and res[0][1] == res[1][1]
    np.testing.assert_allclose(res[1][2], res[0][2], rtol=1e-10)
    np.testing.assert_allclose(res[1][3], res[0][3], rtol=1e-10)
