"""Distances between batches of vectors: pairwise_distance, cosine_similarity, pdist."""

from __future__ import annotations

from .._tensor import Tensor
from . import reduction, unary


def pairwise_distance(
    x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False
) -> Tensor:
    """``||x1 - x2 + eps||_p`` along the last dim."""
    diff = x1 - x2 + eps
    if diff.dim() == 0:
        return unary.abs(diff)
    return reduction.norm(diff, p, diff.dim() - 1, keepdim=keepdim)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """math: ``x1 . x2 / (max(||x1||, eps) max(||x2||, eps))`` along ``dim``."""
    x1, x2 = x1.broadcast_to(_broadcast(x1, x2)), x2.broadcast_to(_broadcast(x1, x2))
    n1 = reduction.norm(x1, 2, dim, keepdim=True).clamp_min(eps)
    n2 = reduction.norm(x2, 2, dim, keepdim=True).clamp_min(eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def _broadcast(a: Tensor, b: Tensor) -> tuple:
    import numpy as np

    try:
        return np.broadcast_shapes(tuple(a.shape), tuple(b.shape))
    except ValueError:
        raise RuntimeError(
            f"The size of tensor a ({a.shape[-1]}) must match the size of tensor b "
            f"({b.shape[-1]}) at non-singleton dimension {a.dim() - 1}"
        ) from None


def pdist(input: Tensor, p: float = 2.0) -> Tensor:
    """Distances between all pairs of rows (i < j) of an (N, M) input, as a flat vector."""
    if input.dim() != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.dim()}D")
    import numpy as np

    n = input.shape[0]
    i, j = np.triu_indices(n, 1)
    diff = input[i] - input[j]
    return reduction.norm(diff, p, 1) if diff.shape[0] else diff.sum(1)
