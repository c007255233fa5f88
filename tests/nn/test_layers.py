"""Layers against torch: same weights, same input; outputs and all gradients compared."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import compare_module

DTYPES = ("float32", "float64")


def rand(*shape, seed=0):
    return np.random.default_rng(seed).uniform(-2, 2, shape)


def idx(*shape, high=6, seed=0):
    return np.random.default_rng(seed).integers(0, high, shape)


def prob(*shape, seed=0):
    return np.random.default_rng(seed).uniform(0.05, 0.95, shape)


def nn_lib(nn):
    """The library (torch or ember) an ``nn`` module belongs to."""
    import importlib

    return importlib.import_module(nn.__name__.split(".")[0])


LAYERS = {
    "Identity": (lambda nn: nn.Identity(3, foo=1), [rand(2, 3)]),
    "Linear": (lambda nn: nn.Linear(5, 4), [rand(3, 5)]),
    "Linear-3d": (lambda nn: nn.Linear(5, 4), [rand(2, 3, 5)]),
    "Linear-1d": (lambda nn: nn.Linear(5, 4), [rand(5)]),
    "Linear-nobias": (lambda nn: nn.Linear(5, 4, bias=False), [rand(3, 5)]),
    "Bilinear": (lambda nn: nn.Bilinear(3, 4, 5), [rand(2, 3), rand(2, 4, seed=1)]),
    "Bilinear-nobias": (lambda nn: nn.Bilinear(3, 4, 5, bias=False), [rand(6, 3), rand(6, 4)]),
    "MLP": (
        lambda nn: nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 2), nn.Tanh()),
        [rand(4, 5)],
    ),
    "BatchNorm1d": (lambda nn: nn.BatchNorm1d(3), [rand(4, 3)]),
    "BatchNorm1d-3d": (lambda nn: nn.BatchNorm1d(3, momentum=None), [rand(4, 3, 5)]),
    "BatchNorm2d": (lambda nn: nn.BatchNorm2d(3), [rand(2, 3, 4, 5)]),
    "BatchNorm2d-noaffine": (lambda nn: nn.BatchNorm2d(3, affine=False), [rand(2, 3, 2, 2)]),
    "BatchNorm2d-nobias": (lambda nn: nn.BatchNorm2d(3, bias=False), [rand(2, 3, 2, 2)]),
    "BatchNorm2d-nostats": (
        lambda nn: nn.BatchNorm2d(3, track_running_stats=False),
        [rand(2, 3, 2, 2)],
    ),
    "BatchNorm3d": (lambda nn: nn.BatchNorm3d(2, eps=1e-3, momentum=0.3), [rand(2, 2, 3, 2, 2)]),
    "LayerNorm": (lambda nn: nn.LayerNorm(5), [rand(3, 5)]),
    "LayerNorm-2d": (lambda nn: nn.LayerNorm([4, 5], eps=1e-3), [rand(2, 3, 4, 5)]),
    "LayerNorm-noaffine": (lambda nn: nn.LayerNorm(5, elementwise_affine=False), [rand(3, 5)]),
    "LayerNorm-nobias": (lambda nn: nn.LayerNorm(5, bias=False), [rand(3, 5)]),
    "GroupNorm": (lambda nn: nn.GroupNorm(2, 4), [rand(3, 4, 5)]),
    "GroupNorm-4d": (lambda nn: nn.GroupNorm(3, 6, affine=False), [rand(2, 6, 2, 3)]),
    "InstanceNorm1d": (lambda nn: nn.InstanceNorm1d(3), [rand(2, 3, 5)]),
    "InstanceNorm1d-unbatched": (lambda nn: nn.InstanceNorm1d(3, affine=True), [rand(3, 5)]),
    "InstanceNorm2d-stats": (
        lambda nn: nn.InstanceNorm2d(3, affine=True, track_running_stats=True),
        [rand(2, 3, 4, 4)],
    ),
    "RMSNorm": (lambda nn: nn.RMSNorm(5), [rand(3, 5)]),
    "RMSNorm-eps": (
        lambda nn: nn.RMSNorm([2, 5], eps=1e-3, elementwise_affine=False),
        [rand(3, 2, 5)],
    ),
    "LocalResponseNorm": (lambda nn: nn.LocalResponseNorm(3), [rand(2, 5, 3)]),
    "LocalResponseNorm-4d": (
        lambda nn: nn.LocalResponseNorm(2, 1e-2, 0.5, 2.0),
        [rand(2, 4, 2, 2)],
    ),
    "Dropout-eval-or-0": (lambda nn: nn.Dropout(0.0), [rand(3, 5)]),
    "Embedding": (lambda nn: nn.Embedding(6, 3), [idx(2, 4)]),
    "Embedding-padding": (lambda nn: nn.Embedding(6, 3, padding_idx=1), [idx(2, 4)]),
    "Embedding-maxnorm": (lambda nn: nn.Embedding(6, 3, max_norm=0.5), [idx(2, 4)]),
    "Embedding-freq": (lambda nn: nn.Embedding(6, 3, scale_grad_by_freq=True), [idx(9)]),
    "EmbeddingBag": (lambda nn: nn.EmbeddingBag(6, 3), [idx(2, 4)]),
    "EmbeddingBag-sum-pad": (
        lambda nn: nn.EmbeddingBag(6, 3, mode="sum", padding_idx=0),
        [idx(3, 4)],
    ),
    "EmbeddingBag-max": (lambda nn: nn.EmbeddingBag(6, 3, mode="max"), [idx(3, 4)]),
    "EmbeddingBag-offsets": (
        lambda nn: nn.EmbeddingBag(6, 3),
        [idx(8), np.array([0, 3, 3, 5])],
    ),
    "Flatten": (lambda nn: nn.Flatten(), [rand(2, 3, 4)]),
    "Flatten-dims": (lambda nn: nn.Flatten(0, 1), [rand(2, 3, 4)]),
    "Unflatten": (lambda nn: nn.Unflatten(1, (2, 3)), [rand(2, 6)]),
    "PixelShuffle": (lambda nn: nn.PixelShuffle(2), [rand(2, 8, 3, 2)]),
    "PixelUnshuffle": (lambda nn: nn.PixelUnshuffle(2), [rand(2, 2, 4, 6)]),
    "ChannelShuffle": (lambda nn: nn.ChannelShuffle(2), [rand(2, 6, 3)]),
    "CosineSimilarity": (lambda nn: nn.CosineSimilarity(dim=-1), [rand(3, 4), rand(3, 4, seed=1)]),
    "PairwiseDistance": (lambda nn: nn.PairwiseDistance(p=3.0), [rand(3, 4), rand(3, 4, seed=1)]),
    "CrossEntropyLoss": (
        lambda nn: nn.CrossEntropyLoss(ignore_index=2, label_smoothing=0.1),
        [rand(6, 5), idx(6, high=5)],
    ),
    "CrossEntropyLoss-weight": (
        lambda nn: nn.CrossEntropyLoss(weight=nn_lib(nn).tensor([1.0, 2.0, 0.5]), reduction="sum"),
        [rand(4, 3, 2), idx(4, 2, high=3)],
    ),
    "NLLLoss": (lambda nn: nn.NLLLoss(reduction="none"), [rand(6, 5), idx(6, high=5)]),
    "MSELoss": (lambda nn: nn.MSELoss(), [rand(3, 4), rand(3, 4, seed=1)]),
    "L1Loss": (lambda nn: nn.L1Loss(reduction="sum"), [rand(3, 4), rand(3, 4, seed=1)]),
    "SmoothL1Loss": (lambda nn: nn.SmoothL1Loss(beta=0.5), [rand(3, 4), rand(3, 4, seed=1)]),
    "HuberLoss": (lambda nn: nn.HuberLoss(delta=0.5), [rand(3, 4), rand(3, 4, seed=1)]),
    "BCELoss": (lambda nn: nn.BCELoss(), [prob(3, 4), prob(3, 4, seed=1)]),
    "BCEWithLogitsLoss": (
        lambda nn: nn.BCEWithLogitsLoss(pos_weight=nn_lib(nn).tensor([1.0, 2.0, 3.0, 0.5])),
        [rand(3, 4), prob(3, 4, seed=1)],
    ),
    "KLDivLoss": (lambda nn: nn.KLDivLoss(reduction="batchmean"), [rand(3, 4), prob(3, 4)]),
    "PoissonNLLLoss": (lambda nn: nn.PoissonNLLLoss(), [rand(3, 4), prob(3, 4)]),
    "GaussianNLLLoss": (lambda nn: nn.GaussianNLLLoss(), [rand(3, 4), rand(3, 4), prob(3, 4)]),
    "CosineEmbeddingLoss": (
        lambda nn: nn.CosineEmbeddingLoss(0.1),
        [rand(3, 4), rand(3, 4, seed=1), np.array([1.0, -1.0, 1.0])],
    ),
    "MarginRankingLoss": (
        lambda nn: nn.MarginRankingLoss(0.2),
        [rand(5), rand(5, seed=1), np.array([1.0, -1.0, 1.0, 1.0, -1.0])],
    ),
    "HingeEmbeddingLoss": (
        lambda nn: nn.HingeEmbeddingLoss(),
        [rand(5), np.array([1.0, -1.0, 1.0, 1.0, -1.0])],
    ),
    "MultiLabelSoftMarginLoss": (
        lambda nn: nn.MultiLabelSoftMarginLoss(),
        [rand(3, 4), np.array([[1.0, 0, 1, 0], [0, 0, 1, 1], [1, 1, 1, 0]])],
    ),
    "MultiMarginLoss": (lambda nn: nn.MultiMarginLoss(), [rand(6, 5), idx(6, high=5)]),
    "SoftMarginLoss": (
        lambda nn: nn.SoftMarginLoss(),
        [rand(5), np.array([1.0, -1, 1, 1, -1])],
        {"const": (1,)},
    ),
    "MultiLabelMarginLoss": (
        lambda nn: nn.MultiLabelMarginLoss(),
        [rand(2, 4), np.array([[3, 0, -1, 1], [1, 2, 0, -1]])],
    ),
    "TripletMarginWithDistanceLoss": (
        lambda nn: nn.TripletMarginWithDistanceLoss(margin=0.5, swap=True),
        [rand(3, 4), rand(3, 4, seed=1), rand(3, 4, seed=2)],
    ),
    "LinearCrossEntropyLoss": (
        lambda nn: nn.LinearCrossEntropyLoss(4, 5, bias=True, ignore_index=1),
        [rand(6, 4), idx(6, high=5)],
    ),
    "LinearCrossEntropyLoss-kdim": (
        lambda nn: nn.LinearCrossEntropyLoss(4, 5, out_features=(2,), label_smoothing=0.1),
        [rand(3, 4), idx(3, 2, high=5)],
    ),
    "TripletMarginLoss": (
        lambda nn: nn.TripletMarginLoss(margin=0.5),
        [rand(3, 4), rand(3, 4, seed=1), rand(3, 4, seed=2)],
    ),
}
ACTIVATIONS = {
    "ReLU": lambda nn: nn.ReLU(),
    "ReLU6": lambda nn: nn.ReLU6(),
    "LeakyReLU": lambda nn: nn.LeakyReLU(0.2),
    "PReLU": lambda nn: nn.PReLU(),
    "PReLU-3": lambda nn: nn.PReLU(3, init=0.1),
    "ELU": lambda nn: nn.ELU(0.7),
    "SELU": lambda nn: nn.SELU(),
    "CELU": lambda nn: nn.CELU(1.5),
    "GELU": lambda nn: nn.GELU(),
    "GELU-tanh": lambda nn: nn.GELU("tanh"),
    "SiLU": lambda nn: nn.SiLU(),
    "Mish": lambda nn: nn.Mish(),
    "Sigmoid": lambda nn: nn.Sigmoid(),
    "Tanh": lambda nn: nn.Tanh(),
    "Hardtanh": lambda nn: nn.Hardtanh(-0.5, 1.5),
    "Hardsigmoid": lambda nn: nn.Hardsigmoid(),
    "Hardswish": lambda nn: nn.Hardswish(),
    "Softplus": lambda nn: nn.Softplus(2.0, 3.0),
    "Softsign": lambda nn: nn.Softsign(),
    "Softshrink": lambda nn: nn.Softshrink(0.3),
    "Hardshrink": lambda nn: nn.Hardshrink(0.3),
    "Tanhshrink": lambda nn: nn.Tanhshrink(),
    "Threshold": lambda nn: nn.Threshold(0.1, -3.0),
    "LogSigmoid": lambda nn: nn.LogSigmoid(),
    "Softmax": lambda nn: nn.Softmax(dim=1),
    "LogSoftmax": lambda nn: nn.LogSoftmax(dim=-1),
    "Softmin": lambda nn: nn.Softmin(dim=2),
    "Softmax2d": lambda nn: nn.Softmax2d(),
    "GLU": lambda nn: nn.GLU(dim=-1),
    "RReLU-eval": lambda nn: nn.RReLU(0.1, 0.3).eval(),
}
for _name, _make in ACTIVATIONS.items():
    LAYERS[_name] = (_make, [rand(2, 3, 4, 2)])


@pytest.mark.parametrize("train", [True, False], ids=["train", "eval"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(LAYERS))
def test_layer(name, dtype, train):
    make, inputs, *options = LAYERS[name]
    if name.startswith("RReLU") and train:
        pytest.skip("random slopes in training mode: tested statistically")
    compare_module(lambda lib: make(lib.nn), inputs, dtype, train=train, **dict(*options))


def test_batchnorm_running_stats_over_steps():
    """Three training steps then eval, momentum=None (cumulative average) included."""
    import torch

    import ember

    for momentum in (0.1, None):
        t = torch.nn.BatchNorm1d(3, momentum=momentum)
        e = ember.nn.BatchNorm1d(3, momentum=momentum)
        for step in range(3):
            x = rand(5, 3, seed=step).astype("float32")
            t(torch.from_numpy(x))
            e(ember.from_numpy(x))
        for key, value in t.state_dict().items():
            np.testing.assert_allclose(e.state_dict()[key].numpy(), value.numpy(), rtol=1e-6)
        t.eval()
        e.eval()
        x = rand(2, 3, seed=9).astype("float32")
        np.testing.assert_allclose(
            e(ember.from_numpy(x)).detach().numpy(),
            t(torch.from_numpy(x)).detach().numpy(),
            rtol=1e-5,
            atol=1e-6,
        )


BAD_INPUTS = [
    (lambda nn: nn.BatchNorm1d(3), (2, 3, 4, 5)),
    (lambda nn: nn.BatchNorm1d(3), (2, 4)),
    (lambda nn: nn.BatchNorm1d(3), (1, 3)),
    (lambda nn: nn.BatchNorm2d(3), (2, 3, 4)),
    (lambda nn: nn.BatchNorm2d(3), (2, 4, 3, 3)),
    (lambda nn: nn.LayerNorm(3), (2, 4)),
    (lambda nn: nn.GroupNorm(2, 4), (2, 3)),
    (lambda nn: nn.Linear(3, 4), (2, 5)),
    (lambda nn: nn.InstanceNorm1d(3, affine=True), (2, 4, 5)),
    (lambda nn: nn.InstanceNorm2d(3), (2, 4)),
    (lambda nn: nn.GLU(), (2, 3)),
    (lambda nn: nn.PReLU(3), (2, 4, 5)),
    (lambda nn: nn.Dropout1d(), (2, 3, 4, 5)),
    (lambda nn: nn.LocalResponseNorm(2), (2, 3)),
]


@pytest.mark.parametrize("make,shape", BAD_INPUTS)
def test_bad_input_raises_like_torch(make, shape):
    import torch

    import ember

    errors = []
    for lib in (torch, ember):
        with pytest.raises(Exception) as info:
            make(lib.nn)(lib.zeros(shape))
        errors.append(info.value)
    assert type(errors[1]) is type(errors[0]), (errors[1], errors[0])
    assert str(errors[1]) == str(errors[0])


def test_ctc_loss_module_and_errors():
    import torch

    import ember

    rng = np.random.default_rng(0)
    x = rng.standard_normal((8, 2, 5))
    targets = np.array([[1, 2, 3], [4, 4, 0]])
    results = []
    for lib in (torch, ember):
        lp = lib.from_numpy(x.copy()).requires_grad_()
        loss = lib.nn.CTCLoss(blank=0)(lp.log_softmax(2), lib.from_numpy(targets), [8, 7], [3, 2])
        loss.backward()
        results.append((float(loss), lp.grad.numpy().copy()))
        with pytest.raises(RuntimeError):
            lib.nn.functional.ctc_loss(lp, lib.from_numpy(targets), [8, 7], [4, 2])
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-10)
    np.testing.assert_allclose(results[1][1], results[0][1], rtol=1e-8, atol=1e-10)


def test_embedding_from_pretrained_and_padding_grad():
    import torch

    import ember

    table = rand(5, 3)
    for lib in (torch, ember):
        pretrained = lib.from_numpy(table.astype("float32"))
        frozen = lib.nn.Embedding.from_pretrained(pretrained)
        assert not frozen.weight.requires_grad and repr(frozen) == "Embedding(5, 3)"
        trainable = lib.nn.EmbeddingBag.from_pretrained(pretrained, freeze=False, mode="sum")
        assert trainable.weight.requires_grad
        emb = lib.nn.Embedding(5, 3, padding_idx=-1)
        assert emb.padding_idx == 4 and not emb.weight.detach().numpy()[4].any()
        emb(lib.tensor([[4, 1, 4]])).sum().backward()
        assert not emb.weight.grad.numpy()[4].any() and emb.weight.grad.numpy()[1].all()
        with pytest.raises(AssertionError):
            lib.nn.Embedding(5, 3, padding_idx=5)


@pytest.mark.parametrize("name", list(LAYERS))
def test_layer_under_no_grad(name):
    """Inference (nothing recorded): the same outputs, and no graph."""
    import torch

    import ember

    make, inputs, *options = LAYERS[name]
    if name.startswith("RReLU"):
        return
    torch.manual_seed(0)
    t_mod, e_mod = make(torch.nn).eval(), make(ember.nn).eval()
    from helpers import close, copy_weights

    copy_weights(t_mod, e_mod)
    t_in = [torch.from_numpy(x.astype("float32") if x.dtype.kind == "f" else x) for x in inputs]
    e_in = [ember.from_numpy(x.astype("float32") if x.dtype.kind == "f" else x) for x in inputs]
    with torch.no_grad():
        t_out = t_mod(*t_in)
    with ember.no_grad():
        e_out = e_mod(*e_in)
    assert not e_out.requires_grad and e_out.grad_fn is None
    close(e_out, t_out, 1e-5, 1e-5, name)


def test_cross_entropy_every_target_ignored():
    import torch

    import ember

    for lib in (torch, ember):
        x = lib.zeros(3, 4, requires_grad=True)
        loss = lib.nn.CrossEntropyLoss(ignore_index=1)(x, lib.tensor([1, 1, 1]))
        loss.backward()
        assert np.isnan(float(loss)) and not x.grad.numpy().any()


@pytest.mark.parametrize("dtype", DTYPES)
def test_adaptive_log_softmax(dtype):
    import torch
    from helpers import close, copy_weights

    import ember

    def make(lib):
        return lib.nn.AdaptiveLogSoftmaxWithLoss(8, 20, [4, 10], div_value=2.0, head_bias=True)

    torch.manual_seed(0)
    t_mod, e_mod = make(torch).to(getattr(torch, dtype)), make(ember).to(getattr(ember, dtype))
    assert repr(e_mod) == repr(t_mod)
    assert list(e_mod.state_dict()) == list(t_mod.state_dict())
    copy_weights(t_mod, e_mod)
    x = rand(7, 8).astype(dtype)
    target = np.array([0, 5, 19, 3, 11, 9, 4])
    tx = torch.from_numpy(x.copy()).requires_grad_()
    ex = ember.from_numpy(x.copy()).requires_grad_()
    t_out = t_mod(tx, torch.from_numpy(target))
    e_out = e_mod(ex, ember.from_numpy(target))
    tol = 1e-5 if dtype == "float32" else 1e-10
    close(e_out.output, t_out.output, tol, tol, "output")
    close(e_out.loss, t_out.loss, tol, tol, "loss")
    t_out.loss.backward()
    e_out.loss.backward()
    close(ex.grad, tx.grad, tol * 10, tol * 10, "input grad")
    t_params = dict(t_mod.named_parameters())
    for name, p in e_mod.named_parameters():
        close(p.grad, t_params[name].grad, tol * 10, tol * 10, name)
    close(e_mod.log_prob(ex), t_mod.log_prob(tx), tol, tol, "log_prob")
    np.testing.assert_array_equal(e_mod.predict(ex).numpy(), t_mod.predict(tx).numpy())
    for lib in (torch, ember):
        with pytest.raises(RuntimeError):
            make(lib)(lib.zeros(2, 8), lib.tensor([0, 20]))
        with pytest.raises(ValueError):
            lib.nn.AdaptiveLogSoftmaxWithLoss(8, 20, [10, 4])
