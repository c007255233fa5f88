"""``python -m bench.ops WORKLOAD``: where ember's time goes inside one training step.

Every Function's ``forward`` and ``backward`` is timed while the workload's step runs (time
spent in a nested Function counts for that one, not its caller), and the table gives
milliseconds per step, most first. Timed inside the step, not alone: in a step a layer's
arrays are no longer in cache, and kernels timed alone mislead (BatchNorm took 1.0 ms alone
and 2.6 ms in the ResNet step). What is left between the Functions (the engine, modules,
the optimizer) is the step's time minus their sum.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time

import ember
from bench.workloads import LAYERS, WORKLOADS
from ember.autograd.function import Function


class OpTimer:
    """Wraps the forward and backward of every Function subclass with a timer while active."""

    def __init__(self):
        self.seconds = collections.defaultdict(float)
        self.calls = collections.Counter()
        self._inner = []  # time spent in nested timed calls, per open call
        self._saved = []

    def __enter__(self):
        for cls in _subclasses(Function):
            for name in ("forward", "backward"):
                if name in cls.__dict__:
                    self._wrap(cls, name)
        return self

    def __exit__(self, *exc):
        for cls, name, original in self._saved:
            setattr(cls, name, original)
        self._saved.clear()

    def _wrap(self, cls, name):
        original = cls.__dict__[name]
        fn = original.__func__ if isinstance(original, staticmethod) else original
        key = f"{cls.__name__}.{name}"

        def timed(*args, **kwargs):
            start = time.perf_counter()
            self._inner.append(0.0)
            try:
                return fn(*args, **kwargs)
            finally:
                spent = time.perf_counter() - start
                inner = self._inner.pop()
                self.seconds[key] += spent - inner
                self.calls[key] += 1
                if self._inner:
                    self._inner[-1] += spent

        self._saved.append((cls, name, original))
        setattr(cls, name, staticmethod(timed))

    def clear(self):
        self.seconds.clear()
        self.calls.clear()


def _subclasses(cls):
    seen = set()
    stack = list(cls.__subclasses__())
    while stack:
        sub = stack.pop()
        if sub not in seen:
            seen.add(sub)
            stack.extend(sub.__subclasses__())
    return seen


def profile(workload: str, steps: int = 10, warmup: int = 3):
    """``(ms per step, {"Op.forward": (ms per step, calls per step)})`` for one workload."""
    step = {**WORKLOADS, **LAYERS}[workload](ember, 0)
    for _ in range(warmup):  # every module the step imports is loaded before wrapping
        step()
    with OpTimer() as timer:
        step()
        timer.clear()
        start = time.perf_counter()
        for _ in range(steps):
            step()
        total = (time.perf_counter() - start) / steps * 1e3
    ops = {k: (v / steps * 1e3, timer.calls[k] // steps) for k, v in timer.seconds.items()}
    return total, ops


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="bench.ops", description=__doc__)
    parser.add_argument("workload", choices=sorted({**WORKLOADS, **LAYERS}))
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--top", type=int, default=25)
    ns = parser.parse_args(argv)
    total, ops = profile(ns.workload, ns.steps)
    print(f"{ns.workload}: {total:.2f} ms per step (timers included)")
    ranked = sorted(ops.items(), key=lambda item: -item[1][0])
    for key, (ms, calls) in ranked[: ns.top]:
        print(f"  {key:<40} {ms:8.3f} ms  x{calls}")
    print(f"  {'(all Functions)':<40} {sum(ms for ms, _ in ops.values()):8.3f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
