"""How should a DataLoader worker hand a 64x3x32x32 float32 batch to the main process?

Compares (a) pickling the array (protocol 5, in-band) through a multiprocessing.Queue with
(b) copying it into a new shared-memory block and sending only its name. Prints the time per
batch, producer and consumer included, for each. Run: python bench/data_transfer.py
"""

import multiprocessing as mp
import pickle
import time
from multiprocessing import resource_tracker, shared_memory

import numpy as np

SHAPE = (64, 3, 32, 32)
N = 300


def produce_pickled(q):
    batch = np.random.rand(*SHAPE).astype(np.float32)
    for _ in range(N):
        q.put(pickle.dumps(batch, protocol=5))
    q.put(None)


def produce_shared(q):
    batch = np.random.rand(*SHAPE).astype(np.float32)
    for _ in range(N):
        shm = shared_memory.SharedMemory(create=True, size=batch.nbytes)
        resource_tracker.unregister(shm._name, "shared_memory")  # the consumer unlinks it
        np.ndarray(SHAPE, np.float32, buffer=shm.buf)[...] = batch
        q.put(shm.name)
        shm.close()
    q.put(None)


def consume_pickled(payload):
    return pickle.loads(payload)


def consume_shared(name):
    shm = shared_memory.SharedMemory(name=name)
    out = np.ndarray(SHAPE, np.float32, buffer=shm.buf).copy()
    shm.close()
    shm.unlink()
    return out


def run(producer, consumer):
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=producer, args=(q,))
    start = time.perf_counter()
    p.start()
    total = 0.0
    while (item := q.get()) is not None:
        total += float(consumer(item)[0, 0, 0, 0])
    p.join()
    return (time.perf_counter() - start) / N * 1e3


if __name__ == "__main__":
    for _ in range(2):
        print(f"pickled numpy: {run(produce_pickled, consume_pickled):.3f} ms/batch")
        print(f"shared memory: {run(produce_shared, consume_shared):.3f} ms/batch")
