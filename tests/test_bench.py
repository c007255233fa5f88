"""The benchmark's plumbing (not its timings): each library's worker process answers the
timing protocol, and the table's row is built from both."""

from __future__ import annotations

import math

import pytest

from bench import __main__ as bench


def test_workers_answer_and_measure_combines_them():
    row = bench.measure("micro", rounds=2, instances=1, warmup=1)
    assert set(row) == {"ember_ms", "torch_ms", "ratio"}
    assert all(math.isfinite(v) and v > 0 for v in row.values())


def test_a_workload_a_library_cannot_build_is_an_error():
    with pytest.raises(RuntimeError, match="could not run workload 'nonesuch'"):
        bench._Worker("ember", "nonesuch", 1, 1)


def test_torch_with_onednn_off_is_a_third_column():
    row = bench.measure("micro", rounds=2, instances=1, warmup=1, onednn_off=True)
    assert set(row) == {"ember_ms", "torch_ms", "ratio", "no_onednn_ms", "ratio_no_onednn"}
    assert all(math.isfinite(v) and v > 0 for v in row.values())


def test_the_onednn_off_worker_turns_onednn_off(monkeypatch):
    import torch

    from bench import worker

    seen = {}
    monkeypatch.setattr(worker.sys, "stdin", iter([]))
    monkeypatch.setattr(
        "bench.workloads.WORKLOADS",
        {"probe": lambda lib, seed: (lambda: seen.setdefault("on", lib.backends.mkldnn.enabled))},
    )
    before = torch.backends.mkldnn.enabled
    try:
        assert worker.main([worker.ONEDNN_OFF, "probe", "1", "1"]) == 0
    finally:
        torch.backends.mkldnn.enabled = before
    assert seen == {"on": False}


def test_installed_sizes_count_the_package_files():
    ember_mb = bench.installed_size("ember")
    assert 0.5 < ember_mb < bench.installed_size("torch")
    with pytest.raises(RuntimeError, match="not an installed package"):
        bench.installed_size("math")


def test_op_profile_times_each_function_inside_the_step():
    from bench import ops
    from ember.ops.arithmetic import Mul

    forward = Mul.__dict__["forward"]
    total, timed = ops.profile("micro", steps=2, warmup=1)
    assert total > 0
    # per step: a * b, then Mul's backward multiplies the gradient by b and by a
    assert timed["Mul.forward"][1] == 3 and timed["Mul.backward"][1] == 1
    assert sum(ms for ms, _ in timed.values()) < total
    assert Mul.__dict__["forward"] is forward  # unwrapped again
