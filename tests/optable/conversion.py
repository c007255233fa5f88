"""Table entries: dtype and device conversions (``to``, ``float()``..., ``type``), which are
differentiable between floating dtypes."""

from __future__ import annotations

from oracle import OpEntry

from .makers import args, arr, ints, noncontig

ENTRIES = []

# casts between floating dtypes carry gradients (and second derivatives) across
for method in ("float", "double", "half", "bfloat16"):
    ENTRIES.append(
        OpEntry(
            f"Tensor.{method}",
            args(arr(3, 4, low=-4, high=4)),
            # bfloat16 comes back to float32: the oracle reads results through numpy
            fn=lambda lib, x, _m=method: getattr(x, _m)().float() * 1.5,
            rtol=1e-2 if method in ("half", "bfloat16") else None,
            atol=1e-2 if method in ("half", "bfloat16") else None,
        )
    )

# casts to integer and bool dtypes: forward only (truncation toward zero, nonzero is True)
for method in ("long", "int", "short", "char", "byte", "bool"):
    low = 0 if method == "byte" else -4
    ENTRIES.append(
        OpEntry(
            f"Tensor.{method}",
            args(arr(3, 4, low=low, high=4)),
            fn=lambda lib, x, _m=method: getattr(x, _m)(),
        )
    )

ENTRIES += [
    OpEntry("Tensor.to", args(arr(2, 3)), fn=lambda lib, x: x.to(lib.float64) * x.to(lib.float32)),
    OpEntry(
        "Tensor.to",
        args(arr(2, 3)),
        fn=lambda lib, x: x.to("cpu", lib.float16).to(lib.float64),
        rtol=1e-3,
        atol=1e-3,
        variant="device and dtype",
    ),
    OpEntry(
        "Tensor.to",
        args(arr(2, 3), arr(3)),
        fn=lambda lib, x, other: x.to(other.double()) + other.double(),
        variant="like other",
    ),
    OpEntry(
        "Tensor.to",
        args(ints(2, 3)),
        fn=lambda lib, x: x.to(dtype=lib.float32),
        dtypes=("int64",),
        variant="int to float",
    ),
    OpEntry(
        "Tensor.to",
        args(noncontig(3, 4)),
        fn=lambda lib, x: x.to(lib.float64, copy=True),
        variant="copy noncontig",
    ),
    OpEntry(
        "Tensor.to",
        args(arr(2)),
        fn=lambda lib, x: x.to("nowhere"),
        dtypes=(),
        errors=(args(arr(2)),),
        variant="bad device",
    ),
    OpEntry(
        "Tensor.type",
        args(arr(2, 3)),
        fn=lambda lib, x: (x.type(lib.float64), x.type("torch.DoubleTensor"), x.type()),
    ),
    OpEntry("Tensor.type_as", args(arr(2, 3), arr(3))),
    OpEntry("Tensor.cpu", args(arr(2, 3)), fn=lambda lib, x: x.cpu() * 2),
]
