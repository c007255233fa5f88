"""What each rank runs under the launcher: torchrun's environment, then the user's script.

An exception in the script prints its traceback and aborts the whole MPI job, so no rank is
left waiting in a collective for a peer that is gone.
"""

from __future__ import annotations

import os
import runpy
import sys
import traceback


def main() -> None:
    rank = os.environ.get("OMPI_COMM_WORLD_RANK", os.environ.get("PMI_RANK", "0"))
    size = os.environ.get("OMPI_COMM_WORLD_SIZE", os.environ.get("PMI_SIZE", "1"))
    local = os.environ.get("OMPI_COMM_WORLD_LOCAL_RANK", rank)
    os.environ.update(
        RANK=rank,
        WORLD_SIZE=size,
        LOCAL_RANK=local,
        LOCAL_WORLD_SIZE=size,
        GROUP_RANK="0",
        ROLE_RANK=rank,
    )
    args = sys.argv[1:]
    as_module = bool(args) and args[0] == "-m"
    if as_module:
        args = args[1:]
    sys.argv = list(args)
    try:
        if as_module:
            runpy.run_module(args[0], run_name="__main__", alter_sys=True)
        else:
            runpy.run_path(args[0], run_name="__main__")
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        if code:
            _abort(code)
        raise
    except BaseException:
        sys.stderr.write(f"[rank {rank}] ")
        traceback.print_exc()
        sys.stderr.flush()
        _abort(1)


def _abort(code: int) -> None:
    try:
        from mpi4py import MPI

        MPI.COMM_WORLD.Abort(code)
    finally:
        os._exit(code)


if __name__ == "__main__":
    main()
