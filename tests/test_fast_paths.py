"""The fast paths for large arrays, against torch: backends.rows (row sums as products with
ones) and the ops that use it (softmax and log_softmax along the last axis, LayerNorm's
statistics), masked_fill's bit selection, and backends.elementwise (relu and clamp against a
row of the scalar). The shapes are large enough to take those paths."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from ember.backends import elementwise, rows


def _pair(array, grad=False):
    return (
        ember.tensor(array, requires_grad=grad),
        torch.tensor(array, requires_grad=grad),
    )


def _close(e, t, rtol=1e-5, atol=1e-6):
    np.testing.assert_allclose(
        e.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=atol, equal_nan=True
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_row_and_column_sums_match_numpy(dtype):
    x = np.random.default_rng(0).standard_normal((3, 70, 33)).astype(dtype)
    assert rows.by_product(x)
    np.testing.assert_allclose(rows.sums(x), x.sum(-1, keepdims=True), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(rows.means(x), x.mean(-1, keepdims=True), rtol=1e-5, atol=1e-6)
    m = x.reshape(-1, 33)
    np.testing.assert_allclose(rows.column_sums(m), m.sum(0), rtol=1e-5, atol=1e-4)
    assert rows.sums(x).dtype == dtype and rows.column_sums(m).dtype == dtype


@pytest.mark.parametrize("shape", [(30, 5, 9, 10), (3, 4, 70), (100, 3)])
def test_channel_sums_match_numpy(shape):
    x = np.random.default_rng(14).standard_normal(shape).astype(np.float32)
    axes = (0,) + tuple(range(2, len(shape)))
    np.testing.assert_allclose(rows.channel_sums(x), x.sum(axis=axes), rtol=1e-5, atol=1e-4)
    for view in (x[:, ::-1], x[:, 1:3]):  # reversed channels; a slice of channels
        np.testing.assert_allclose(
            rows.channel_sums(view), view.sum(axis=axes), rtol=1e-5, atol=1e-4
        )


def test_conv_bias_gradient_matches_torch():
    rng = np.random.default_rng(15)
    x = rng.standard_normal((10, 4, 12, 12)).astype(np.float32)  # 80 (image, channel) rows
    w = rng.standard_normal((8, 4, 3, 3)).astype(np.float32)
    g = rng.standard_normal((10, 8, 12, 12)).astype(np.float32)
    grads = []
    for lib in (ember, torch):
        b = lib.tensor(np.ones(8, np.float32), requires_grad=True)
        y = lib.nn.functional.conv2d(lib.tensor(x), lib.tensor(w), b, padding=1)
        y.backward(lib.tensor(g))
        grads.append(b.grad)
    _close(*grads, rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("axes", [(2, 3), (0,), (0, 1), (0, 2, 3), (1,), (0, 1, 2, 3)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_sum_over_matches_torch(axes, keepdims):
    """Trailing, leading and all-but-channel axes take a product; (1,) and every axis do not."""
    x = np.random.default_rng(20).standard_normal((9, 8, 6, 5)).astype(np.float32)
    found = rows.sum_over(x, axes, keepdims)
    expected = torch.tensor(x).sum(dim=axes, keepdim=keepdims).numpy()
    assert np.shape(found) == expected.shape
    np.testing.assert_allclose(found, expected, rtol=1e-5, atol=1e-4)


def test_what_keeps_numpys_sum():
    x = np.ones((100, 8), np.float32)
    assert not rows.by_product(x[:, ::2])  # strided
    assert not rows.by_product(x.astype(np.int64))
    assert not rows.by_product(x[:3])  # few rows
    assert not rows.by_product(np.ones((70, rows.MAX_ROW + 1), np.float32))  # long rows
    np.testing.assert_array_equal(rows.sums(x[:, ::2]), np.full((100, 1), 4.0))
    np.testing.assert_array_equal(rows.column_sums(x[:3]), np.full(8, 3.0))


def test_sums_carry_inf_and_nan():
    x = np.zeros((80, 16), np.float32)
    x[1, 3] = np.inf
    x[2, 0], x[2, 1] = np.inf, -np.inf
    x[3, 5] = np.nan
    s = rows.sums(x)[:5, 0]
    assert s[0] == 0 and s[1] == np.inf and np.isnan(s[2]) and np.isnan(s[3])


def _scores():
    """Attention-like scores: a causal -inf mask, rows spread far apart in level."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 2, 32, 32)).astype(np.float32) * 3
    x += rng.uniform(-60, 5, (4, 2, 32, 1)).astype(np.float32)  # rows far below the top
    x[..., np.triu_indices(32, 1)[0], np.triu_indices(32, 1)[1]] = -np.inf
    return x


def test_softmax_last_axis_matches_torch_with_rows_far_below_the_top():
    x = _scores()
    e, t = _pair(x, grad=True)
    ye, yt = ember.softmax(e, -1), torch.softmax(t, -1)
    _close(ye, yt)
    # every row still sums to one, the ones shifted by their own maximum included
    np.testing.assert_allclose(ye.detach().numpy().sum(-1), 1, rtol=1e-5)
    g = np.random.default_rng(2).standard_normal(x.shape).astype(np.float32)
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    _close(e.grad, t.grad)


def test_softmax_last_axis_rows_whose_exp_overflows_are_redone():
    """exp of x itself overflows past ~88.7: such rows (one huge value, or a sum past
    float32's top from values that fit alone) are redone with their own maximum."""
    x = np.random.default_rng(5).standard_normal((256, 64)).astype(np.float32)
    x[3, 5] = 95.0  # exp overflows
    x[4] = 87.5 + x[4] * 0.01  # each fits, the sum does not
    x[5, :8] = 1e4  # far past it, with ties
    x[6] -= 30.0  # sum under the floor
    e, t = _pair(x, grad=True)
    ye, yt = ember.softmax(e, -1), torch.softmax(t, -1)
    _close(ye, yt)
    assert np.isfinite(ye.detach().numpy()).all()
    g = np.random.default_rng(6).standard_normal(x.shape).astype(np.float32)
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    _close(e.grad, t.grad)


@pytest.mark.parametrize("special", ["nan", "inf", "all -inf row"])
def test_softmax_last_axis_special_values_as_torch(special):
    x = np.random.default_rng(3).standard_normal((100, 20)).astype(np.float32)
    if special == "nan":
        x[7, 3] = np.nan
    elif special == "inf":
        x[9, 1] = np.inf
    else:
        x[11] = -np.inf
    e, t = _pair(x)
    _close(ember.softmax(e, -1), torch.softmax(t, -1))
    _close(ember.log_softmax(e, -1), torch.log_softmax(t, -1))


def test_log_softmax_last_axis_matches_torch():
    x = np.random.default_rng(4).standard_normal((2048, 65)).astype(np.float32) * 4
    e, t = _pair(x, grad=True)
    ye, yt = ember.log_softmax(e, -1), torch.log_softmax(t, -1)
    _close(ye, yt)
    g = np.random.default_rng(5).standard_normal(x.shape).astype(np.float32)
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    _close(e.grad, t.grad)


@pytest.mark.parametrize("weight", [True, False])
@pytest.mark.parametrize("bias", [True, False])
def test_layer_norm_over_many_rows_matches_torch(weight, bias):
    rng = np.random.default_rng(6)
    x = rng.standard_normal((8, 40, 6, 16)).astype(np.float32) * 2 + 1
    params = rng.standard_normal((2, 6, 16)).astype(np.float32)
    g = rng.standard_normal(x.shape).astype(np.float32)
    found = []
    for lib in (ember, torch):
        xt = lib.tensor(x, requires_grad=True)
        w = lib.tensor(params[0], requires_grad=True) if weight else None
        b = lib.tensor(params[1], requires_grad=True) if bias else None
        y = lib.nn.functional.layer_norm(xt, (6, 16), w, b, eps=1e-5)
        y.backward(lib.tensor(g))
        found.append([y, xt.grad] + [p.grad for p in (w, b) if p is not None])
    for e, t in zip(*found):
        _close(e, t, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("value", [float("-inf"), float("nan"), 2.5, -0.0, 0.0])
def test_masked_fill_bits_match_torch_exactly(dtype, value):
    x = np.random.default_rng(9).standard_normal((6, 3, 8, 8)).astype(dtype)
    x[0, 0, 0, 0], x[1, 1, 1, 1] = np.nan, -np.inf
    mask = np.random.default_rng(10).random((1, 3, 8, 8)) > 0.5
    e = ember.tensor(x).masked_fill(ember.tensor(mask), value)
    t = torch.tensor(x).masked_fill(torch.tensor(mask), value)
    assert e.dtype == ember.float32 if dtype == np.float32 else e.dtype == ember.float64
    np.testing.assert_array_equal(e.view(-1).numpy().view(f"u{x.itemsize}"),
                                  t.view(-1).numpy().view(f"u{x.itemsize}"))  # fmt: skip


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_and_clamp_on_large_arrays_match_torch(dtype):
    x = np.random.default_rng(11).standard_normal(3 * elementwise._BLOCK + 4).astype(dtype)
    x[[0, 7, -1]] = np.nan, np.inf, -np.inf
    x = x.reshape(-1, 4)  # the tail past the last whole block included
    e, t = _pair(x, grad=True)
    for fe, ft in (
        (ember.relu(e), torch.relu(t)),
        (e.clamp(-0.5, 0.25), t.clamp(-0.5, 0.25)),
        (e.clamp(min=0.1), t.clamp(min=0.1)),
        (e.clamp(max=-0.1), t.clamp(max=-0.1)),
    ):
        assert fe.dtype == (ember.float32 if dtype == np.float32 else ember.float64)
        np.testing.assert_array_equal(fe.detach().numpy(), ft.detach().numpy())
    g = np.random.default_rng(12).standard_normal(x.shape).astype(dtype)
    ember.relu(e).backward(ember.tensor(g))
    torch.relu(t).backward(torch.tensor(g))
    np.testing.assert_array_equal(e.grad.numpy(), t.grad.numpy())


def test_relu_in_place_on_a_large_array():
    x = np.random.default_rng(13).standard_normal((4, 3000)).astype(np.float32)
    e, t = ember.tensor(x), torch.tensor(x)
    e.relu_()
    t.relu_()
    np.testing.assert_array_equal(e.numpy(), t.numpy())


def test_batch_norm_sums_per_channel_match_torch():
    """Channel sums by products, on slices of channels when the normalisation splits."""
    rng = np.random.default_rng(16)
    x = rng.standard_normal((16, 8, 64, 64)).astype(np.float32) * 3 + 2
    g = rng.standard_normal(x.shape).astype(np.float32)
    found = []
    for lib in (ember, torch):
        xt = lib.tensor(x, requires_grad=True)
        bn = lib.nn.BatchNorm2d(8)
        y = bn(xt)
        y.backward(lib.tensor(g))
        found.append([y, xt.grad, bn.weight.grad, bn.bias.grad, bn.running_mean, bn.running_var])
    for e, t in zip(*found):
        _close(e, t, rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize("dim", [-1, (1, 2), 0, (0, 1)])
@pytest.mark.parametrize("keepdim", [False, True])
def test_sum_and_mean_over_trailing_or_leading_dims_match_torch(dim, keepdim):
    x = np.random.default_rng(17).standard_normal((90, 12, 10)).astype(np.float32)
    e, t = _pair(x, grad=True)
    for fe, ft in ((e.sum(dim, keepdim), t.sum(dim, keepdim)),
                   (e.mean(dim, keepdim), t.mean(dim, keepdim))):  # fmt: skip
        assert tuple(fe.shape) == tuple(ft.shape)
        _close(fe, ft, rtol=1e-5, atol=1e-4)
    ember.sum(e * e, dim).sum().backward()
    torch.sum(t * t, dim).sum().backward()
    _close(e.grad, t.grad)


@pytest.mark.parametrize("vocab", [65, 5000])  # one product with a one-hot matrix; sorted sums
@pytest.mark.parametrize("layout", ["C", "transposed"])
@pytest.mark.parametrize("options", [{}, {"padding_idx": 3, "scale_grad_by_freq": True}])
def test_embedding_gradient_matches_torch(vocab, layout, options):
    rng = np.random.default_rng(18)
    idx = rng.integers(0, 60, (32, 64))
    g = rng.standard_normal((16, 64, 32)).astype(np.float32)  # (features, steps, batch)
    grads = []
    for lib in (ember, torch):
        w = lib.tensor(rng.standard_normal((vocab, 16)).astype(np.float32), requires_grad=True)
        out = lib.nn.functional.embedding(lib.tensor(idx), w, **options)
        up = lib.tensor(g).permute(2, 1, 0)  # (batch, steps, features), Fortran-ordered
        out.backward(up.contiguous() if layout == "C" else up)
        grads.append(w.grad)
    _close(*grads, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("case", ["attention views", "every other column", "3-d strided"])
def test_stacked_products_of_strided_views_match_torch(case):
    rng = np.random.default_rng(19)
    qkv = rng.standard_normal((32, 64, 3 * 128)).astype(np.float32)
    found = []
    for lib in (ember, torch):
        x = lib.tensor(qkv, requires_grad=True)
        if case == "attention views":  # as BLAS takes them: split into slices as they lie
            q, k, _ = x.split(128, dim=2)
            q = q.view(32, 64, 4, 32).transpose(1, 2)
            k = k.view(32, 64, 4, 32).transpose(1, 2)
            y = q @ k.transpose(-2, -1)
        elif case == "every other column":  # not BLAS-ready: copied into one stack first
            a = x[..., ::2].reshape(32, 64, 4, 48).transpose(1, 2)
            y = a @ a.transpose(-2, -1)
        else:
            a = x[:, :, :128].transpose(1, 2)  # (32, 128, 64), columns one element apart
            y = a @ x[:, :, 128:256]
        y.backward(lib.tensor(np.linspace(-1, 1, y.numel(), dtype=np.float32).reshape(y.shape)))
        found.append([y, x.grad])
    for e, t in zip(*found):
        _close(e, t, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize(
    "fn",
    [
        lambda lib, x: lib.nn.functional.layer_norm(x, x.shape[-1:]),
        lambda lib, x: lib.nn.functional.group_norm(x, 1),
    ],
    ids=["layer_norm", "group_norm"],
)
@pytest.mark.parametrize("shape", [(0, 3, 4), (2, 3, 0)])
def test_normalising_empty_tensors_matches_torch(fn, shape):
    for lib in (ember, torch):
        x = lib.zeros(*shape, requires_grad=True)
        y = fn(lib, x)
        y.sum().backward()
        assert tuple(y.shape) == shape and tuple(x.grad.shape) == shape


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("layout", ["2d", "3d", "strided"])
def test_linear_with_the_bias_in_the_product_matches_torch(dtype, layout):
    """An output 4x wider than the input takes ``[x, 1] @ [W^T; b]`` (products.affine)."""
    rng = np.random.default_rng(16)
    x = rng.standard_normal({"2d": (300, 16), "3d": (3, 100, 16), "strided": (16, 300)}[layout])
    w, b = rng.standard_normal((64, 16)), rng.standard_normal(64)
    g = rng.standard_normal((300, 64) if layout != "3d" else (3, 100, 64))
    outs = []
    for lib in (ember, torch):
        xt = lib.tensor(x.astype(dtype), requires_grad=True)
        wt = lib.tensor(w.astype(dtype), requires_grad=True)
        bt = lib.tensor(b.astype(dtype), requires_grad=True)
        y = lib.nn.functional.linear(xt.t() if layout == "strided" else xt, wt, bt)
        y.backward(lib.tensor(g.astype(dtype)))
        outs.append((y, xt.grad, wt.grad, bt.grad))
    assert outs[0][0].dtype == (ember.float32 if dtype == np.float32 else ember.float64)
    for e, t in zip(*outs):
        _close(e, t, rtol=1e-5, atol=1e-5)


def test_affine_matches_numpy_on_both_paths():
    from ember.backends import products

    rng = np.random.default_rng(17)
    x = rng.standard_normal((512, 16)).astype(np.float32)
    for n in (16, 64):  # 1x the input: += bias; 4x: the bias in the product
        w_t, b = rng.standard_normal((16, n)).astype(np.float32), np.ones(n, np.float32)
        np.testing.assert_allclose(products.affine(x, w_t, b), x @ w_t + b, rtol=1e-5, atol=1e-5)
    half = rng.standard_normal((16, 64)).astype(np.float16)  # not float32/64: += bias
    out = products.affine(x.astype(np.float16), half, np.ones(64, np.float16))
    assert out.dtype == np.float16
