"""docs/compatibility.md is generated from the oracle table and must be kept current."""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_compatibility_table_is_current():
    out = subprocess.run(
        [sys.executable, os.path.join(ROOT, "scripts", "compatibility.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert out.returncode == 0, out.stdout + out.stderr
