"""Single-layer figures the issues ask for (forward+backward, ember against torch):

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python bench/layers.py

Conv2d(32, 64, 3, padding=1) on 64x32x14x14 (issue 4), LSTM(128, 256, num_layers=2,
batch_first=True) on 32x64x128 and TransformerEncoderLayer(128, 4) on 32x64x128 (issue 5).
Each is timed in 3 alternating rounds of 10 steps; the medians are printed.
"""

from __future__ import annotations

import time

import numpy as np
import torch

import ember


def _median_ms(step, reps: int = 10) -> float:
    for _ in range(3):
        step()
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return float(np.median(times) * 1e3)


def _training_step(lib, module, shape):
    x = lib.randn(*shape, requires_grad=True)

    def step():
        module.zero_grad()
        x.grad = None
        out = module(x)
        (out[0] if isinstance(out, tuple) else out).sum().backward()

    return step


LAYERS = {
    "Conv2d(32, 64, 3, padding=1) on 64x32x14x14": (
        lambda lib: lib.nn.Conv2d(32, 64, 3, padding=1),
        (64, 32, 14, 14),
    ),
    "LSTM(128, 256, 2, batch_first) on 32x64x128": (
        lambda lib: lib.nn.LSTM(128, 256, num_layers=2, batch_first=True),
        (32, 64, 128),
    ),
    "TransformerEncoderLayer(128, 4) on 32x64x128": (
        lambda lib: lib.nn.TransformerEncoderLayer(d_model=128, nhead=4),
        (32, 64, 128),
    ),
}


def main() -> None:
    for name, (build, shape) in LAYERS.items():
        rounds = []
        for _ in range(3):
            rounds.append(
                (
                    _median_ms(_training_step(ember, build(ember), shape)),
                    _median_ms(_training_step(torch, build(torch), shape)),
                )
            )
        e = float(np.median([r[0] for r in rounds]))
        t = float(np.median([r[1] for r in rounds]))
        print(f"{name}: ember {e:.1f} ms, torch {t:.1f} ms, ratio {e / t:.2f}")


if __name__ == "__main__":
    main()
