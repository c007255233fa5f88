"""The ``ember`` command: ``ember run script.py [args]`` and ``ember info``."""

from __future__ import annotations

import argparse
import platform
import runpy
import sys


def _info() -> int:
    import importlib.util

    import numpy as np

    import ember

    print(f"ember {ember.__version__}")
    print(f"python {platform.python_version()} ({sys.executable})")
    print(f"numpy {np.__version__}")
    blas = "unknown"
    try:
        config = np.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]["name"]
    except Exception:  # older numpy layouts: report unknown rather than fail
        pass
    print(f"blas {blas}")
    from .backends import memory, parallel

    split = "batch-split kernels" if parallel.blas() is not None else "BLAS only"
    print(f"threads {ember.get_num_threads()} ({split})")
    print(f"malloc thresholds {'raised' if memory.state['tuned'] else 'glibc defaults'}")
    extras = {
        "cupy": "cuda",
        "mpi4py": "distributed",
        "PIL": "vision",
        "ml_dtypes": "bf16",
        "tqdm": "progress bars",
        "matplotlib": "plots",
        "safetensors": "interop tests",
    }
    for module, what in extras.items():
        found = importlib.util.find_spec(module) is not None
        print(f"  {module:<12} {'installed' if found else 'missing':<10} ({what})")
    if ember.cuda.is_available():
        for i in range(ember.cuda.device_count()):
            print(f"device cuda:{i} {ember.cuda.get_device_name(i)}")
    else:
        print("devices: cpu (no CUDA device visible through CuPy)")
    return 0


def _run(script: str, args: list) -> int:
    from . import compat

    compat.install()
    sys.argv = [script] + list(args)
    runpy.run_path(script, run_name="__main__")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="ember", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a PyTorch script on ember")
    run.add_argument("script")
    run.add_argument("args", nargs=argparse.REMAINDER)
    sub.add_parser("info", help="versions, BLAS, extras and devices")
    ns = parser.parse_args(argv)
    if ns.command == "info":
        return _info()
    return _run(ns.script, ns.args)


if __name__ == "__main__":
    sys.exit(main())
