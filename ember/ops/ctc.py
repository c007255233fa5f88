"""Connectionist temporal classification loss: the negative log of the summed probability of
every alignment of a target sequence (with blanks) to the input frames.

The forward (alpha) and backward (beta) recursions run in log space over time, vectorised over
the batch and the extended target; a Python loop over time steps is the one loop.
"""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ._util import xp_of


def _logaddexp(*arrays):
    out = arrays[0]
    for a in arrays[1:]:
        out = np.logaddexp(out, a)
    return out


class CtcLoss(ArrayFunction):
    """Per-sample CTC negative log likelihood. Its gradient with respect to log_probs is
    torch's: ``exp(lp) - exp(log(alpha beta) + nll - lp)``, which is the true gradient once
    it passes back through the log_softmax that made ``lp``."""

    @staticmethod
    def forward(ctx, log_probs, targets, input_lengths, target_lengths, blank, zero_infinity):
        # the recursions run on the host (a loop over time of small steps)
        host = log_probs.get() if type(log_probs) is not np.ndarray else log_probs
        lp = np.asarray(host, dtype=np.float64)
        steps, batch, _ = lp.shape
        longest = int(target_lengths.max()) if batch else 0
        width = 2 * longest + 1
        # extended targets: blank, t1, blank, t2, ..., blank
        ext = np.full((batch, width), blank, dtype=np.int64)
        for n in range(batch):
            ext[n, 1 : 2 * target_lengths[n] : 2] = targets[n, : target_lengths[n]]
        valid = np.arange(width)[None, :] < (2 * target_lengths[:, None] + 1)
        # a skip over a blank is allowed where the label differs from the one two back
        skip = np.zeros((batch, width), dtype=bool)
        skip[:, 2:] = (ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2])
        rows = np.arange(batch)[:, None]
        emit = lp[:, rows, ext]  # (T, N, width): log prob of each extended label
        neg = -np.inf
        alpha = np.full((steps, batch, width), neg)
        alpha[0, :, 0] = emit[0, :, 0]
        if width > 1:
            alpha[0, :, 1] = np.where(target_lengths > 0, emit[0, :, 1], neg)
        alpha[0][~valid] = neg
        for t in range(1, steps):
            prev = alpha[t - 1]
            one = np.concatenate([np.full((batch, 1), neg), prev[:, :-1]], 1)
            two = np.concatenate([np.full((batch, 2), neg), prev[:, :-2]], 1)[:, :width]
            two = np.where(skip, two, neg)
            alpha[t] = np.where(valid, _logaddexp(prev, one, two) + emit[t], neg)
        last = input_lengths - 1
        end = 2 * target_lengths
        final = alpha[last, np.arange(batch)]
        tail = final[np.arange(batch), end]
        before = np.where(end > 0, final[np.arange(batch), np.maximum(end - 1, 0)], neg)
        nll = -np.logaddexp(tail, before)

        if not any(ctx.needs_input_grad):
            if zero_infinity:
                nll = np.where(np.isfinite(nll), nll, 0.0)
            return xp_of(log_probs).asarray(nll.astype(log_probs.dtype))
        beta = np.full((steps, batch, width), neg)
        time = np.arange(steps)[:, None]
        beta[last, np.arange(batch), end] = emit[last, np.arange(batch), end]
        has_label = end > 0
        b_idx = np.arange(batch)[has_label]
        beta[last[has_label], b_idx, end[has_label] - 1] = emit[
            last[has_label], b_idx, end[has_label] - 1
        ]
        skip_next = np.zeros((batch, width), dtype=bool)
        skip_next[:, :-2] = skip[:, 2:]
        for t in range(steps - 2, -1, -1):
            nxt = beta[t + 1]
            one = np.concatenate([nxt[:, 1:], np.full((batch, 1), neg)], 1)
            two = np.concatenate([nxt[:, 2:], np.full((batch, 2), neg)], 1)[:, :width]
            two = np.where(skip_next, two, neg)
            step = np.where(valid, _logaddexp(nxt, one, two) + emit[t], neg)
            active = (t < last)[:, None]
            beta[t] = np.where(active, step, beta[t])
        # log(alpha beta / emit) summed per class, for the gradient
        with np.errstate(invalid="ignore", over="ignore"):
            occupancy = np.exp(alpha + beta - emit + nll[None, :, None])  # (T, N, width)
        occupancy = np.where(valid[None], np.nan_to_num(occupancy), 0.0)
        per_class = np.zeros((batch, lp.shape[2], steps))
        np.add.at(per_class, (np.broadcast_to(rows, ext.shape), ext), occupancy.transpose(1, 2, 0))
        grad = np.exp(lp) - per_class.transpose(2, 0, 1)
        grad[time >= input_lengths[None, :]] = 0
        infinite = ~np.isfinite(nll)
        if zero_infinity:
            grad[:, infinite] = 0
            nll = np.where(infinite, 0.0, nll)
        ctx.grad = xp_of(log_probs).asarray(grad.astype(log_probs.dtype))
        return xp_of(log_probs).asarray(nll.astype(log_probs.dtype))

    @staticmethod
    def backward(ctx, grad):
        g = grad.reshape(1, -1, 1) * Tensor._make(ctx.grad)
        return g, None, None, None, None, None


def _lengths(value, name: str) -> np.ndarray:
    if isinstance(value, Tensor):
        return np.asarray(value._data, dtype=np.int64).reshape(-1)
    return np.asarray(value, dtype=np.int64).reshape(-1)


def ctc_loss(
    log_probs: Tensor,
    targets: Tensor,
    input_lengths,
    target_lengths,
    blank: int = 0,
    reduction: str = "mean",
    zero_infinity: bool = False,
) -> Tensor:
    """CTC loss of (T, N, C) log-probabilities (or (T, C) unbatched) against padded (N, S)
    or concatenated 1-D targets. ``'mean'`` divides each loss by its target length first."""
    from .loss import _check_reduction

    _check_reduction(reduction)
    unbatched = log_probs.dim() == 2
    lp = log_probs.unsqueeze(1) if unbatched else log_probs
    in_len = _lengths(input_lengths, "input_lengths")
    tgt_len = _lengths(target_lengths, "target_lengths")
    tgt = np.asarray(targets._data, dtype=np.int64)
    if unbatched:
        tgt = tgt.reshape(1, -1)
    if tgt.ndim == 1:  # concatenated targets: split them into a padded matrix
        offsets = np.concatenate([[0], np.cumsum(tgt_len)])
        padded = np.zeros((len(tgt_len), max(int(tgt_len.max(initial=0)), 1)), dtype=np.int64)
        for n, (a, b) in enumerate(zip(offsets[:-1], offsets[1:])):
            padded[n, : b - a] = tgt[a:b]
        tgt = padded
    else:
        for length in tgt_len:
            if length > tgt.shape[1]:
                raise RuntimeError(
                    f"Expected tensor to have size at least {length} at dimension 1, but got "
                    f"size {tgt.shape[1]} for argument #2 'targets' (while checking arguments "
                    "for ctc_loss_allocate_outputs)"
                )
    steps = lp.shape[0]
    if (in_len > steps).any():
        raise RuntimeError(
            f"Expected input_lengths to have value at most {steps}, but got value "
            f"{int(in_len.max())} (while checking arguments for ctc_loss_allocate_outputs)"
        )
    losses = CtcLoss.apply(lp, tgt, in_len, tgt_len, blank, zero_infinity)
    if unbatched:
        losses = losses.squeeze(0)
    if reduction == "mean":
        divisor = Tensor._make(np.maximum(tgt_len, 1).astype(lp._data.dtype))
        return (losses / (divisor.squeeze(0) if unbatched else divisor)).mean()
    if reduction == "sum":
        return losses.sum()
    return losses
