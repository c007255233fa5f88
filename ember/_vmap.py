"""``vmap``: map a function over a dim of its inputs.

Not vectorised: the function runs once per index of the mapped dim, on the slices
(``x.select(dim, i)``), and the results are stacked along ``out_dims``. The numbers and the
gradients (through select and stack) are those of torch.vmap; the speed is that of a Python
loop. ``in_dims`` follows the inputs' structure (an int or None for all of an argument, or a
tuple/list/dict matching it); ``randomness`` and ``chunk_size`` are accepted and ignored.
"""

from __future__ import annotations

import functools

from ._tensor import Tensor


def _flatten(value, dims, path="in_dims"):
    """``[(tensor, dim)]`` for each tensor of ``value`` with dims from ``dims`` (broadcast
    down a structure when an int or None)."""
    if isinstance(value, (tuple, list)):
        if isinstance(dims, (tuple, list)):
            if len(dims) != len(value):
                raise ValueError(
                    f"vmap: {path} is not compatible with the structure of the inputs: "
                    f"{len(dims)} dims for {len(value)} values"
                )
            return [p for v, d in zip(value, dims) for p in _flatten(v, d, path)]
        return [p for v in value for p in _flatten(v, dims, path)]
    if isinstance(value, dict):
        if isinstance(dims, dict):
            return [p for k, v in value.items() for p in _flatten(v, dims[k], path)]
        return [p for v in value.values() for p in _flatten(v, dims, path)]
    if isinstance(value, Tensor):
        if dims is not None and not isinstance(dims, int):
            raise ValueError(f"vmap: {path} must be an int or None for a tensor, got {dims!r}")
        return [(value, dims)]
    return []


def _slice(value, dims, i):
    if isinstance(value, (tuple, list)):
        per = dims if isinstance(dims, (tuple, list)) else [dims] * len(value)
        return type(value)(_slice(v, d, i) for v, d in zip(value, per))
    if isinstance(value, dict):
        return {
            k: _slice(v, dims[k] if isinstance(dims, dict) else dims, i) for k, v in value.items()
        }
    if isinstance(value, Tensor) and dims is not None:
        return value.select(dims, i)
    return value


def _stack(results, out_dims):
    first = results[0]
    if isinstance(first, (tuple, list)):
        per = out_dims if isinstance(out_dims, (tuple, list)) else [out_dims] * len(first)
        if len(per) != len(first):
            raise ValueError(
                f"vmap: out_dims has {len(per)} entries but the function returned "
                f"{len(first)} outputs"
            )
        return type(first)(_stack([r[k] for r in results], per[k]) for k in range(len(first)))
    if isinstance(first, dict):
        return {k: _stack([r[k] for r in results], out_dims[k] if isinstance(out_dims, dict)
                          else out_dims) for k in first}  # fmt: skip
    if not isinstance(first, Tensor):
        raise ValueError(
            f"vmap: the function must return Tensors, got type {type(first).__name__} as a return"
        )
    if out_dims is None:
        return first
    from .ops.shape import stack

    return stack(results, out_dims if out_dims >= 0 else out_dims + first.dim() + 1)


def vmap(func, in_dims=0, out_dims=0, randomness: str = "error", *, chunk_size=None):
    """``func`` mapped over dim ``in_dims`` of its inputs, the results stacked at ``out_dims``
    (a loop over the mapped dim, not a vectorised rewrite)."""
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(
            "Only allowed values for randomness are 'error', 'different', or 'same'. "
            f"Got {randomness}"
        )

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        dims = in_dims
        if isinstance(dims, (tuple, list)) and len(dims) != len(args):
            raise ValueError(
                f"vmap(in_dims={in_dims!r}): in_dims is not compatible with the structure of "
                f"inputs: expected {len(args)} entries, got {len(dims)}"
            )
        if not isinstance(dims, (tuple, list)):
            dims = (dims,) * len(args)
        batched = [(t, d) for t, d in _flatten(list(args), list(dims)) if d is not None]
        if not batched:
            raise ValueError(
                f"vmap(in_dims={in_dims!r}): at least one input must be batched (in_dims all None "
                "or no tensor inputs)"
            )
        sizes = set()
        for t, d in batched:
            if not -t.dim() <= d < max(t.dim(), 1) or t.dim() == 0:
                raise ValueError(
                    f"vmap: Tried to map over dim {d} of a tensor with {t.dim()} dims; the "
                    f"dim must be in [-{t.dim()}, {t.dim()})"
                )
            sizes.add(t.shape[d])
        if len(sizes) != 1:
            raise ValueError(
                "vmap: Expected all tensors to have the same size in the mapped dimension, got "
                f"sizes {sorted(sizes)} for the mapped dimension"
            )
        size = sizes.pop()
        results = [func(*_slice(list(args), list(dims), i), **kwargs) for i in range(size)]
        if not results:
            raise ValueError("vmap: cannot map over a dimension of size 0")
        return _stack(results, out_dims)

    return wrapped
