"""``torch.multiprocessing.spawn``: run ``fn(i, *args)`` in ``nprocs`` processes and report
the first failure in the parent, with the child's traceback."""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import pickle
import shutil
import signal
import sys
import tempfile


class ProcessException(Exception):
    """A spawned process failed; ``error_index`` is its index, ``error_pid`` its pid."""

    def __init__(self, msg: str, error_index: int, error_pid: int):
        super().__init__(msg)
        self.msg = msg
        self.error_index = error_index
        self.error_pid = error_pid

    def __reduce__(self):
        return type(self), (self.msg, self.error_index, self.error_pid)


class ProcessRaisedException(ProcessException):
    """A spawned process raised; the message holds its traceback."""


class ProcessExitedException(ProcessException):
    """A spawned process exited with a non-zero code or was killed by a signal."""

    def __init__(self, msg, error_index, error_pid, exit_code: int, signal_name: str | None = None):
        super().__init__(msg, error_index, error_pid)
        self.exit_code = exit_code
        self.signal_name = signal_name

    def __reduce__(self):
        args = (self.msg, self.error_index, self.error_pid, self.exit_code, self.signal_name)
        return type(self), args


def _wrap(fn, i, args, error_file):
    try:
        fn(i, *args)
    except KeyboardInterrupt:
        pass  # the parent is shutting the processes down
    except Exception:
        import traceback

        with open(error_file, "wb") as f:
            pickle.dump(traceback.format_exc(), f)
        sys.exit(1)


class ProcessContext:
    """The processes ``spawn(..., join=False)`` started; ``join()`` waits and reports failures."""

    def __init__(self, processes, error_files, error_dir=None):
        self.processes = processes
        self.error_files = error_files
        self.sentinels = {p.sentinel: i for i, p in enumerate(processes)}
        self._error_dir = error_dir

    def pids(self):
        return [int(p.pid) for p in self.processes]

    def join(self, timeout: float | None = None) -> bool:
        """Wait for a process to finish: True once all have ended cleanly, False while some run.

        Raises ProcessRaisedException (with the child's traceback) or ProcessExitedException
        for the first process that failed, after terminating the others.
        """
        if not self.sentinels:
            return True
        ready = multiprocessing.connection.wait(list(self.sentinels), timeout=timeout)
        failed = None
        for sentinel in ready:
            index = self.sentinels.pop(sentinel)
            process = self.processes[index]
            process.join()
            if process.exitcode != 0:
                failed = index
                break
        if failed is None:
            if not self.sentinels:
                self._cleanup()
            return not self.sentinels
        for process in self.processes:
            if process.is_alive():
                process.terminate()
            process.join()
        self.sentinels.clear()
        try:
            self._raise(failed)
        finally:
            self._cleanup()

    def _raise(self, index: int):
        process = self.processes[index]
        error_file = self.error_files[index]
        if not os.path.exists(error_file) or os.path.getsize(error_file) == 0:
            code = process.exitcode
            if code < 0:
                name = signal.Signals(-code).name
                raise ProcessExitedException(
                    f"process {index} terminated with signal {name}", index, process.pid, code, name
                )
            raise ProcessExitedException(
                f"process {index} terminated with exit code {code}", index, process.pid, code
            )
        with open(error_file, "rb") as f:
            trace = pickle.load(f)
        msg = f"\n\n-- Process {index} terminated with the following error:\n{trace}"
        raise ProcessRaisedException(msg, index, process.pid)

    def _cleanup(self):
        if self._error_dir is not None:
            shutil.rmtree(self._error_dir, ignore_errors=True)
            self._error_dir = None


SpawnContext = ProcessContext


def start_processes(
    fn, args=(), nprocs: int = 1, join: bool = True, daemon: bool = False, start_method="spawn"
):
    """Start ``nprocs`` processes running ``fn(i, *args)`` with ``start_method``."""
    ctx = multiprocessing.get_context(start_method)
    error_dir = tempfile.mkdtemp(prefix="ember-spawn-")
    error_files = []
    processes = []
    for i in range(nprocs):
        error_file = os.path.join(error_dir, f"{i}.err")
        process = ctx.Process(target=_wrap, args=(fn, i, args, error_file), daemon=daemon)
        process.start()
        error_files.append(error_file)
        processes.append(process)
    context = ProcessContext(processes, error_files, error_dir)
    if not join:
        return context
    while not context.join():
        pass


def spawn(fn, args=(), nprocs: int = 1, join: bool = True, daemon: bool = False,
          start_method: str = "spawn"):  # fmt: skip
    """Run ``fn(i, *args)`` for i in range(nprocs), each in a new process (torch.mp.spawn).

    With ``join=True`` it returns None once all have finished and raises for the first that
    failed; with ``join=False`` it returns the ProcessContext.
    """
    return start_processes(fn, args, nprocs, join, daemon, start_method)
