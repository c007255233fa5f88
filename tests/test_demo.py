"""The main demo (make demo) trains, evaluates, checkpoints and plots; here with fewer epochs."""

from __future__ import annotations

import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_digits_demo(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "ember.examples.digits", "--epochs", "4", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    accuracy = float(re.search(r"^test accuracy: ([0-9.]+)%", out.stdout, re.M).group(1))
    assert accuracy >= 90.0, out.stdout
    assert "(same)" in out.stdout
    assert (tmp_path / "digits_cnn.pt").exists()
    png = (tmp_path / "curves.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    assert len(re.findall(r"^Epoch \d+, Loss: ", out.stdout, re.M)) == 4
