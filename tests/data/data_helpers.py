"""Datasets defined at module level so that spawned worker processes can import them."""

import os
import random
import signal
import time

import numpy as np

from ember.utils.data import IterableDataset, get_worker_info


class Squares:
    """Map-style: sample i is (i, i * i) as Python ints; works for ember and torch alike."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if not 0 <= i < self.n:
            raise IndexError(i)
        return i, i * i


class Failing(Squares):
    def __getitem__(self, i):
        if i == 5:
            raise ValueError("sample 5 is broken")
        return super().__getitem__(i)


class KillsItself(Squares):
    def __getitem__(self, i):
        if i == 6:
            os.kill(os.getpid(), signal.SIGKILL)
        return super().__getitem__(i)


class Slow(Squares):
    def __getitem__(self, i):
        if i >= 4:
            time.sleep(30)
        return super().__getitem__(i)


class Seeds(Squares):
    """Sample i reports the worker it ran in and the random draws that worker sees."""

    def __getitem__(self, i):
        info = get_worker_info()
        wid = -1 if info is None else info.id
        seed = -1 if info is None else info.seed
        return wid, seed, random.random(), float(np.random.rand())


class _RangeStreamBase:
    """Iterates range(n), each worker of a DataLoader taking every num_workers-th item."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __iter__(self):
        info = self.worker_info()
        if info is None:
            return iter(range(self.n))
        return iter(range(info.id, self.n, info.num_workers))


class RangeStream(_RangeStreamBase, IterableDataset):
    @staticmethod
    def worker_info():
        return get_worker_info()


class BigArrays(Squares):
    """Sample i is a 3x64x64 float32 array filled with i: batches large enough to travel
    through shared memory."""

    def __getitem__(self, i):
        return np.full((3, 64, 64), i, np.float32), i


class UnevenStream(IterableDataset):
    """Worker 0 yields one item, worker 1 yields ten (0..9 without workers)."""

    def __iter__(self):
        info = get_worker_info()
        if info is None:
            return iter(range(10))
        return iter([100] if info.id == 0 else range(10))
