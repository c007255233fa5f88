"""DataLoader worker processes: seeding, failures, kills, timeouts and clean shutdown."""

import gc
import glob
import os
import time

import numpy as np
import pytest
from data_helpers import Failing, KillsItself, Seeds, Slow, Squares

import ember
import ember.utils.data as eud


def children():
    """Live child processes of this process (zombies included), from /proc."""
    me = str(os.getpid())
    out = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == me:
            out.append((int(pid), fields[0]))
    return out


def worker_children(before):
    return [c for c in children() if c[0] not in {p for p, _ in before}]


def wait_no_workers(before, limit=10.0):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if not worker_children(before):
            return []
        time.sleep(0.05)
    return worker_children(before)


pytestmark = pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc")


def test_worker_seeds_and_info():
    ember.manual_seed(0)
    loader = eud.DataLoader(Seeds(8), batch_size=2, num_workers=2, timeout=20)
    rows = [tuple(col[k] for col in batch) for batch in loader for k in range(2)]
    wids = [int(r[0]) for r in rows]
    assert wids == [0, 0, 1, 1, 0, 0, 1, 1]  # round robin, batches in sampler order
    seeds = {int(r[0]): int(r[1]) for r in rows}
    assert seeds[1] == seeds[0] + 1
    py_draws = {int(r[0]): float(r[2]) for r in rows[::2]}
    assert py_draws[0] != py_draws[1]  # Python's random reseeded per worker
    np_draws = [float(r[3]) for r in rows]
    assert len(set(np_draws)) == len(np_draws)  # NumPy reseeded per worker
    ember.manual_seed(0)
    again = [
        tuple(col[k] for col in b)
        for b in eud.DataLoader(Seeds(8), batch_size=2, num_workers=2, timeout=20)
        for k in range(2)
    ]
    assert [float(r[2]) for r in again] == [float(r[2]) for r in rows]
    assert eud.get_worker_info() is None


def test_worker_exception_reraised_with_traceback():
    before = children()
    loader = eud.DataLoader(Failing(10), batch_size=2, num_workers=2, timeout=20)
    with pytest.raises(ValueError) as err:
        list(loader)
    text = str(err.value)
    assert "sample 5 is broken" in text
    assert "DataLoader worker process" in text and "Traceback" in text
    assert "data_helpers.py" in text
    assert wait_no_workers(before) == []


def test_killed_worker_raises_naming_signal():
    before = children()
    loader = eud.DataLoader(KillsItself(12), batch_size=2, num_workers=2)
    start = time.monotonic()
    with pytest.raises(RuntimeError, match=r"DataLoader worker 1 \(pid \d+\) is killed by signal"):
        list(loader)
    assert time.monotonic() - start < 10
    assert wait_no_workers(before) == []


def test_timeout_raises():
    before = children()
    loader = eud.DataLoader(Slow(8), batch_size=2, num_workers=1, timeout=2.0)
    it = iter(loader)
    assert next(it)[0].tolist() == [0, 1]
    assert next(it)[0].tolist() == [2, 3]
    start = time.monotonic()
    with pytest.raises(RuntimeError, match="DataLoader timed out after 2.0 seconds"):
        next(it)
    assert time.monotonic() - start < 6
    del it
    assert wait_no_workers(before) == []


def test_break_and_del_shut_workers_down():
    before = children()
    loader = eud.DataLoader(Squares(100), batch_size=2, num_workers=2, timeout=20)
    for i, _ in enumerate(loader):
        if i == 3:
            break
    assert wait_no_workers(before) == []
    it = iter(loader)
    next(it)
    assert len(worker_children(before)) == 2
    del it
    gc.collect()
    assert wait_no_workers(before) == []


def test_persistent_workers_reused():
    before = children()
    loader = eud.DataLoader(Squares(10), batch_size=3, num_workers=2, persistent_workers=True)
    first = [b[0].tolist() for b in loader]
    pids = {p for p, _ in worker_children(before)}
    # Break out early once: the next pass must still start from the beginning.
    for _ in loader:
        break
    second = [b[0].tolist() for b in loader]
    assert first == second == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    assert {p for p, _ in worker_children(before)} == pids
    del loader
    gc.collect()
    assert wait_no_workers(before) == []


def test_prefetch_and_out_of_order():
    loader = eud.DataLoader(
        Squares(20), batch_size=2, num_workers=2, prefetch_factor=1, in_order=False, timeout=20
    )
    got = sorted(i for b in loader for i in b[0].tolist())
    assert got == list(range(20))


def test_worker_init_fn_and_spawn():
    loader = eud.DataLoader(
        Squares(6),
        batch_size=3,
        num_workers=1,
        multiprocessing_context="spawn",
        worker_init_fn=print,
        timeout=60,
    )
    assert [b[1].tolist() for b in loader] == [[0, 1, 4], [9, 16, 25]]


def test_unpicklable_batch_is_an_error():
    loader = eud.DataLoader(
        Squares(4), batch_size=2, num_workers=1, timeout=20, collate_fn=lambda b: lambda: b
    )
    with pytest.raises(Exception, match="pickle"):
        next(iter(loader))


def shm_files():
    return set(glob.glob("/dev/shm/ember-dl-*"))


def test_large_batches_through_shared_memory():
    from data_helpers import BigArrays

    before = shm_files()
    loader = eud.DataLoader(BigArrays(24), batch_size=4, num_workers=2, timeout=20)
    for k, (x, y) in enumerate(loader):
        assert y.tolist() == list(range(4 * k, 4 * k + 4))
        assert x.shape == (4, 3, 64, 64) and x.dtype == ember.float32
        assert np.array_equal(x._data[:, 0, 0, 0], np.arange(4 * k, 4 * k + 4))
        x.add_(1)  # the mapped batch is writable
    assert shm_files() == before
    it = iter(loader)
    next(it)
    time.sleep(0.5)  # let the workers fill the prefetch queue with shared batches
    del it
    gc.collect()
    assert shm_files() == before


ORPHAN_SCRIPT = """
import os, sys, time
sys.path.insert(0, {tests!r})
sys.path.insert(0, {root!r})
import ember.utils.data as eud
from data_helpers import Squares
it = iter(eud.DataLoader(Squares(1000), batch_size=2, num_workers=2))
next(it)
print(" ".join(str(w.pid) for w in it._workers), flush=True)
os._exit(0)
"""


def test_workers_exit_when_main_process_dies(tmp_path):
    import subprocess
    import sys

    tests = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    script = ORPHAN_SCRIPT.format(tests=os.path.join(tests, "data"), root=os.path.dirname(tests))
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    pids = [int(p) for p in out.stdout.split()]
    assert len(pids) == 2, out.stderr
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(os.path.exists(f"/proc/{p}") for p in pids):
        time.sleep(0.1)
    assert not any(os.path.exists(f"/proc/{p}") for p in pids)


def failing_init(worker_id):
    raise KeyError(f"init of worker {worker_id}")


def test_worker_init_fn_error_and_recovery_with_persistent_workers():
    loader = eud.DataLoader(
        Squares(8),
        batch_size=2,
        num_workers=2,
        timeout=20,
        worker_init_fn=failing_init,
        persistent_workers=True,
    )
    with pytest.raises(KeyError, match="init of worker 0"):
        list(loader)
    loader.worker_init_fn = None
    assert [b[0].tolist() for b in loader][0] == [0, 1]  # fresh workers after the failure


def test_iterable_dataset_persistent_workers():
    from data_helpers import RangeStream

    loader = eud.DataLoader(
        RangeStream(7), batch_size=2, num_workers=2, persistent_workers=True, timeout=20
    )
    passes = [sorted(i for b in loader for i in b.tolist()) for _ in range(2)]
    assert passes == [list(range(7))] * 2


def test_spawn_with_unpicklable_dataset_fails_cleanly():
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()  # spawn starts this helper once per process: not a worker
    before = children()
    dataset = Squares(4)
    dataset.transform = lambda v: v  # a lambda cannot be pickled for a spawned worker
    loader = eud.DataLoader(dataset, num_workers=2, multiprocessing_context="spawn")
    with pytest.raises(Exception, match="pickle|lambda"):
        next(iter(loader))
    assert wait_no_workers(before) == []


def test_prefetch_factor_bounds_tasks_in_flight():
    loader = eud.DataLoader(Squares(40), batch_size=2, num_workers=2, prefetch_factor=3, timeout=20)
    it = iter(loader)
    assert it._send_idx == 6  # prefetch_factor batches per worker sent before the first next()
    next(it)
    assert it._send_idx == 7 and it._tasks_outstanding <= 6
    assert sorted(it._task_info) == list(range(1, 7))
    del it


def test_iterable_workers_of_unequal_length():
    from data_helpers import UnevenStream

    for prefetch in (1, 2):
        loader = eud.DataLoader(
            UnevenStream(), batch_size=None, num_workers=2, prefetch_factor=prefetch, timeout=20
        )
        assert sorted(int(x) for x in loader) == list(range(10)) + [100]
