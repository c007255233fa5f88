"""`ember run`: unmodified PyTorch scripts import ember as torch, in child processes too."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import ember


def _run(tmp_path, source: str, *args: str) -> subprocess.CompletedProcess:
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(source))
    return subprocess.run(
        [sys.executable, "-m", "ember", "run", str(script), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_run_aliases_torch_and_passes_arguments(tmp_path):
    out = _run(
        tmp_path,
        """
        import sys
        import torch
        x = torch.ones(3, requires_grad=True)
        (x * 2).sum().backward()
        print(torch.__name__, x.grad.tolist(), sys.argv[1:])
    """,
        "--epochs",
        "2",
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ember [2.0, 2.0, 2.0] ['--epochs', '2']"


def test_spawned_children_see_the_alias(tmp_path):
    out = _run(
        tmp_path,
        """
        import multiprocessing as mp

        def child(q):
            import torch
            q.put(torch.__name__)

        if __name__ == "__main__":
            ctx = mp.get_context("spawn")
            q = ctx.Queue()
            p = ctx.Process(target=child, args=(q,))
            p.start()
            print(q.get(timeout=60))
            p.join()
    """,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ember"


def test_missing_names_say_so():
    import pytest

    with pytest.raises(AttributeError, match="ember does not implement torch.some_name yet"):
        ember.some_name  # noqa: B018


def test_info_runs():
    out = subprocess.run(
        [sys.executable, "-m", "ember", "info"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0 and "numpy" in out.stdout and "ember" in out.stdout
    assert f"threads {ember.get_num_threads()} " in out.stdout
    assert "malloc thresholds" in out.stdout


def test_info_reports_the_malloc_switch():
    env = dict(os.environ, EMBER_MALLOC_TUNING="0")
    out = subprocess.run(
        [sys.executable, "-m", "ember", "info"], capture_output=True, text=True, env=env
    )
    assert "malloc thresholds glibc defaults" in out.stdout


def test_device_queries_answer_like_a_cpu_build():
    assert ember.cuda.is_available() is False
    assert ember.cuda.device_count() == 0
    assert ember.accelerator.is_available() is False
    assert ember.accelerator.current_accelerator() is None
    ember.backends.cudnn.benchmark = True
    assert ember.backends.mps.is_available() is False
    ember.cuda.manual_seed_all(0)
