"""Table entries: ``nn.functional`` (activations, linear, losses, normalization, ...)."""

from __future__ import annotations

from oracle import OpEntry

from .makers import args, arr, away_from_zero, ints, positive

ENTRIES = []


def add(*entries):
    ENTRIES.extend(entries)


def F(name):
    return f"nn.functional.{name}"


def prob(*shape):
    """Values in (0.05, 0.95): probabilities away from 0 and 1."""
    return arr(*shape, low=0.05, high=0.95)


def signs(*shape):
    """-1.0 or 1.0 (float labels for the margin losses)."""

    def make(rng, dtype):
        return rng.choice([-1.0, 1.0], shape).astype(dtype)

    return make


# ---- activations ------------------------------------------------------------------------
NO_GRADGRAD = {"hardsigmoid", "hardswish"}  # torch has no double backward for these
for name in (
    "relu", "relu6", "elu", "selu", "celu", "silu", "mish", "hardsigmoid", "hardswish",
    "softsign", "tanhshrink", "logsigmoid", "softplus", "hardtanh", "leaky_relu", "gelu",
    "sigmoid", "tanh",
):  # fmt: skip
    add(OpEntry(F(name), args(away_from_zero(3, 4)), gradgrad=name not in NO_GRADGRAD))
add(
    OpEntry(F("relu"), args(arr(0, 3)), variant="empty"),
    OpEntry(
        F("gelu"),
        args(arr(3, 4)),
        fn=lambda lib, x: lib.nn.functional.gelu(x, approximate="tanh"),
        variant="tanh",
    ),
    OpEntry(
        F("leaky_relu"),
        args(away_from_zero(5)),
        fn=lambda lib, x: lib.nn.functional.leaky_relu(x, 0.2),
        variant="slope",
    ),
    OpEntry(
        F("elu"),
        args(away_from_zero(5)),
        fn=lambda lib, x: lib.nn.functional.elu(x, 0.5),
        variant="alpha",
    ),
    OpEntry(
        F("celu"),
        args(away_from_zero(5)),
        fn=lambda lib, x: lib.nn.functional.celu(x, 2.0),
        variant="alpha",
    ),
    OpEntry(
        F("softplus"),
        args(arr(4, 5, low=-30, high=30)),
        fn=lambda lib, x: lib.nn.functional.softplus(x, 2.0, 10.0),
        variant="beta",
    ),
    OpEntry(
        F("hardtanh"),
        args(away_from_zero(5)),
        fn=lambda lib, x: lib.nn.functional.hardtanh(x, -0.7, 1.3),
        variant="bounds",
    ),
    OpEntry(
        F("threshold"),
        args(away_from_zero(3, 4)),
        fn=lambda lib, x: lib.nn.functional.threshold(x, 0.3, -2.0),
    ),
    OpEntry(
        F("softshrink"),
        args(away_from_zero(3, 4)),
        fn=lambda lib, x: lib.nn.functional.softshrink(x, 0.7),
    ),
    OpEntry(
        F("hardshrink"),
        args(away_from_zero(3, 4)),
        fn=lambda lib, x: lib.nn.functional.hardshrink(x, 0.7),
    ),
    OpEntry(
        F("rrelu"),
        args(away_from_zero(3, 4)),
        fn=lambda lib, x: lib.nn.functional.rrelu(x, 0.1, 0.3),
    ),
    OpEntry(
        F("prelu"), args(away_from_zero(2, 3, 4), arr(3)), errors=(args(arr(2, 3, 4), arr(2)),)
    ),
    OpEntry(F("prelu"), args(away_from_zero(2, 3), arr(1)), variant="shared"),
    OpEntry(F("glu"), args(arr(4, 6)), errors=(args(arr(3, 5)),)),
    OpEntry(
        F("glu"), args(arr(4, 6)), fn=lambda lib, x: lib.nn.functional.glu(x, 0), variant="dim0"
    ),
    OpEntry(
        F("softmax"), args(arr(3, 4, 5)), fn=lambda lib, x: lib.nn.functional.softmax(x, dim=1)
    ),
    OpEntry(
        F("softmax"),
        args(arr(3, 4)),
        fn=lambda lib, x: lib.nn.functional.softmax(x, -1, dtype=lib.float64),
        variant="dtype",
    ),
    OpEntry(
        F("softmax"),
        args(arr(3, 4)),
        fn=lambda lib, x: lib.nn.functional.softmax(x),
        variant="implicit-dim",
    ),
    OpEntry(
        F("softmax"),
        args(arr(3, 4, low=-100, high=100)),
        fn=lambda lib, x: lib.softmax(x, 1),
        variant="torch.softmax-large",
    ),
    OpEntry(
        F("log_softmax"),
        args(arr(3, 4, 5)),
        fn=lambda lib, x: lib.nn.functional.log_softmax(x, dim=-1),
    ),
    OpEntry(
        F("log_softmax"),
        args(arr(3, 4, low=-200, high=200)),
        fn=lambda lib, x: x.log_softmax(1),
        variant="method-large",
    ),
    OpEntry(
        F("log_softmax"),
        args(arr(0, 4)),
        fn=lambda lib, x: lib.nn.functional.log_softmax(x, 1),
        variant="empty",
    ),
    OpEntry(F("softmin"), args(arr(3, 4)), fn=lambda lib, x: lib.nn.functional.softmin(x, 1)),
    OpEntry("Tensor.relu", args(away_from_zero(3, 4)), fn=lambda lib, x: x.relu()),
    OpEntry("Tensor.softmax", args(arr(3, 4)), fn=lambda lib, x: x.softmax(0)),
    OpEntry("relu", args(away_from_zero(3, 4)), fn=lambda lib, x: lib.relu(x)),
    OpEntry(
        F("softmax"),
        args(arr(2, 3)),
        fn=lambda lib, x: lib.nn.functional.softmax(x, 0),
        errors=(args(ints(2, 3)),),
        variant="dim0",
    ),
)


def fl(lib):
    return lib.nn.functional


# ---- linear -------------------------------------------------------------------------------
add(
    OpEntry(F("linear"), args(arr(4, 3), arr(5, 3), arr(5)), errors=(args(arr(4, 3), arr(5, 2)),)),
    OpEntry(F("linear"), args(arr(2, 4, 3), arr(5, 3)), variant="3d-nobias"),
    OpEntry(F("linear"), args(arr(3), arr(5, 3), arr(5)), variant="1d"),
    OpEntry(F("linear"), args(arr(4, 3), arr(5, 3), arr(1)), variant="bias-broadcast"),
    OpEntry(
        F("linear"),
        args(arr(4, 3), arr(5, 3)),
        fn=lambda lib, x, w: fl(lib).linear(x, w, lib.ones(5, dtype=lib.float64)),
        variant="bias-dtype",
        errors=(args(arr(4, 3), arr(5, 3)),),
        dtypes=(),  # an error case only
    ),
    OpEntry(F("bilinear"), args(arr(4, 2), arr(4, 3), arr(5, 2, 3), arr(5))),
)


# ---- distances, normalisation, embedding, shuffles ------------------------------------------
add(
    OpEntry(F("pairwise_distance"), args(arr(4, 5), arr(4, 5))),
    OpEntry(
        F("pairwise_distance"),
        args(arr(4, 5), arr(5)),
        fn=lambda lib, a, b: fl(lib).pairwise_distance(a, b, p=1.0, keepdim=True),
        variant="p1-keepdim",
    ),
    OpEntry(F("cosine_similarity"), args(arr(4, 5), arr(4, 5))),
    OpEntry(
        F("cosine_similarity"),
        args(arr(4, 5, 2), arr(1, 5, 2)),
        fn=lambda lib, a, b: fl(lib).cosine_similarity(a, b, dim=1),
        variant="broadcast",
    ),
    OpEntry(F("normalize"), args(arr(4, 5))),
    OpEntry(
        F("normalize"),
        args(arr(4, 5, 2)),
        fn=lambda lib, x: fl(lib).normalize(x, 1.0, -1),
        variant="p1",
    ),
    OpEntry(F("pdist"), args(arr(4, 3)), gradgrad=False),
    OpEntry(
        F("layer_norm"),
        args(arr(3, 4, 5), arr(4, 5), arr(4, 5)),
        fn=lambda lib, x, w, b: fl(lib).layer_norm(x, (4, 5), w, b, 1e-3),
    ),
    OpEntry(
        F("layer_norm"),
        args(arr(3, 5)),
        fn=lambda lib, x: fl(lib).layer_norm(x, [5]),
        variant="noaffine",
    ),
    OpEntry(
        F("batch_norm"),
        args(arr(4, 3, 2), arr(3), arr(3)),
        fn=lambda lib, x, w, b: fl(lib).batch_norm(x, None, None, w, b, training=True),
    ),
    OpEntry(
        F("batch_norm"),
        args(arr(4, 3), arr(3), positive(3), arr(3), arr(3)),
        fn=lambda lib, x, m, v, w, b: fl(lib).batch_norm(x, m.detach(), v.detach(), w, b),
        variant="eval",
    ),
    OpEntry(
        F("group_norm"),
        args(arr(2, 4, 3), arr(4), arr(4)),
        fn=lambda lib, x, w, b: fl(lib).group_norm(x, 2, w, b),
    ),
    OpEntry(
        F("instance_norm"),
        args(arr(2, 3, 4), arr(3), arr(3)),
        fn=lambda lib, x, w, b: fl(lib).instance_norm(x, weight=w, bias=b),
    ),
    OpEntry(
        F("rms_norm"), args(arr(3, 4), arr(4)), fn=lambda lib, x, w: fl(lib).rms_norm(x, [4], w)
    ),
    OpEntry(
        F("local_response_norm"),
        args(arr(2, 5, 3)),
        fn=lambda lib, x: fl(lib).local_response_norm(x, 3),
    ),
    OpEntry(
        F("embedding"),
        args(ints(2, 3, low=0, high=5), arr(5, 4)),
        fn=lambda lib, i, w: fl(lib).embedding(i, w),
        errors=(args(ints(3, low=5, high=6), arr(5, 4)), args(arr(3), arr(5, 4))),
    ),
    OpEntry(
        F("embedding"),
        args(ints(7, low=0, high=5), arr(5, 4)),
        fn=lambda lib, i, w: fl(lib).embedding(i, w, padding_idx=2, scale_grad_by_freq=True),
        variant="padding-freq",
    ),
    OpEntry(
        F("embedding_bag"),
        args(ints(3, 4, low=0, high=5), arr(5, 4)),
        fn=lambda lib, i, w: fl(lib).embedding_bag(i, w),
    ),
    OpEntry(
        F("embedding_bag"),
        args(ints(9, low=0, high=5), arr(5, 4)),
        fn=lambda lib, i, w: fl(lib).embedding_bag(
            i, w, lib.tensor([0, 2, 2, 6]), mode="sum", padding_idx=1
        ),
        variant="offsets-sum-padding",
    ),
    OpEntry(
        F("embedding_bag"),
        args(ints(9, low=0, high=5), arr(5, 4)),
        fn=lambda lib, i, w: fl(lib).embedding_bag(
            i, w, lib.tensor([0, 2, 2, 6, 9]), mode="max", include_last_offset=True
        ),
        variant="max-last-offset",
        gradgrad=False,
    ),
    OpEntry(
        F("embedding_bag"),
        args(ints(3, 4, low=0, high=5), arr(5, 4), arr(3, 4)),
        fn=lambda lib, i, w, s: fl(lib).embedding_bag(i, w, mode="sum", per_sample_weights=s),
        variant="per-sample-weights",
        gradgrad=False,
    ),
    OpEntry(
        F("one_hot"),
        args(ints(2, 3, low=0, high=4)),
        fn=lambda lib, i: fl(lib).one_hot(i),
        dtypes=("int64",),
        errors=(args(ints(3, low=-2, high=-1)), args(ints(0))),
    ),
    OpEntry(
        F("one_hot"),
        args(ints(5, low=0, high=4)),
        fn=lambda lib, i: fl(lib).one_hot(i, 6),
        dtypes=("int64",),
        variant="num_classes",
    ),
    OpEntry(
        F("pixel_shuffle"),
        args(arr(2, 8, 2, 3)),
        fn=lambda lib, x: fl(lib).pixel_shuffle(x, 2),
        errors=(args(arr(1, 3, 2, 2)),),
    ),
    OpEntry(
        F("pixel_unshuffle"),
        args(arr(2, 2, 4, 6)),
        fn=lambda lib, x: fl(lib).pixel_unshuffle(x, 2),
        errors=(args(arr(1, 1, 3, 2)),),
    ),
    OpEntry(
        F("channel_shuffle"),
        args(arr(2, 6, 2)),
        fn=lambda lib, x: fl(lib).channel_shuffle(x, 3),
        errors=(args(arr(1, 5, 2)),),
    ),
)


# ---- in-place forms and dropout (eval mode or p=0: deterministic in both libraries) ----------
def _inplace(name, *extra):
    return lambda lib, x: getattr(fl(lib), name)(x.clone(), *extra)


add(
    OpEntry(F("relu_"), args(away_from_zero(3, 4)), fn=_inplace("relu_")),
    OpEntry(F("elu_"), args(away_from_zero(3, 4)), fn=_inplace("elu_", 0.5)),
    OpEntry(F("leaky_relu_"), args(away_from_zero(3, 4)), fn=_inplace("leaky_relu_", 0.2)),
    OpEntry(F("hardtanh_"), args(away_from_zero(3, 4)), fn=_inplace("hardtanh_", -0.5, 0.5)),
    OpEntry(F("threshold_"), args(away_from_zero(3, 4)), fn=_inplace("threshold_", 0.2, 9.0)),
    OpEntry(
        F("relu"),
        args(away_from_zero(3, 4)),
        fn=lambda lib, x: fl(lib).relu(x * 1.0, inplace=True),
        variant="inplace-nonleaf",
    ),
)
for name in ("silu", "mish", "selu", "celu", "hardswish", "hardsigmoid", "relu6", "rrelu"):
    add(
        OpEntry(
            F(name),
            args(away_from_zero(3, 4)),
            fn=lambda lib, x, n=name: getattr(fl(lib), n)(x * 1.0, inplace=True),
            variant="inplace",
            gradgrad=name not in NO_GRADGRAD,
        )
    )
for name, shape in (
    ("dropout", (3, 4)),
    ("dropout1d", (2, 3, 4)),
    ("dropout2d", (2, 3, 4, 2)),
    ("dropout3d", (2, 3, 2, 2, 2)),
    ("alpha_dropout", (3, 4)),
    ("feature_alpha_dropout", (2, 3, 4)),
):
    add(
        OpEntry(
            F(name),
            args(arr(*shape)),
            fn=lambda lib, x, n=name: getattr(fl(lib), n)(x, 0.5, False) * 1.0,
            variant="eval",
        ),
        OpEntry(
            F(name),
            args(arr(*shape)),
            fn=lambda lib, x, n=name: getattr(fl(lib), n)(x, 0.0, True) * 1.0,
            variant="p0",
        ),
    )
add(
    OpEntry(
        "softmax",
        args(arr(3, 4)),
        fn=lambda lib, x: lib.softmax(x, 1, lib.float64),
        variant="positional-dtype",
    ),
    OpEntry(
        "Tensor.log_softmax",
        args(arr(3, 4)),
        fn=lambda lib, x: x.log_softmax(0, lib.float64),
        variant="positional-dtype",
    ),
)
add(
    # torch rounds 1/alpha to float32 in its float64 celu gradient
    OpEntry(F("celu_"), args(away_from_zero(3, 4)), fn=_inplace("celu_", 0.7), rtol=1e-6),
    OpEntry(F("selu_"), args(away_from_zero(3, 4)), fn=_inplace("selu_")),
    OpEntry(F("rrelu_"), args(away_from_zero(3, 4)), fn=_inplace("rrelu_", 0.1, 0.2)),
    OpEntry(
        F("native_channel_shuffle"),
        args(arr(2, 6, 2)),
        fn=lambda lib, x: fl(lib).native_channel_shuffle(x, 2),
        grad=False,  # torch has no derivative for it
    ),
)
