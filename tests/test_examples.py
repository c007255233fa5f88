"""The scripts in examples/ are ordinary PyTorch programs: each runs unmodified through
`ember run`, and those that need no torchvision also run under real torch, from where the
first losses are compared (the random initialisations differ, so only loosely)."""

from __future__ import annotations

import gzip
import os
import re
import struct
import subprocess
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(ROOT, "examples")


def _run(args, cwd, ember: bool = True):
    cmd = [sys.executable] + (["-m", "ember", "run"] if ember else []) + args
    env = dict(os.environ, PYTHONPATH=ROOT)
    out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600, env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout


def _loss(text: str, which: str) -> float:
    return float(re.search(rf"{which} loss (?:D )?([-0-9.]+)", text).group(1))


@pytest.mark.parametrize(
    "script,args",
    [
        ("regression.py", ["--steps", "30"]),
        ("char_lstm.py", ["--steps", "3"]),
        ("mingpt.py", ["--steps", "3"]),
        ("vae.py", ["--epochs", "1"]),
    ],
)
def test_examples_run_on_ember_and_torch(tmp_path, script, args):
    path = os.path.join(EXAMPLES, script)
    mine = _run([path] + args, tmp_path)
    theirs = _run([path] + args, tmp_path, ember=False)
    first_mine = _loss(mine, "first" if "first" in mine else "final")
    first_theirs = _loss(theirs, "first" if "first" in theirs else "final")
    assert np.isfinite(_loss(mine, "final"))
    assert abs(first_mine - first_theirs) <= 0.5 * abs(first_theirs) + 0.5


def test_dcgan_on_fakedata(tmp_path):
    out = _run([os.path.join(EXAMPLES, "dcgan.py"), "--steps", "3"], tmp_path)
    assert np.isfinite(_loss(out, "final"))


def _write_idx(path, array: np.ndarray):
    magic = {np.uint8: 0x08}[array.dtype.type] << 8 | array.ndim
    header = struct.pack(">I", magic) + struct.pack(">" + "I" * array.ndim, *array.shape)
    with gzip.open(path, "wb") as fh:
        fh.write(header + array.tobytes())


def test_mnist_cnn_on_idx_files(tmp_path):
    raw = tmp_path / "data" / "MNIST" / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for prefix, n in (("train", 64), ("t10k", 32)):
        labels = rng.integers(0, 10, n).astype(np.uint8)
        images = (rng.random((n, 28, 28)) * 50).astype(np.uint8)
        for i, label in enumerate(labels):  # a learnable signal: a bright row per class
            images[i, 2 + 2 * label] = 255
        _write_idx(raw / f"{prefix}-images-idx3-ubyte.gz", images)
        _write_idx(raw / f"{prefix}-labels-idx1-ubyte.gz", labels)
    out = _run([os.path.join(EXAMPLES, "mnist.py"), "--data", str(tmp_path / "data")], tmp_path)
    assert "test accuracy" in out
    assert (tmp_path / "mnist_cnn.pt").exists()
