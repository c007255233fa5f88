"""Batch-parallel kernels: one slice of the batch per CPU thread, OpenBLAS one thread in each.

NumPy's copies run on one core, and OpenBLAS threads a product only inside one call. A
convolution made of many small (cache-sized) copies and products therefore leaves the other
cores idle for much of its time, and wakes OpenBLAS's threads for each small product. Splitting
the batch instead keeps every core busy for the whole kernel: each thread of a small pool runs
the serial kernel on its images, and OpenBLAS is set to one thread while they run (its count is
process-wide), then set back. NumPy's copies and products release the GIL, so the slices run in
parallel. Plain products (``matmul``, ``linear``) are left to OpenBLAS's own threads, which
are faster at handing out one product.

Only NumPy arrays are split, and only where NumPy's BLAS is OpenBLAS (its thread count can then
be set); elsewhere (MKL, Accelerate, Pyodide, CuPy) the kernel runs whole and the BLAS threads
itself. ``ember.set_num_threads`` sets both counts.
"""

from __future__ import annotations

import ctypes
import glob
import os
import threading

import numpy as np

from .. import _blas_env

_state = {"blas": None, "searched": False, "threads": 1, "pool": None, "pool_pid": None,
          "pool_size": 0}  # fmt: skip
_lock = threading.Lock()
_worker = threading.local()

# below this many multiply-adds per call, handing work to a thread costs more than it saves
MIN_WORK = 1 << 22


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
    """OpenBLAS's thread count, set and read through its exported functions (NumPy's wheels
    prefix and suffix their names), and the library itself for the unprefixed ones."""

    def __init__(self, handle, setter, getter):
        setter.argtypes = [ctypes.c_int]
        getter.restype = ctypes.c_int
        self.handle, self.set_threads, self.get_threads = handle, setter, getter


def _find_blas():
    for path in _candidate_libraries():
        try:
            handle = ctypes.CDLL(path)
        except OSError:
            continue
        for suffix in ("64_", "_64_", ""):
            for prefix in ("scipy_openblas", "openblas"):
                setter = getattr(handle, f"{prefix}_set_num_threads{suffix}", None)
                getter = getattr(handle, f"{prefix}_get_num_threads{suffix}", None)
                if setter is not None and getter is not None:
                    return _Blas(handle, setter, getter)
    return None


def blas():
    """OpenBLAS's thread controls, or None where NumPy's BLAS is another library."""
    if not _state["searched"]:
        _state["searched"] = True
        _state["blas"] = _find_blas()
    return _state["blas"]


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # no sched_getaffinity (macOS)
        return os.cpu_count() or 1


def claim() -> None:
    """Take OpenBLAS's thread count (which ``OPENBLAS_NUM_THREADS``/``OMP_NUM_THREADS`` set)
    as the count of batch slices, and shorten its threads' spin when NumPy came first. Done
    once, at import."""
    lib = blas()
    if lib is not None:
        _state["threads"] = max(1, min(lib.get_threads(), _cpus()))
        if _blas_env.LATE and not _blas_env.USERS:
            shorten_spin(lib)


def spin_timeout(lib) -> int | None:
    """The thread timeout OpenBLAS has read from its environment (0: its default), or None
    where the library does not export it."""
    getter = getattr(lib.handle, "openblas_thread_timeout", None)
    if getter is None:
        return None
    getter.restype = ctypes.c_int
    return getter()


def shorten_spin(lib) -> bool:
    """Have OpenBLAS read ``OPENBLAS_THREAD_TIMEOUT`` again (``_blas_env`` set it after NumPy
    had loaded OpenBLAS) and stop its threads: the next product starts them again, and they
    take the timeout when they start. Whether it was done (older or other builds may not
    export these functions; their threads then keep the default spin)."""
    read_env = getattr(lib.handle, "openblas_read_env", None)
    stop = getattr(lib.handle, "blas_thread_shutdown_", None)
    if read_env is None or stop is None or spin_timeout(lib) is None:
        return False
    read_env()
    stop()
    return spin_timeout(lib) == int(_blas_env.THREAD_TIMEOUT)


def threads() -> int:
    """The threads a kernel splits its batch over (1 where NumPy's BLAS is not OpenBLAS)."""
    return _state["threads"]


def set_threads(count: int) -> None:
    """Use ``count`` threads for OpenBLAS and for batch-split kernels."""
    lib = blas()
    with _lock:
        if lib is not None:
            lib.set_threads(count)
        _state["threads"] = count if lib is not None else 1
        pool, _state["pool"] = _state["pool"], None
    if pool is not None and _state["pool_pid"] == os.getpid():
        pool.shutdown(wait=False)


def _mark_worker():
    _worker.active = True


def _pool(workers: int):
    """The worker threads (``workers`` of them at least), made again in a forked child: a
    fork copies the pool but not its threads."""
    from concurrent.futures import ThreadPoolExecutor  # not at import: it costs ~10 ms

    with _lock:
        pool, pid = _state["pool"], os.getpid()
        if pool is not None and (_state["pool_pid"] != pid or _state["pool_size"] < workers):
            if _state["pool_pid"] == pid:
                pool.shutdown(wait=False)
            pool = None
        if pool is None:
            pool = ThreadPoolExecutor(
                workers, thread_name_prefix="ember-kernel", initializer=_mark_worker
            )
            _state["pool"], _state["pool_pid"], _state["pool_size"] = pool, pid, workers
        return pool


def _slices(n: int, size: float) -> int:
    """How many slices to cut ``n`` items of ``size`` multiply-adds in all into."""
    if size < MIN_WORK or getattr(_worker, "active", False):
        return 1
    return max(1, min(threads(), n))


def _run(cuts, work):
    count = len(cuts) - 1
    lib = blas()
    lib.set_threads(1)  # each slice's products on its own thread
    try:
        pool = _pool(count - 1)
        futures = [pool.submit(work, cuts[i], cuts[i + 1]) for i in range(1, count)]
        try:
            first = work(cuts[0], cuts[1])
        finally:
            rest = [f.result() for f in futures]  # wait for all, even when the first failed
    finally:
        lib.set_threads(_state["threads"])
    return [first] + rest


def over_batch(n: int, work, size: float):
    """``[work(lo, hi), ...]`` over consecutive slices of ``range(n)``, one per thread: in
    parallel when the kernel is large (``size`` multiply-adds) and there is more than one
    thread, else ``[work(0, n)]`` on the calling thread."""
    count = _slices(n, size)
    if count < 2:
        return [work(0, n)]
    return _run([n * i // count for i in range(count + 1)], work)
