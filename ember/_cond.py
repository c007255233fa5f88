"""``torch.cond``: the branch chosen by a boolean predicate, called on the operands. ember runs
eagerly, so this is a plain if (torch's tracing restrictions on the branches do not apply)."""

from __future__ import annotations

from ._tensor import Tensor


def cond(pred, true_fn, false_fn, operands=()):
    """``true_fn(*operands)`` if ``pred`` else ``false_fn(*operands)``; pred is a bool or a
    one-element tensor."""
    if isinstance(pred, Tensor):
        if pred.numel() != 1:
            raise RuntimeError(
                f"Expected pred to be bool or single-element tensor, but got {pred}."
            )
        pred = bool(pred._data.reshape(()))
    if not isinstance(operands, (tuple, list)):
        raise RuntimeError(f"Expect operands to be a tuple of Tensors, but got {operands}.")
    return (true_fn if pred else false_fn)(*operands)
