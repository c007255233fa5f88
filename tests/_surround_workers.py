"""Process targets for tests/test_surround_multiprocessing.py: module-level, so spawn children
can import them. They use whichever library (ember or torch) the test hands them."""

from __future__ import annotations

import os
import signal
import sys


def put_square(i, q, lib_name):
    lib = __import__(lib_name)
    q.put((i, lib.full((2,), float(i)) ** 2))


def raise_in_one(i):
    if i == 1:
        raise ValueError(f"bad {i}")


def kill_first(i):
    if i == 0:
        os.kill(os.getpid(), signal.SIGKILL)


def exit_three(i):
    if i == 0:
        sys.exit(3)


def clean_exit(i):
    return None


def add_rank(rank, t):
    """hogwild-style: write into a tensor shared with the parent."""
    t[rank] += rank + 1


def train_shared(rank, weight, steps):
    row = weight[rank]  # a view: each process updates its own row, so no update races
    for _ in range(steps):
        row.add_(1.0)


def fill_from_queue(q, done):
    t = q.get()
    t.fill_(7.0)
    done.put(True)


def double(t):
    return t * 2
