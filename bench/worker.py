"""One library's side of a ``python -m bench`` run, in its own process.

``python -m bench.worker LIB WORKLOAD INSTANCES WARMUP`` imports LIB (``ember``, ``torch``, or
``torch-no-onednn``: torch with its oneDNN kernels turned off)
before NumPy, as a program does, builds INSTANCES copies of WORKLOAD, runs each WARMUP steps and
prints ``ready``; then each input line ``INSTANCE REPS`` is answered with the mean seconds of
REPS steps of that instance, timed after one untimed step (the run pauses before each round,
and the first step after a pause measures waking up, not training).
"""

from __future__ import annotations

import importlib
import os
import sys
import time

# torch with oneDNN (mkldnn) turned off
ONEDNN_OFF = "torch-no-onednn"


def main(argv) -> int:
    lib_name, workload, instances, warmup = argv[0], argv[1], int(argv[2]), int(argv[3])
    lib = importlib.import_module("torch" if lib_name == ONEDNN_OFF else lib_name)
    if lib_name != "ember":
        lib.set_num_threads(os.cpu_count() or 1)
    if lib_name == ONEDNN_OFF:  # torch's own ATen kernels: im2col convolutions, the LSTM cell
        lib.backends.mkldnn.enabled = False
    from bench.workloads import LAYERS, WORKLOADS

    build = {**WORKLOADS, **LAYERS}[workload]
    steps = [build(lib, seed) for seed in range(instances)]
    for step in steps:
        for _ in range(warmup):
            step()
    print("ready", flush=True)
    for line in sys.stdin:
        instance, reps = (int(v) for v in line.split())
        step = steps[instance]
        step()  # after the pause between rounds: threads and caches awake again, untimed
        start = time.perf_counter()
        for _ in range(reps):
            step()
        print((time.perf_counter() - start) / reps, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
