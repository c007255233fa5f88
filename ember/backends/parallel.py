"""Batch-parallel kernels: one slice of the batch per CPU thread, BLAS single-threaded in each.

NumPy copies run on one core, and OpenBLAS threads a product only inside one call. A
convolution made of many small (cache-sized) copies and products therefore leaves the other
cores idle for much of its time, and waking OpenBLAS's threads for each small product costs
more. Splitting the batch instead keeps every core busy for the whole kernel: each thread
runs the serial kernel on its images, with OpenBLAS set to one thread for that thread only
(``openblas_set_num_threads_local``). NumPy's copies and products release the GIL, so the
threads run in parallel.

Only NumPy arrays are split, and only where OpenBLAS's per-thread setting is found (NumPy's
bundled OpenBLAS 0.3.27 or later); elsewhere (MKL, Accelerate, Pyodide, CuPy) the kernel runs
once on the whole batch, and the BLAS threads itself as before.
"""

from __future__ import annotations

import ctypes
import glob
import os
import threading

import numpy as np

_state = {"blas": None, "searched": False, "threads": None, "pool": None, "pool_pid": None}
_lock = threading.Lock()

# below this many multiply-adds per call, handing work to a thread costs more than it saves
MIN_WORK = 1 << 23


def _candidate_libraries():
    try:
        with open("/proc/self/maps") as fh:
            mapped = {line.split()[-1] for line in fh if "openblas" in line.lower()}
    except OSError:  # not Linux
        mapped = set()
    root = os.path.dirname(os.path.dirname(np.__file__))
    bundled = glob.glob(os.path.join(root, "numpy.libs", "*openblas*"))
    bundled += glob.glob(os.path.join(os.path.dirname(np.__file__), ".dylibs", "*openblas*"))
    return sorted(mapped) + sorted(set(bundled) - mapped)


class _Blas:
    """OpenBLAS's thread controls, found by symbol (NumPy's wheels prefix them)."""

    def __init__(self, handle):
        self.set_local = handle.openblas_set_num_threads_local
        self.set_local.argtypes = [ctypes.c_int]
        self.set_local.restype = ctypes.c_int
        self.set_global = self.get_global = None
        for suffix in ("64_", "_64_", ""):
            for prefix in ("scipy_openblas", "openblas"):
                setter = getattr(handle, f"{prefix}_set_num_threads{suffix}", None)
                getter = getattr(handle, f"{prefix}_get_num_threads{suffix}", None)
                if setter is not None and getter is not None and self.set_global is None:
                    setter.argtypes = [ctypes.c_int]
                    getter.restype = ctypes.c_int
                    self.set_global, self.get_global = setter, getter


def blas():
    """OpenBLAS's thread controls, or None where NumPy's BLAS is another library."""
    if not _state["searched"]:
        _state["searched"] = True
        for path in _candidate_libraries():
            try:
                handle = ctypes.CDLL(path)
                if hasattr(handle, "openblas_set_num_threads_local"):
                    _state["blas"] = _Blas(handle)
                    break
            except (OSError, AttributeError):
                continue
    return _state["blas"]


def threads() -> int:
    """The threads a kernel may split its batch over: BLAS's own thread count (which
    ``OPENBLAS_NUM_THREADS``/``OMP_NUM_THREADS`` set) unless ``set_threads`` chose one."""
    if _state["threads"] is None:
        lib = blas()
        count = lib.get_global() if lib is not None and lib.get_global is not None else 1
        try:
            count = min(count, len(os.sched_getaffinity(0)))
        except AttributeError:  # no sched_getaffinity (macOS)
            count = min(count, os.cpu_count() or 1)
        _state["threads"] = max(1, count)
    return _state["threads"]


def set_threads(count: int) -> None:
    """Use ``count`` threads for batch-split kernels and for BLAS itself."""
    lib = blas()
    if lib is not None and lib.set_global is not None:
        lib.set_global(count)
    with _lock:
        _state["threads"] = count
        pool, _state["pool"] = _state["pool"], None
    if pool is not None and _state["pool_pid"] == os.getpid():
        pool.shutdown(wait=False)


def _pool(workers: int):
    """The worker threads (``workers`` of them at least), made again in a forked child: a
    fork copies the pool but not its threads."""
    from concurrent.futures import ThreadPoolExecutor  # not at import: it costs ~10 ms

    with _lock:
        pool, pid = _state["pool"], os.getpid()
        if pool is not None and (_state["pool_pid"] != pid or pool._max_workers < workers):
            if _state["pool_pid"] == pid:
                pool.shutdown(wait=False)
            pool = None
        if pool is None:
            set_local = blas().set_local
            pool = ThreadPoolExecutor(
                workers, thread_name_prefix="ember-kernel", initializer=lambda: set_local(1)
            )
            _state["pool"], _state["pool_pid"] = pool, pid
        return pool


def _in_worker() -> bool:
    return threading.current_thread().name.startswith("ember-kernel")


def over_batch(n: int, work, size: float):
    """``[work(lo, hi), ...]`` over consecutive slices of ``range(n)``, one per thread: in
    parallel when the kernel is large (``size`` multiply-adds) and there is more than one
    thread, else ``[work(0, n)]`` on the calling thread."""
    count = min(threads(), n)
    if count < 2 or size < MIN_WORK or blas() is None or _in_worker():
        return [work(0, n)]
    cuts = [n * i // count for i in range(count + 1)]
    futures = [_pool(count - 1).submit(work, cuts[i], cuts[i + 1]) for i in range(1, count)]
    set_local = blas().set_local
    previous = set_local(1)
    try:
        first = work(cuts[0], cuts[1])
    finally:
        set_local(previous)
    return [first] + [f.result() for f in futures]
