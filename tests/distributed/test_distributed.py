"""ember.distributed on 2 MPI ranks, started through the launcher."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytest.importorskip("mpi4py")
pytestmark = pytest.mark.distributed

HERE = os.path.dirname(__file__)


def _launch(script: str, nproc: int = 2, timeout: int = 120) -> subprocess.CompletedProcess:
    cmd = [
        sys.executable,
        "-m",
        "ember.distributed.run",
        "--nproc-per-node",
        str(nproc),
        os.path.join(HERE, script),
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def test_every_collective_on_two_ranks():
    out = _launch("collectives_script.py")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "rank 0 ok" in out.stdout and "rank 1 ok" in out.stdout


def test_a_failing_rank_fails_the_job_with_its_traceback():
    out = _launch("failing_script.py")
    assert out.returncode != 0
    assert "rank 1 fails on purpose" in out.stderr
    assert "[rank 1]" in out.stderr


def test_launcher_sets_torchrun_environment(tmp_path):
    script = tmp_path / "env.py"
    script.write_text(
        "import os\nprint('ENV', os.environ['RANK'], os.environ['WORLD_SIZE'], "
        "os.environ['LOCAL_RANK'], os.environ['MASTER_ADDR'])\n"
    )
    cmd = [sys.executable, "-m", "ember.distributed.run", "--nproc-per-node", "2", str(script)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = sorted(line for line in out.stdout.splitlines() if line.startswith("ENV"))
    assert lines == ["ENV 0 2 0 127.0.0.1", "ENV 1 2 1 127.0.0.1"]


def test_use_before_init_is_a_clear_error():
    import ember.distributed as dist

    with pytest.raises(ValueError, match="not been initialized"):
        dist.get_rank()


def test_ddp_matches_single_process_training():
    out = _launch("ddp_script.py")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "rank 0 ddp ok" in out.stdout and "rank 1 ddp ok" in out.stdout


def test_a_collective_times_out_instead_of_hanging():
    out = _launch("timeout_script.py", timeout=60)
    assert "rank 0 timed out" in out.stdout, out.stdout + out.stderr
    assert "did not complete within 2 s" in out.stdout
