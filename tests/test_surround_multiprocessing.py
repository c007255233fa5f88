"""ember.multiprocessing against torch.multiprocessing: spawn's semantics and errors, queues
that carry tensors, and shared-memory tensors that children write and the parent sees."""

from __future__ import annotations

import multiprocessing as stdlib_mp
import os
import sys

import pytest
import torch
import torch.multiprocessing as torch_mp

import ember
import ember.multiprocessing as mp

sys.path.insert(0, os.path.dirname(__file__))
import _surround_workers as workers  # noqa: E402

fork_only = pytest.mark.skipif(sys.platform == "win32", reason="needs fork")


def test_names_of_the_standard_library_and_torch():
    for name in (
        "Process Queue SimpleQueue Pool get_context set_start_method get_start_method spawn "
        "start_processes ProcessContext ProcessRaisedException ProcessExitedException "
        "get_all_sharing_strategies set_sharing_strategy get_sharing_strategy cpu_count"
    ).split():
        assert hasattr(mp, name), name
        assert hasattr(torch_mp, name), name
    assert mp.get_context is stdlib_mp.get_context
    assert mp.get_all_sharing_strategies() == torch_mp.get_all_sharing_strategies()
    assert mp.get_sharing_strategy() == torch_mp.get_sharing_strategy()
    with pytest.raises(AssertionError, match="invalid sharing strategy"):
        mp.set_sharing_strategy("nope")
    mp.set_sharing_strategy("file_system")
    assert mp.get_sharing_strategy() == "file_system"
    mp.set_sharing_strategy("file_descriptor")
    assert ember.multiprocessing is mp


def test_spawn_passes_the_index_first_and_tensors_arrive_by_value():
    q = mp.get_context("spawn").SimpleQueue()
    assert mp.spawn(workers.put_square, args=(q, "ember"), nprocs=2) is None
    got = dict(q.get() for _ in range(2))
    assert got[0].tolist() == [0.0, 0.0] and got[1].tolist() == [1.0, 1.0]
    assert isinstance(got[1], ember.Tensor)


def _failure(lib, fn):
    try:
        lib.multiprocessing.start_processes(fn, nprocs=2, start_method="fork")
    except Exception as e:  # noqa: BLE001 - comparing what each library raises
        return e
    return None


@fork_only
@pytest.mark.parametrize("fn", [workers.kill_first, workers.exit_three])
def test_exited_processes_raise_as_torch(fn):
    t, e = _failure(torch, fn), _failure(ember, fn)
    assert type(e).__name__ == type(t).__name__ == "ProcessExitedException"
    assert str(e) == str(t)
    assert (e.error_index, e.exit_code, e.signal_name) == (
        t.error_index,
        t.exit_code,
        t.signal_name,
    )
    assert isinstance(e, mp.ProcessException) and e.error_pid > 0


@fork_only
def test_an_exception_in_a_child_raises_with_its_traceback():
    t, e = _failure(torch, workers.raise_in_one), _failure(ember, workers.raise_in_one)
    assert type(e).__name__ == type(t).__name__ == "ProcessRaisedException"
    head = "\n\n-- Process 1 terminated with the following error:\nTraceback"
    assert str(e).startswith(head) and str(t).startswith(head)
    assert str(e).splitlines()[-1] == str(t).splitlines()[-1] == "ValueError: bad 1"
    assert 'raise ValueError(f"bad {i}")' in str(e)
    assert e.error_index == 1


@fork_only
def test_join_false_returns_a_process_context():
    ctx = mp.start_processes(workers.clean_exit, nprocs=2, join=False, start_method="fork")
    assert isinstance(ctx, mp.ProcessContext)
    assert len(ctx.pids()) == 2 and len(ctx.processes) == 2
    while not ctx.join():
        pass
    assert ctx.join() is True
    assert all(p.exitcode == 0 for p in ctx.processes)


# ---- shared memory -------------------------------------------------------------------------


def test_share_memory_moves_data_and_answers_is_shared_as_torch():
    for lib in (torch, ember):
        x = lib.arange(6.0).reshape(2, 3)
        assert not x.is_shared()
        assert x.share_memory_() is x
        assert x.is_shared() and x[1].is_shared()
        assert x.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
        assert x.share_memory_() is x  # already shared: unchanged
    p = ember.zeros(3, requires_grad=True).share_memory_()
    assert p.requires_grad and p.is_leaf


@fork_only
@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_children_writes_to_shared_tensor_reach_the_parent(method):
    t = ember.zeros(3).share_memory_()
    mp.start_processes(workers.add_rank, args=(t,), nprocs=3, start_method=method)
    assert t.tolist() == [1.0, 2.0, 3.0]


@fork_only
def test_hogwild_processes_updating_a_shared_weight():
    ctx = mp.get_context("spawn")
    weight = ember.zeros(2, 3).share_memory_()
    procs = [ctx.Process(target=workers.train_shared, args=(r, weight, 5)) for r in range(2)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join()
        assert proc.exitcode == 0
    assert weight.tolist() == [[5.0] * 3] * 2


@fork_only
def test_queue_carries_shared_tensors_by_reference_and_others_by_value():
    ctx = mp.get_context("fork")
    q, done = ctx.Queue(), ctx.Queue()
    shared = ember.zeros(2).share_memory_()
    proc = ctx.Process(target=workers.fill_from_queue, args=(q, done))
    proc.start()
    q.put(shared)
    assert done.get(timeout=30)
    proc.join()
    assert shared.tolist() == [7.0, 7.0]
    with ctx.Pool(2) as pool:
        out = pool.map(workers.double, [ember.ones(2), ember.full((2,), 3.0)])
    assert [o.tolist() for o in out] == [[2.0, 2.0], [6.0, 6.0]]


def test_share_module_memory_shares_parameters_grads_and_buffers():
    from ember._shared_memory import share_module_memory

    class Tiny:  # the part of Module that share_memory uses
        def __init__(self):
            self.w = ember.ones(2, requires_grad=True)
            self.w.grad = ember.zeros(2)
            self.running = ember.zeros(2)

        def parameters(self):
            return iter([self.w])

        def buffers(self):
            return iter([self.running])

    m = Tiny()
    assert share_module_memory(m) is m
    assert m.w.is_shared() and m.w.grad.is_shared() and m.running.is_shared()
