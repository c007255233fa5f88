"""Single-layer figures the issues ask for (forward+backward, ember against torch):

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python bench/layers.py

Conv2d(32, 64, 3, padding=1) on 64x32x14x14 (issue 4), LSTM(128, 256, num_layers=2,
batch_first=True) on 32x64x128 and TransformerEncoderLayer(128, 4) on 32x64x128 (issue 5).
Measured as ``python -m bench`` measures its workloads: each library in its own process,
alternating rounds, medians printed.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.__main__ import measure  # noqa: E402
from bench.workloads import LAYERS  # noqa: E402


def main() -> None:
    for name in LAYERS:
        row = measure(name, rounds=8, instances=1, warmup=3)
        print(
            f"{name}: ember {row['ember_ms']:.1f} ms, torch {row['torch_ms']:.1f} ms, "
            f"ratio {row['ratio']:.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
