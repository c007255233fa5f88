"""Input makers shared by the table modules: ``maker(rng, dtype) -> list of arrays``."""

from __future__ import annotations

ENTRIES = []  # this module holds helpers, not entries


def arr(*shape, low=-2.0, high=2.0):
    """A uniform random array of ``shape`` in the entry's dtype."""

    def make(rng, dtype):
        return rng.uniform(low, high, shape).astype(dtype)

    return make


def positive(*shape, low=0.1, high=3.0):
    return arr(*shape, low=low, high=high)


def away_from_zero(*shape):
    """Values in [0.5, 2] with random signs: safe for division and kinks at zero."""

    def make(rng, dtype):
        mag = rng.uniform(0.5, 2.0, shape)
        return (mag * rng.choice([-1.0, 1.0], shape)).astype(dtype)

    return make


def ints(*shape, low=-5, high=5, dtype="int64"):
    def make(rng, _dtype):
        return rng.integers(low, high, shape).astype(dtype)

    return make


def args(*makers, extra=()):
    """Combine per-argument makers (and plain values) into one input maker."""

    def make(rng, dtype):
        out = [m(rng, dtype) if callable(m) else m for m in makers]
        return out + list(extra)

    return make


def noncontig(*shape):
    """A transposed (non-contiguous) view of a random array."""

    def make(rng, dtype):
        return rng.uniform(-2, 2, shape[::-1]).astype(dtype).T

    return make
