"""``python -m bench``: ember against torch on the same training workloads, in one run.

Each library runs in its own worker process (``bench.worker``), as a program would. Each
workload is built as several instances per library (one instance's speed depends on where its
buffers landed), warmed up, then timed in short alternating rounds (ember, torch, ember, ...),
with a pause before each. The table gives median milliseconds per step and the median of the
per-round ratios ember/torch. Peak memory is measured per library in a fresh subprocess (max
RSS growth).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

_BLAS_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")

if any(v in os.environ for v in _BLAS_VARS) and __name__ == "__main__":
    # these force a slow OpenBLAS kernel on this machine; they must be gone before numpy loads
    env = {k: v for k, v in os.environ.items() if k not in _BLAS_VARS}
    os.execve(sys.executable, [sys.executable, "-m", "bench"] + sys.argv[1:], env)

import numpy as np  # noqa: E402

from bench.worker import ONEDNN_OFF  # noqa: E402
from bench.workloads import WORKLOADS  # noqa: E402


def blas_info() -> str:
    try:
        config = np.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]
        name = f"{blas.get('name')} {blas.get('version', '')}".strip()
    except Exception:  # numpy without the dict form
        name = "unknown BLAS"
    core = _openblas_core()
    return f"{name}{' (' + core + ')' if core else ''}"


def _openblas_core() -> str:
    import ctypes

    for lib in _loaded_libraries():
        if "openblas" not in lib.lower():
            continue
        try:
            handle = ctypes.CDLL(lib)
        except OSError:
            continue
        for symbol in (
            "scipy_openblas_get_corename64_",
            "openblas_get_corename64_",
            "openblas_get_corename",
        ):
            fn = getattr(handle, symbol, None)
            if fn is not None:
                fn.restype = ctypes.c_char_p
                return fn().decode()
    return ""


def _loaded_libraries():
    try:
        with open("/proc/self/maps") as fh:
            return sorted({line.split()[-1] for line in fh if ".so" in line})
    except OSError:
        return []


# A pause before each timing lets the other library's threads go to sleep: OpenBLAS's spin
# for a while after their last product, and the two processes share the machine's cores.
SETTLE = 0.3


class _Worker:
    """A library's workload instances in their own process (``bench.worker``)."""

    def __init__(self, lib: str, name: str, instances: int, warmup: int):
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env = {k: v for k, v in os.environ.items() if k not in _BLAS_VARS}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.worker", lib, name, str(instances), str(warmup)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=root,
            env=env,
        )
        if self.proc.stdout.readline().strip() != "ready":
            self.close()
            raise RuntimeError(f"{lib} could not run workload {name!r}")

    def time(self, instance: int, reps: int) -> float:
        """Mean seconds per step of ``reps`` steps of one instance."""
        self.proc.stdin.write(f"{instance} {reps}\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the worker process died")
        return float(line)

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


def measure(name: str, rounds: int, instances: int, warmup: int, onednn_off: bool = False):
    """Median ms per step for each library and the median per-round ratio.

    Each library runs in its own process, as a program would: in one process the two share
    the allocator (ember's glibc tuning sped torch's LSTM up by a sixth) and each other's
    spinning threads, which made neither figure what a user of that library sees. The
    timings still alternate in short rounds, so that both see the same machine.

    ``onednn_off`` adds torch with its oneDNN kernels turned off (``torch-no-onednn``): torch's
    own ATen kernels, the same kind of arrangement (im2col and BLAS, a loop of LSTM cells) as
    ember's.
    """
    libs = ("ember", "torch") + ((ONEDNN_OFF,) if onednn_off else ())
    workers = {}
    try:
        for lib in libs:
            workers[lib] = _Worker(lib, name, instances, warmup)
        probe = workers["torch"].time(0, 3)
        reps = max(2, int(0.2 / max(probe, 1e-6)))  # each timing covers about 0.2 s
        per_step = {lib: [] for lib in libs}
        ratios = {lib: [] for lib in libs[1:]}
        for r in range(rounds):
            i = r % instances
            for lib, worker in workers.items():
                time.sleep(SETTLE)
                per_step[lib].append(worker.time(i, reps))
            for lib in libs[1:]:
                ratios[lib].append(per_step["ember"][-1] / per_step[lib][-1])
    finally:
        for worker in workers.values():
            worker.close()
    row = {
        "ember_ms": float(np.median(per_step["ember"]) * 1e3),
        "torch_ms": float(np.median(per_step["torch"]) * 1e3),
        "ratio": float(np.median(ratios["torch"])),
    }
    if onednn_off:
        row["no_onednn_ms"] = float(np.median(per_step[ONEDNN_OFF]) * 1e3)
        row["ratio_no_onednn"] = float(np.median(ratios[ONEDNN_OFF]))
    return row


def peak_memory(name: str, lib: str) -> float:
    """MB of peak resident memory growth while running ``name`` in a fresh process on ``lib``.

    The peak is the kernel's high-water mark (VmHWM), reset after the imports through
    /proc/self/clear_refs; ru_maxrss would not do, as it keeps the parent's peak across exec.
    """
    code = (
        f"import {lib} as lib\n"
        "from bench.workloads import WORKLOADS\n"
        "def status(key):\n"
        "    for line in open('/proc/self/status'):\n"
        "        if line.startswith(key):\n"
        "            return int(line.split()[1])\n"
        "open('/proc/self/clear_refs', 'w').write('5')\n"
        "base = status('VmRSS')\n"
        f"step = WORKLOADS[{name!r}](lib, 0)\n"
        "for _ in range(5): step()\n"
        "print((status('VmHWM') - base) / 1024)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in _BLAS_VARS}
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=root, timeout=600
    )
    if out.returncode:
        return float("nan")
    return float(out.stdout.strip().splitlines()[-1])


def import_time(module: str, runs: int = 10) -> float:
    """Median seconds of ``import module`` in fresh processes, after one warm-up run.

    Bytecode caching is allowed (this machine sets PYTHONDONTWRITEBYTECODE, which an editable
    checkout would otherwise pay for on every import; a pip install compiles the bytecode).
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in _BLAS_VARS and k != "PYTHONDONTWRITEBYTECODE"
    }
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    subprocess.run([sys.executable, "-c", code], check=True, env=env, capture_output=True)
    times = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", code], check=True, env=env, capture_output=True, text=True
        )
        times.append(float(out.stdout.strip()))
    return float(np.median(times))


def installed_size(module: str) -> float:
    """MB of files in ``module``'s package directory, found without importing it (compiled
    bytecode left out: a wheel does not ship it, and an editable checkout may not have it)."""
    import importlib.util

    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"{module} is not an installed package")
    total = 0
    for location in spec.submodule_search_locations:
        for root, dirs, files in os.walk(location):
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            total += sum(os.lstat(os.path.join(root, f)).st_size for f in files)
    return total / 2**20


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="bench", description=__doc__)
    parser.add_argument("workloads", nargs="*", default=list(WORKLOADS))
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--instances", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--json", help="also write the numbers to this file")
    parser.add_argument(
        "--onednn-off",
        action="store_true",
        help="also time torch with oneDNN turned off (its ATen kernels), and ember's ratio to it",
    )
    ns = parser.parse_args(argv)
    print(f"BLAS: {blas_info()}; threads: {os.cpu_count()}")
    header = f"{'workload':<10} {'ember ms':>10} {'torch ms':>10} {'ratio':>7}"
    if ns.onednn_off:
        header += f" {'no-oneDNN ms':>13} {'ratio':>7}"
    if not ns.no_memory:
        header += f" {'ember MB':>9} {'torch MB':>9}"
    print(header)
    results = {}
    for name in ns.workloads:
        try:
            row = measure(name, ns.rounds, ns.instances, ns.warmup, ns.onednn_off)
        except Exception as e:  # a workload ember cannot run yet is reported, not fatal
            print(f"{name:<10} failed: {type(e).__name__}: {e}")
            results[name] = {"error": f"{type(e).__name__}: {e}"}
            continue
        line = f"{name:<10} {row['ember_ms']:>10.3f} {row['torch_ms']:>10.3f} {row['ratio']:>7.2f}"
        if ns.onednn_off:
            line += f" {row['no_onednn_ms']:>13.3f} {row['ratio_no_onednn']:>7.2f}"
        if not ns.no_memory:
            row["ember_mb"] = peak_memory(name, "ember")
            row["torch_mb"] = peak_memory(name, "torch")
            line += f" {row['ember_mb']:>9.1f} {row['torch_mb']:>9.1f}"
        print(line, flush=True)
        results[name] = row
    results["import_s"] = {"ember": import_time("ember"), "torch": import_time("torch")}
    print(
        f"import: ember {results['import_s']['ember']:.3f} s, "
        f"torch {results['import_s']['torch']:.3f} s"
    )
    results["installed_mb"] = {lib: installed_size(lib) for lib in ("ember", "numpy", "torch")}
    sizes = results["installed_mb"]
    print(
        f"installed: ember {sizes['ember']:.1f} MB (and NumPy {sizes['numpy']:.1f} MB), "
        f"torch {sizes['torch']:.1f} MB"
    )
    if ns.json:
        with open(ns.json, "w") as fh:
            json.dump(results, fh, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
