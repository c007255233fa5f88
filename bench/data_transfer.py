"""How should a DataLoader worker hand a 64x3x32x32 float32 batch to the main process?

Compares, through a multiprocessing.Queue from a forked producer, (a) pickling the tensor with
its bytes in-band (protocol 5) and (b) ember's worker pickling (`ember.utils.data._shared`),
which copies large arrays into /dev/shm files and sends only their names, the consumer mapping
them without a copy. Reports the median time per batch over alternating rounds, producer and
consumer included. Run: python bench/data_transfer.py
"""

import multiprocessing as mp
import os
import pickle
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import ember  # noqa: E402
from ember.utils.data import _shared  # noqa: E402

SHAPE = (64, 3, 32, 32)
N = 300
ROUNDS = 5


def produce(q, prefix):
    batch = ember.tensor(np.random.rand(*SHAPE).astype(np.float32))
    for _ in range(N):
        q.put(_shared.dumps((0, batch), prefix))
    q.put(None)


def run(prefix) -> float:
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=produce, args=(q, prefix))
    start = time.perf_counter()
    p.start()
    total = 0.0
    while (payload := q.get()) is not None:
        _, batch = pickle.loads(payload)
        total += float(batch._data[0, 0, 0, 0])
    p.join()
    return (time.perf_counter() - start) / N * 1e3


if __name__ == "__main__":
    if not _shared.AVAILABLE:
        sys.exit("no /dev/shm here: ember pickles in-band")
    pickled, shared = [], []
    for _ in range(ROUNDS):
        pickled.append(run(None))
        shared.append(run(_shared.new_prefix()))
    print(f"pickled in-band: {np.median(pickled):.3f} ms/batch (median of {ROUNDS})")
    print(f"shared memory  : {np.median(shared):.3f} ms/batch (median of {ROUNDS})")
