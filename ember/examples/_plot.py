"""Loss and accuracy curves as a PNG: matplotlib when installed, else a plain line plot
rasterised with NumPy and written with zlib (no text labels in that case)."""

from __future__ import annotations

import struct
import zlib

import numpy as np


def save_curves(path: str, losses, accuracies) -> str:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        _save_plain(path, [losses, accuracies])
        return f"{path} (plain plot: loss left, accuracy right; install matplotlib for labels)"
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5))
    epochs = range(1, len(losses) + 1)
    left.plot(epochs, losses, marker="o")
    left.set(title="training loss", xlabel="epoch")
    right.plot(epochs, accuracies, marker="o", color="tab:green")
    right.set(title="test accuracy (%)", xlabel="epoch")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _save_plain(path: str, series, size=(240, 320)) -> None:
    h, w = size
    image = np.full((h, w * len(series), 3), 255, dtype=np.uint8)
    colors = [(31, 119, 180), (44, 160, 44)]
    for k, values in enumerate(series):
        panel = image[:, k * w : (k + 1) * w]
        panel[h - 20, 20 : w - 10] = 0  # x axis
        panel[10 : h - 20, 20] = 0  # y axis
        v = np.asarray(values, dtype=np.float64)
        if v.size == 0:
            continue
        lo, hi = v.min(), v.max()
        span = hi - lo if hi > lo else 1.0
        xs = 20 + (np.arange(v.size) / max(v.size - 1, 1)) * (w - 40)
        ys = (h - 25) - (v - lo) / span * (h - 45)
        for (x0, y0), (x1, y1) in zip(zip(xs, ys), zip(xs[1:], ys[1:])):
            t = np.linspace(0.0, 1.0, 200)
            px = np.round(x0 + (x1 - x0) * t).astype(int)
            py = np.round(y0 + (y1 - y0) * t).astype(int)
            for dy in (-1, 0, 1):
                panel[np.clip(py + dy, 0, h - 1), np.clip(px, 0, w - 1)] = colors[k % 2]
    _write_png(path, image)


def _write_png(path: str, rgb: np.ndarray) -> None:
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[y].tobytes() for y in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9))
    png += chunk(b"IEND", b"")
    with open(path, "wb") as fh:
        fh.write(png)
