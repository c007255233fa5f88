"""backends.parallel (batch slices on threads) and backends.memory (glibc's thresholds)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading

import numpy as np
import pytest

import ember
from ember.backends import memory, parallel, products

needs_openblas = pytest.mark.skipif(
    parallel.blas() is None, reason="NumPy's BLAS is not OpenBLAS: kernels never split"
)


@pytest.fixture
def three_threads(monkeypatch):
    monkeypatch.setattr(parallel, "MIN_WORK", 0)
    monkeypatch.setitem(parallel._state, "threads", 3)
    yield
    monkeypatch.undo()
    if parallel.blas() is not None:  # a split set OpenBLAS back to 3 threads
        parallel.blas().set_threads(parallel.threads())


@needs_openblas
def test_slices_cover_the_batch_in_order(three_threads):
    parts = parallel.over_batch(7, lambda lo, hi: (lo, hi, threading.current_thread().name), 1)
    assert [p[:2] for p in parts] == [(0, 2), (2, 4), (4, 7)]
    # the caller runs the first slice, the pool the others
    assert parts[0][2] == threading.current_thread().name
    assert all(p[2].startswith("ember-kernel") for p in parts[1:])


@needs_openblas
def test_small_work_and_one_thread_run_inline(three_threads, monkeypatch):
    assert parallel.over_batch(5, lambda lo, hi: (lo, hi), parallel.MIN_WORK - 1) == [(0, 5)]
    monkeypatch.setattr(parallel, "MIN_WORK", 100)
    assert parallel.over_batch(5, lambda lo, hi: (lo, hi), 99) == [(0, 5)]
    assert parallel.over_batch(5, lambda lo, hi: (lo, hi), 100) != [(0, 5)]
    monkeypatch.setitem(parallel._state, "threads", 1)
    assert parallel.over_batch(5, lambda lo, hi: (lo, hi), 1 << 40) == [(0, 5)]


@needs_openblas
def test_a_split_inside_a_worker_runs_inline(three_threads):
    inner = parallel.over_batch(
        4, lambda lo, hi: parallel.over_batch(hi - lo, lambda a, b: (a, b), 1), 1
    )
    assert inner[1:] == [[(0, 1)], [(0, 2)]]  # the pool threads did not split again


@needs_openblas
def test_an_error_in_a_slice_reaches_the_caller(three_threads):
    def work(lo, hi):
        if lo > 0:
            raise ValueError(f"slice {lo}:{hi} failed")
        return lo

    with pytest.raises(ValueError, match="slice 1:2 failed"):
        parallel.over_batch(3, work, 1)


@needs_openblas
def test_set_num_threads_sets_openblas_and_the_split():
    before = ember.get_num_threads()
    try:
        ember.set_num_threads(1)
        assert parallel.threads() == 1 and parallel.blas().get_threads() == 1
        assert ember.get_num_threads() == 1
        assert parallel.over_batch(4, lambda lo, hi: (lo, hi), 1 << 40) == [(0, 4)]
        ember.set_num_threads(3)
        assert parallel.threads() == 3 and parallel.blas().get_threads() == 3
    finally:
        ember.set_num_threads(before)
    assert parallel.blas().get_threads() == before


@needs_openblas
def test_openblas_runs_one_thread_during_a_split_only(three_threads):
    parallel.blas().set_threads(3)
    try:
        during = parallel.over_batch(3, lambda lo, hi: parallel.blas().get_threads(), 1)
        assert during == [1, 1, 1]
        assert parallel.blas().get_threads() == 3
        with pytest.raises(ZeroDivisionError):
            parallel.over_batch(3, lambda lo, hi: 1 / 0, 1)
        assert parallel.blas().get_threads() == 3  # restored after a failure too
    finally:
        parallel.blas().set_threads(ember.get_num_threads())


def test_blas_thread_count_from_the_environment_becomes_embers():
    code = "import ember; print(ember.get_num_threads())"
    for value in ("1", "2"):
        env = dict(os.environ, OPENBLAS_NUM_THREADS=value)
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        if parallel.blas() is not None:
            assert int(out.stdout) == min(int(value), len(os.sched_getaffinity(0)))


def _tuned_in_child(env):
    code = "import ember.backends.memory as m; print(m.state['tuned'])"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


@pytest.mark.skipif(not hasattr(os, "confstr"), reason="no confstr")
def test_malloc_tuning_and_its_switch():
    try:
        glibc = bool(os.confstr("CS_GNU_LIBC_VERSION"))
    except (ValueError, OSError):
        glibc = False
    env = dict(os.environ)
    env.pop("EMBER_MALLOC_TUNING", None)
    assert _tuned_in_child(env) == str(glibc)
    assert memory.state["tuned"] == (glibc and os.environ.get("EMBER_MALLOC_TUNING") != "0")
    env["EMBER_MALLOC_TUNING"] = "0"
    assert _tuned_in_child(env) == "False"


@needs_openblas
@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork")
def test_a_forked_child_gets_its_own_threads(three_threads):
    parallel.over_batch(3, lambda lo, hi: lo, 1)  # the parent's pool exists
    pid = os.fork()
    if pid == 0:  # the child: a split must not wait on the parent's (absent) threads
        signal.alarm(20)  # a hang kills the child (exit status -SIGALRM)
        try:
            ok = parallel.over_batch(3, lambda lo, hi: (lo, hi), 1) == [(0, 1), (1, 2), (2, 3)]
        finally:
            os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


@pytest.mark.parametrize(
    "setup, want",
    [
        ("", "20 20"),  # ember first: OpenBLAS's threads stop spinning after ~0.4 ms
        ("import numpy;", "20 20"),  # NumPy first: OpenBLAS reads it again, threads restart
        ("import os; os.environ['OPENBLAS_THREAD_TIMEOUT'] = '25';", "25 25"),  # the user's
        ("import os, numpy; os.environ['OPENBLAS_THREAD_TIMEOUT'] = '25';", "25 0"),  # too late
    ],
)
def test_openblas_spin_time(setup, want):
    code = (
        f"{setup}import os, ember, numpy\n"
        "from ember.backends import parallel\n"
        "lib = parallel.blas()\n"
        "read = parallel.spin_timeout(lib) if lib is not None else None\n"
        "a = numpy.ones((300, 300))\n"  # a threaded product after the restart still computes
        "assert float((a @ a).sum()) == 300.0 ** 3\n"
        "print(os.environ.get('OPENBLAS_THREAD_TIMEOUT', 'unset'), read)"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_THREAD_TIMEOUT"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    setting, read = out.stdout.split()
    assert setting == want.split()[0]
    if read != "None":  # an OpenBLAS that exports its timeout: what it will use
        assert read == want.split()[1]


PRODUCT_SHAPES = [
    ((4, 5, 6), (6, 3)),  # folded into one (20, 6) @ (6, 3)
    ((2, 3, 5, 6), (6, 3)),
    ((0, 5, 6), (6, 3)),  # empty batch
    ((4, 5, 0), (0, 3)),  # empty inner dim
    ((6, 5, 4), (6, 4, 3)),  # a stack: split over threads
    ((2, 3, 5, 4), (2, 3, 4, 7)),
    ((1, 5, 4), (6, 4, 3)),  # broadcast: NumPy's own loop
    ((5, 4), (6, 4, 3)),
]


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
@pytest.mark.parametrize("shapes", PRODUCT_SHAPES, ids=str)
def test_products_equal_numpy_matmul(shapes, dtype, three_threads):
    rng = np.random.default_rng(2)
    a, b = (rng.integers(-3, 4, s).astype(dtype) for s in shapes)
    got = products.matmul(a, b)
    want = np.matmul(a, b)
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)  # small integers: exact in every dtype


@needs_openblas
def test_a_large_stack_is_split(three_threads, monkeypatch):
    calls = []
    real = parallel.over_batch
    monkeypatch.setattr(parallel, "over_batch", lambda *a: calls.append(a[0]) or real(*a))
    a = np.ones((6, 5, 4), np.float32)
    assert products.matmul(a, np.ones((6, 4, 3), np.float32)).sum() == 6 * 5 * 3 * 4
    assert calls == [6]


@needs_openblas
def test_special_functions_share_their_blocks_out(three_threads):
    import torch

    from ember.backends import special

    x = np.linspace(-6, 6, 3 * special._BLOCK + 5).astype(np.float32)
    got = special.erf(x)
    threads = parallel._state["threads"]
    parallel._state["threads"] = 1
    try:
        whole = special.erf(x)
    finally:
        parallel._state["threads"] = threads
    np.testing.assert_array_equal(got, whole)  # the split changes nothing
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, torch.erf(torch.from_numpy(x)).numpy(), rtol=1e-6, atol=1e-7)


NORM_CASES = {
    # name: (input shape, call on (lib, x, weight, bias))
    "batch_norm": (
        (4, 6, 5, 5),
        lambda lib, x, w, b: lib.nn.functional.batch_norm(x, None, None, w, b, training=True),
    ),
    "batch_norm-no-affine": (
        (4, 6, 5),
        lambda lib, x, w, b: lib.nn.functional.batch_norm(x, None, None, training=True),
    ),
    "layer_norm-affine": (  # the weight is broadcast along the rows: not cut
        (6, 4, 7),
        lambda lib, x, w, b: lib.nn.functional.layer_norm(
            x, (4, 7), w[:1].reshape(1, 1).expand(4, 7)
        ),
    ),
    "layer_norm": ((6, 4, 7), lambda lib, x, w, b: lib.nn.functional.layer_norm(x, (7,))),
    "group_norm": ((4, 6, 5), lambda lib, x, w, b: lib.nn.functional.group_norm(x, 3, w, b)),
    "instance_norm": ((4, 6, 5), lambda lib, x, w, b: lib.nn.functional.instance_norm(x)),
}


@pytest.mark.parametrize("case", sorted(NORM_CASES))
def test_normalisations_cut_into_slices_match_torch(case, three_threads, monkeypatch):
    import torch

    shape, call = NORM_CASES[case]
    cuts = []
    real = parallel.over_batch
    monkeypatch.setattr(parallel, "over_batch", lambda *a: cuts.append(len(r := real(*a))) or r)
    rng = np.random.default_rng(3)
    arrays = [rng.standard_normal(shape), rng.standard_normal(6), rng.standard_normal(6)]
    results = {}
    for lib in (ember, torch):
        x, w, b = (lib.tensor(a, dtype=lib.float64, requires_grad=True) for a in arrays)
        y = call(lib, x, w, b)
        up = lib.tensor(np.linspace(-1, 1, y.numel()).reshape(tuple(y.shape)))
        grads = lib.autograd.grad((y * up).sum(), (x, w, b), allow_unused=True)
        results[lib.__name__] = [y] + [g for g in grads]
    for got, want in zip(results["ember"], results["torch"]):
        if want is None:
            assert got is None
            continue
        np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), atol=1e-10)
    if parallel.blas() is not None and case != "layer_norm-affine":
        assert cuts and max(cuts) > 1  # the work was cut, forward and backward


POOL_CASES = [
    ("max_pool2d", (3, 2, 9, 9), dict(kernel_size=2)),
    ("max_pool2d", (4, 3, 10, 11), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    ("max_pool2d", (3, 2, 12, 12), dict(kernel_size=2, dilation=2)),
    ("max_pool1d", (5, 17), dict(kernel_size=3, stride=2)),  # unbatched: channels lead
    ("max_pool3d", (3, 2, 6, 6, 6), dict(kernel_size=2)),
]


@pytest.mark.parametrize("name, shape, kwargs", POOL_CASES, ids=str)
def test_max_pooling_split_over_threads_matches_torch(name, shape, kwargs, three_threads):
    import torch

    x = np.random.default_rng(4).standard_normal(shape)
    results = {}
    for lib in (ember, torch):
        xt = lib.tensor(x, requires_grad=True)
        y, idx = getattr(lib.nn.functional, name)(xt, return_indices=True, **kwargs)
        up = lib.tensor(np.linspace(-1, 1, y.numel()).reshape(tuple(y.shape)))
        (gx,) = lib.autograd.grad((y * up).sum(), [xt])
        results[lib.__name__] = [t.detach().numpy() for t in (y, idx, gx)]
    (y, idx, gx), (ty, tidx, tgx) = results["ember"], results["torch"]
    np.testing.assert_array_equal(y, ty)
    np.testing.assert_array_equal(idx, tidx)
    np.testing.assert_allclose(gx, tgx, rtol=1e-12)  # overlapping windows: sums in any order


@needs_openblas
def test_kernels_called_from_several_threads_at_once(three_threads):
    """Two user threads sharing the pool (and OpenBLAS's count): same results, no deadlock."""
    rng = np.random.default_rng(6)
    x = rng.standard_normal((5, 8, 12, 12)).astype(np.float32)
    w = rng.standard_normal((8, 8, 3, 3)).astype(np.float32)

    def run(lib=ember):
        xt = lib.tensor(x, requires_grad=True)
        wt = lib.tensor(w, requires_grad=True)
        y = lib.nn.functional.conv2d(xt, wt, padding=1)
        y.sum().backward()
        return y.detach().numpy(), xt.grad.numpy(), wt.grad.numpy()

    import torch

    want = run(torch)
    results, errors = [], []

    def worker():
        try:
            for _ in range(3):
                results.append(run())
        except Exception as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads) and not errors
    assert len(results) == 6
    for got in results:
        for g, e in zip(got, want):
            np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-4)
