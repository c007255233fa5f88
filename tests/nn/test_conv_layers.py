"""Convolution, pooling, padding and upsampling layers against torch: same weights, same
input; outputs and all gradients compared, reprs compared as text, default initialisation
compared in distribution."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import compare_module

DTYPES = ("float32", "float64")


def rand(*shape, seed=0):
    return np.random.default_rng(seed).uniform(-2, 2, shape)


LAYERS = {
    "Conv1d": (lambda nn: nn.Conv1d(3, 4, 3), [rand(2, 3, 9)]),
    "Conv1d-same-reflect": (
        lambda nn: nn.Conv1d(3, 4, 4, padding="same", padding_mode="reflect"),
        [rand(2, 3, 9)],
    ),
    "Conv2d": (lambda nn: nn.Conv2d(3, 4, 3, padding=1), [rand(2, 3, 6, 5)]),
    "Conv2d-options": (
        lambda nn: nn.Conv2d(4, 6, (3, 2), stride=2, padding=(1, 0), dilation=2, groups=2),
        [rand(2, 4, 9, 8)],
    ),
    "Conv2d-depthwise-nobias": (
        lambda nn: nn.Conv2d(3, 6, 3, groups=3, bias=False, padding="same"),
        [rand(2, 3, 5, 5)],
    ),
    "Conv2d-unbatched": (lambda nn: nn.Conv2d(3, 2, 2), [rand(3, 4, 4)]),
    "Conv3d": (lambda nn: nn.Conv3d(2, 3, 2, padding=1, stride=(1, 2, 1)), [rand(2, 2, 3, 4, 3)]),
    **{
        f"Conv2d-{mode}": (
            lambda nn, _m=mode: nn.Conv2d(2, 3, 3, padding=(1, 2), padding_mode=_m),
            [rand(2, 2, 5, 6)],
        )
        for mode in ("reflect", "replicate", "circular")
    },
    "ConvTranspose1d": (lambda nn: nn.ConvTranspose1d(3, 2, 3, stride=2), [rand(2, 3, 5)]),
    "ConvTranspose2d": (
        lambda nn: nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2),
        [rand(2, 4, 4, 3)],
    ),
    "ConvTranspose3d": (
        lambda nn: nn.ConvTranspose3d(2, 2, 2, dilation=2, bias=False),
        [rand(1, 2, 3, 2, 3)],
    ),
    "Fold": (lambda nn: nn.Fold((4, 5), 2), [rand(2, 12, 12)]),
    "Unfold": (lambda nn: nn.Unfold(2, padding=1, stride=2), [rand(2, 3, 5, 4)]),
    "MaxPool1d": (lambda nn: nn.MaxPool1d(3, 2, 1), [rand(2, 3, 9)]),
    "MaxPool2d": (lambda nn: nn.MaxPool2d(2), [rand(2, 3, 6, 7)]),
    "MaxPool2d-ceil-dilation": (
        lambda nn: nn.MaxPool2d(3, 2, 1, dilation=(1, 2), ceil_mode=True),
        [rand(2, 3, 8, 9)],
    ),
    "MaxPool2d-indices": (lambda nn: nn.MaxPool2d(2, return_indices=True), [rand(2, 3, 4, 4)]),
    "MaxPool3d": (lambda nn: nn.MaxPool3d(2, padding=1), [rand(1, 2, 4, 5, 3)]),
    "AvgPool1d": (lambda nn: nn.AvgPool1d(3, 2, 1, count_include_pad=False), [rand(2, 3, 9)]),
    "AvgPool2d": (lambda nn: nn.AvgPool2d(3, 2, 1, ceil_mode=True), [rand(2, 3, 8, 7)]),
    "AvgPool2d-divisor": (lambda nn: nn.AvgPool2d(2, divisor_override=3), [rand(2, 3, 4, 4)]),
    "AvgPool3d": (lambda nn: nn.AvgPool3d(2), [rand(1, 2, 4, 4, 4)]),
    "LPPool1d": (lambda nn: nn.LPPool1d(2, 3, 2), [rand(2, 3, 9) + 2.5]),
    "LPPool2d": (lambda nn: nn.LPPool2d(3, 2), [rand(2, 3, 4, 6) + 2.5]),
    "AdaptiveAvgPool1d": (lambda nn: nn.AdaptiveAvgPool1d(4), [rand(2, 3, 7)]),
    "AdaptiveAvgPool2d": (lambda nn: nn.AdaptiveAvgPool2d((3, None)), [rand(2, 3, 7, 5)]),
    "AdaptiveAvgPool2d-global": (lambda nn: nn.AdaptiveAvgPool2d(1), [rand(2, 3, 7, 5)]),
    "AdaptiveAvgPool3d": (lambda nn: nn.AdaptiveAvgPool3d(2), [rand(1, 2, 3, 5, 4)]),
    "AdaptiveMaxPool1d": (lambda nn: nn.AdaptiveMaxPool1d(3), [rand(2, 3, 7)]),
    "AdaptiveMaxPool2d": (
        lambda nn: nn.AdaptiveMaxPool2d((3, 2), return_indices=True),
        [rand(2, 3, 7, 5)],
    ),
    "AdaptiveMaxPool3d": (lambda nn: nn.AdaptiveMaxPool3d(2), [rand(1, 2, 3, 5, 4)]),
    "ZeroPad2d": (lambda nn: nn.ZeroPad2d((1, 2, 0, 1)), [rand(2, 3, 4, 4)]),
    "ConstantPad1d": (lambda nn: nn.ConstantPad1d(2, 3.5), [rand(2, 3, 4)]),
    "ConstantPad3d": (lambda nn: nn.ConstantPad3d(1, -1.0), [rand(1, 2, 2, 3, 2)]),
    "ReflectionPad1d": (lambda nn: nn.ReflectionPad1d((2, 1)), [rand(2, 3, 4)]),
    "ReflectionPad2d": (lambda nn: nn.ReflectionPad2d(2), [rand(2, 3, 4, 4)]),
    "ReplicationPad2d": (lambda nn: nn.ReplicationPad2d((1, 0, 2, 1)), [rand(2, 3, 4, 4)]),
    "ReplicationPad3d": (lambda nn: nn.ReplicationPad3d(1), [rand(1, 2, 2, 3, 2)]),
    "CircularPad2d": (lambda nn: nn.CircularPad2d(1), [rand(2, 3, 4, 4)]),
    "Upsample-nearest": (lambda nn: nn.Upsample(scale_factor=2), [rand(2, 3, 3, 4)]),
    "Upsample-bilinear": (
        lambda nn: nn.Upsample(size=(5, 7), mode="bilinear", align_corners=False),
        [rand(2, 3, 3, 4)],
    ),
    "Upsample-bicubic": (
        lambda nn: nn.Upsample(scale_factor=1.5, mode="bicubic", align_corners=True),
        [rand(2, 3, 3, 4)],
    ),
    "UpsamplingBilinear2d": (
        lambda nn: nn.UpsamplingBilinear2d(scale_factor=2),
        [rand(1, 2, 3, 3)],
    ),
    "CNN": (
        lambda nn: nn.Sequential(
            nn.Conv2d(1, 4, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(4, 8, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(8 * 2 * 2, 3),
        ),
        [rand(2, 1, 8, 8)],
    ),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(LAYERS))
def test_layer(name, dtype):
    make, inputs = LAYERS[name]
    compare_module(lambda lib: make(lib.nn), inputs, dtype=dtype)


def test_conv_transpose_output_size():
    make = lambda nn: nn.ConvTranspose2d(3, 2, 3, stride=2)  # noqa: E731
    import torch

    import ember

    outs = []
    for lib in (torch, ember):
        lib.manual_seed(0)
        m = make(lib.nn)
        x = lib.ones(1, 3, 4, 4)
        outs.append(tuple(m(x, output_size=[10, 10]).shape))
        with pytest.raises(ValueError):
            m(x, output_size=(12, 12))
    assert outs[0] == outs[1] == (1, 2, 10, 10)


def test_reprs_match_torch():
    import torch

    import ember

    def build(nn):
        return nn.Sequential(
            nn.Conv2d(3, 4, 3),
            nn.Conv2d(
                3, 4, (3, 2), stride=2, padding=1, dilation=2, bias=False, padding_mode="reflect"
            ),  # fmt: skip
            nn.Conv1d(2, 4, 3, padding="same"),
            nn.ConvTranspose2d(4, 2, 3, stride=2, output_padding=1, groups=2),
            nn.MaxPool2d(2),
            nn.MaxPool1d(3, 2, 1),
            nn.AvgPool1d(3),
            nn.AvgPool2d(2),
            nn.AvgPool3d(2, divisor_override=2),
            nn.MaxUnpool2d(2),
            nn.AdaptiveAvgPool2d((3, None)),
            nn.AdaptiveMaxPool1d(3, True),
            nn.LPPool2d(2, 3),
            nn.Fold((4, 5), 2),
            nn.Unfold(2),
            nn.ZeroPad2d(1),
            nn.ConstantPad1d(2, 3.5),
            nn.ReflectionPad2d(1),
            nn.ReplicationPad3d(1),
            nn.CircularPad1d(2),
            nn.Upsample(scale_factor=2),
            nn.Upsample(size=(3, 4), mode="bilinear"),
            nn.UpsamplingBilinear2d(size=3),
        )

    assert repr(build(ember.nn)) == repr(build(torch.nn))
    t_keys = list(build(torch.nn).state_dict())
    assert list(build(ember.nn).state_dict()) == t_keys


@pytest.mark.parametrize(
    "make", [lambda nn: nn.Conv2d(16, 8, 3), lambda nn: nn.ConvTranspose2d(16, 8, 3, groups=2)]
)
def test_default_init_matches_torch_in_distribution(make):
    """Weight and bias are U(-b, b) with b = 1/sqrt(fan_in) in both libraries."""
    import torch

    import ember

    t, e = make(torch.nn), make(ember.nn)
    w = t.weight
    fan_in = w.shape[1] * w[0, 0].numel()
    bound = 1 / np.sqrt(fan_in)
    for (name, tp), (_, ep) in zip(t.named_parameters(), e.named_parameters()):
        assert ep.shape == tp.shape and str(ep.dtype) == str(tp.dtype), name
        for values in (tp.detach().numpy().ravel(), ep.detach().numpy().ravel()):
            assert np.abs(values).max() <= bound + 1e-7, name
            if values.size > 500:
                assert abs(values.std() - bound / np.sqrt(3)) < 0.1 * bound, name


BAD = [
    (lambda nn: nn.Conv2d(3, 4, 3), (2, 5, 6, 6)),  # wrong channel count
    (lambda nn: nn.Conv2d(3, 4, 3), (6, 6)),  # wrong rank
    (lambda nn: nn.Conv1d(3, 4, 3), (2, 3, 4, 5)),
    (lambda nn: nn.ConvTranspose2d(3, 4, 3), (2, 4, 5, 5)),
    (lambda nn: nn.MaxPool2d(2), (5,)),
    (lambda nn: nn.AvgPool2d(3), (2, 3, 2, 2)),
    (lambda nn: nn.AdaptiveAvgPool2d(2), (4,)),
]


@pytest.mark.parametrize("make,shape", BAD)
def test_bad_input_raises_like_torch(make, shape):
    import torch

    import ember

    errors = []
    for lib in (torch, ember):
        with pytest.raises(Exception) as info:
            make(lib.nn)(lib.zeros(shape))
        errors.append(info.value)
    assert type(errors[1]) is type(errors[0]), (errors[1], errors[0])


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(groups=0),
        dict(groups=2),
        dict(padding="full"),
        dict(padding="same", stride=2),
        dict(padding_mode="zero"),
    ],  # fmt: skip
)
def test_bad_construction_raises_like_torch(kwargs):
    import torch

    import ember

    errors = []
    for lib in (torch, ember):
        with pytest.raises(Exception) as info:
            lib.nn.Conv2d(3, 4, 3, **kwargs)
        errors.append(info.value)
    assert type(errors[1]) is type(errors[0])
    if "groups" in kwargs:  # the other messages print a set: its order is not fixed
        assert str(errors[1]) == str(errors[0])
