"""Table entries: the shape basics of the core (reshape/view, squeeze/unsqueeze, permute,
transpose, expand, clone/contiguous, cat/stack, split/chunk/unbind). The full view and indexing
semantics have their own tables."""

from __future__ import annotations

from oracle import OpEntry

from .makers import args, arr, noncontig

ENTRIES = [
    OpEntry("reshape", args(arr(2, 3, 4)), fn=lambda lib, x: lib.reshape(x, (4, -1))),
    OpEntry(
        "reshape",
        args(noncontig(3, 4)),
        fn=lambda lib, x: x.reshape(12),
        variant="noncontig method",
        errors=(args(arr(2, 3)),),
    ),
    OpEntry("reshape", args(arr()), fn=lambda lib, x: x.reshape(1, 1), variant="0-dim"),
    OpEntry("reshape", args(arr(0, 3)), fn=lambda lib, x: x.reshape(3, 0), variant="empty"),
    OpEntry(
        "Tensor.view",
        args(arr(2, 3, 4)),
        fn=lambda lib, x: x.view(6, 4) * 2,
        errors=(args(noncontig(3, 4)),),
    ),
    OpEntry("Tensor.view", args(arr(2, 3)), fn=lambda lib, x: x.view(-1), variant="flat"),
    OpEntry("Tensor.view_as", args(arr(2, 6), arr(3, 4))),
    OpEntry("Tensor.reshape_as", args(noncontig(2, 6), arr(3, 4))),
    OpEntry("flatten", args(arr(2, 3, 4))),
    OpEntry(
        "flatten", args(arr(2, 3, 4, 5)), fn=lambda lib, x: lib.flatten(x, 1, 2), variant="dims"
    ),
    OpEntry("unflatten", args(arr(2, 12)), fn=lambda lib, x: lib.unflatten(x, 1, (3, -1))),
    OpEntry("squeeze", args(arr(2, 1, 3, 1))),
    OpEntry("squeeze", args(arr(2, 1, 3)), fn=lambda lib, x: lib.squeeze(x, 1), variant="dim"),
    OpEntry("squeeze", args(arr(2, 1, 3)), fn=lambda lib, x: x.squeeze(0), variant="no-op dim"),
    OpEntry("unsqueeze", args(arr(2, 3)), fn=lambda lib, x: lib.unsqueeze(x, -1)),
    OpEntry(
        "unsqueeze",
        args(arr(2, 3)),
        fn=lambda lib, x: lib.unsqueeze(x, 3),
        dtypes=(),
        errors=(args(arr(2, 3)),),
        variant="bad dim",
    ),
    OpEntry("permute", args(arr(2, 3, 4)), fn=lambda lib, x: lib.permute(x, (2, 0, 1))),
    OpEntry("permute", args(arr(2, 3, 4)), fn=lambda lib, x: x.permute(1, 2, 0), variant="method"),
    OpEntry("transpose", args(arr(2, 3, 4)), fn=lambda lib, x: lib.transpose(x, 0, 2)),
    OpEntry("swapaxes", args(arr(2, 3, 4)), fn=lambda lib, x: lib.swapaxes(x, 1, 2)),
    OpEntry("swapdims", args(arr(2, 3, 4)), fn=lambda lib, x: lib.swapdims(x, 0, 1)),
    OpEntry("t", args(arr(3, 4)), errors=(args(arr(2, 3, 4)),)),
    OpEntry("t", args(arr(3)), variant="1-D"),
    OpEntry("Tensor.expand", args(arr(3, 1)), fn=lambda lib, x: x.expand(2, 3, 4)),
    OpEntry("Tensor.expand", args(arr(3, 1)), fn=lambda lib, x: x.expand(-1, 5), variant="-1"),
    OpEntry("Tensor.expand_as", args(arr(3, 1), arr(2, 3, 4)), fn=lambda lib, x, y: x.expand_as(y)),
    OpEntry("broadcast_to", args(arr(4)), fn=lambda lib, x: lib.broadcast_to(x, (3, 4))),
    OpEntry("Tensor.contiguous", args(noncontig(3, 4)), fn=lambda lib, x: x.contiguous() * 3),
    OpEntry("clone", args(noncontig(3, 4))),
    OpEntry("cat", args(arr(2, 3), arr(4, 3)), fn=lambda lib, a, b: lib.cat([a, b])),
    OpEntry(
        "cat",
        args(arr(2, 3), arr(2, 1)),
        fn=lambda lib, a, b: lib.cat((a, b), dim=-1),
        variant="dim",
    ),
    OpEntry("concat", args(arr(2, 3), arr(1, 3)), fn=lambda lib, a, b: lib.concat([a, b])),
    OpEntry(
        "concatenate", args(arr(2, 3), arr(1, 3)), fn=lambda lib, a, b: lib.concatenate([a, b])
    ),
    OpEntry("stack", args(arr(2, 3), arr(2, 3)), fn=lambda lib, a, b: lib.stack([a, b], dim=1)),
    OpEntry(
        "stack",
        args(arr(2, 3), arr(2, 3)),
        fn=lambda lib, a, b: lib.stack([a, b], dim=-1),
        variant="last dim",
        errors=(args(arr(2, 3), arr(3, 2)),),
    ),
    OpEntry("split", args(arr(5, 3)), fn=lambda lib, x: lib.split(x, 2)),
    OpEntry("split", args(arr(5, 3)), fn=lambda lib, x: x.split([1, 4]), variant="sections"),
    OpEntry("chunk", args(arr(5, 3)), fn=lambda lib, x: lib.chunk(x, 3)),
    OpEntry("unbind", args(arr(3, 2)), fn=lambda lib, x: lib.unbind(x, 1)),
]
