"""Table entries: ``nn.functional`` (activations, linear, losses, normalization, ...)."""

from __future__ import annotations

from oracle import OpEntry

from .makers import args, arr, away_from_zero, ints

ENTRIES = []


def add(*entries):
    ENTRIES.extend(entries)


def F(name):
    return f"nn.functional.{name}"


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

# ---- linear -------------------------------------------------------------------------------
add(
    OpEntry(F("linear"), args(arr(4, 3), arr(5, 3), arr(5)), errors=(args(arr(4, 3), arr(5, 2)),)),
    OpEntry(F("linear"), args(arr(2, 4, 3), arr(5, 3)), variant="3d-nobias"),
    OpEntry(F("linear"), args(arr(3), arr(5, 3), arr(5)), variant="1d"),
    OpEntry(F("bilinear"), args(arr(4, 2), arr(4, 3), arr(5, 2, 3), arr(5))),
)
