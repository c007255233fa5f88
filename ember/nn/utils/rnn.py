"""Packed and padded sequences for the recurrent layers (``torch.nn.utils.rnn``).

A `PackedSequence` stores the time steps of a batch of sequences, longest first, one after
another: step t holds ``batch_sizes[t]`` rows, the sequences still running at t. Every function
here is built from differentiable ops, so gradients flow through packing and padding.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from ... import _dtype, ops
from ..._tensor import Tensor


def _take(x: Tensor, dim: int, index: Tensor) -> Tensor:
    """``x`` reordered along ``dim`` by an index tensor (differentiable)."""
    return x[index] if dim == 0 else x[:, index]


class PackedSequence(
    namedtuple("PackedSequence", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])
):
    """data: (sum of lengths, *); batch_sizes: int64 CPU tensor of the rows active per step."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None and sorted_indices is not None:
            unsorted_indices = _invert(sorted_indices)
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs) -> PackedSequence:
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        return type(self)(data, self.batch_sizes, self.sorted_indices, self.unsorted_indices)

    def cpu(self) -> PackedSequence:
        return self.to("cpu")

    def float(self) -> PackedSequence:
        return self.to(dtype=_dtype.float32)

    def double(self) -> PackedSequence:
        return self.to(dtype=_dtype.float64)

    @property
    def is_cuda(self) -> bool:
        return self.data.is_cuda

    def is_pinned(self) -> bool:
        return False


def _invert(permutation: Tensor) -> Tensor:
    order = permutation.numpy()
    inverse = np.empty_like(order)
    inverse[order] = np.arange(order.size)
    return ops.from_numpy(inverse)


def _lengths_array(lengths) -> np.ndarray:
    if isinstance(lengths, Tensor):
        return lengths.detach().cpu().numpy().astype(np.int64)
    return np.asarray(lengths, dtype=np.int64)


def pack_padded_sequence(
    input: Tensor, lengths, batch_first: bool = False, enforce_sorted: bool = True
) -> PackedSequence:
    """Pack a padded batch (T x B x *, or B x T x * with ``batch_first``) given its lengths."""
    lens = _lengths_array(lengths)
    if lens.ndim != 1:
        raise RuntimeError(f"lengths must be a 1D tensor, got {lens.ndim}D")
    if enforce_sorted:
        if (np.diff(lens) > 0).any():
            raise RuntimeError(
                "`lengths` array must be sorted in decreasing order when `enforce_sorted` is "
                "True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or "
                "pack_sequence to sidestep this requirement if you do not need ONNX "
                "exportability."
            )
        sorted_indices = None
    else:
        order = np.argsort(-lens, kind="stable")
        sorted_indices = ops.from_numpy(order.astype(np.int64))
        lens = lens[order]
        input = _take(input, 0 if batch_first else 1, sorted_indices)
    if lens.size and lens.min() <= 0:
        raise RuntimeError(
            "Length of all samples has to be greater than 0, but found an "
            "element in 'lengths' that is <= 0"
        )
    if batch_first:
        input = input.transpose(0, 1)
    if lens.size and lens[0] > input.shape[0]:
        raise RuntimeError(
            f"Expected sequence length to be at most {input.shape[0]}, but got {int(lens[0])}"
        )
    steps = int(lens.max()) if lens.size else 0
    batch_sizes = np.array([(lens > t).sum() for t in range(steps)], dtype=np.int64)
    data = ops.cat([input[t, : batch_sizes[t]] for t in range(steps)], 0)
    return PackedSequence(data, ops.from_numpy(batch_sizes), sorted_indices, None)


def pad_packed_sequence(
    sequence: PackedSequence,
    batch_first: bool = False,
    padding_value: float = 0.0,
    total_length: int | None = None,
):
    """The inverse of packing: (padded tensor, lengths) in the original batch order."""
    data, batch_sizes, _, unsorted = sequence
    sizes = batch_sizes.tolist()
    batch = sizes[0]
    steps = len(sizes)
    if total_length is not None:
        if total_length < steps:
            raise ValueError(
                "Expected total_length to be at least the length of the longest sequence in "
                f"input, but got total_length={total_length} and max sequence length being "
                f"{steps}"
            )
    rows = []
    tail = tuple(data.shape[1:])
    for step in data.split(sizes, 0):
        missing = batch - step.shape[0]
        if missing:
            step = ops.cat([step, ops.full((missing,) + tail, padding_value, dtype=data.dtype)])
        rows.append(step)
    for _ in range((total_length or steps) - steps):
        rows.append(ops.full((batch,) + tail, padding_value, dtype=data.dtype))
    padded = ops.stack(rows, 0)
    lens = np.array([sum(1 for s in sizes if s > b) for b in range(batch)], dtype=np.int64)
    lengths = ops.from_numpy(lens)
    if unsorted is not None:
        padded = _take(padded, 1, unsorted)
        lengths = lengths[unsorted]
    if batch_first:
        padded = padded.transpose(0, 1)
    return padded, lengths


def pad_sequence(
    sequences, batch_first: bool = False, padding_value: float = 0.0, padding_side: str = "right"
) -> Tensor:
    """Stack sequences of different lengths (L_i x *) into L x B x * (or B x L x *)."""
    if padding_side not in ("left", "right"):
        raise ValueError(
            f"Expected padding_side to be one of left or right, but got {padding_side}."
        )
    sequences = list(sequences)
    longest = max(s.shape[0] for s in sequences)
    padded = []
    for s in sequences:
        missing = longest - s.shape[0]
        if missing:
            fill = ops.full((missing,) + tuple(s.shape[1:]), padding_value, dtype=s.dtype)
            s = ops.cat([s, fill] if padding_side == "right" else [fill, s], 0)
        padded.append(s)
    return ops.stack(padded, 0 if batch_first else 1)


def unpad_sequence(padded_sequences: Tensor, lengths, batch_first: bool = False) -> list:
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [seq[: int(n)] for seq, n in zip(padded_sequences, _lengths_array(lengths))]


def pack_sequence(sequences, enforce_sorted: bool = True) -> PackedSequence:
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list:
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
