"""What runs inside a DataLoader worker process: seeding, `get_worker_info`, fetching samples
for the index lists the main process sends, and wrapping exceptions to re-raise them there."""

from __future__ import annotations

import os
import pickle
import queue
import random
import signal
import sys
import traceback

import numpy as np

from . import _shared
from ._collate import default_collate
from .dataset import Subset, TensorDataset

# How long a worker waits on its index queue before checking that the main process lives.
_STATUS_CHECK_INTERVAL = 1.0


class WorkerInfo:
    """What `get_worker_info` returns inside a worker: ``id``, ``num_workers``, ``seed``
    (the worker's torch/ember seed) and ``dataset`` (the worker's copy)."""

    def __init__(self, **fields) -> None:
        for name, value in fields.items():
            object.__setattr__(self, name, value)

    def __setattr__(self, name, value):
        raise RuntimeError(f"Cannot assign attributes to {type(self).__name__} objects")

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({fields})"


_worker_info: WorkerInfo | None = None


def get_worker_info() -> WorkerInfo | None:
    """The current worker's `WorkerInfo` inside a DataLoader worker process, None elsewhere."""
    return _worker_info


class _KeyErrorMessage(str):
    """A KeyError prints repr() of its message; this keeps the traceback readable."""

    def __repr__(self) -> str:
        return str(self)


class ExceptionWrapper:
    """An exception caught in a worker, carried to the main process and raised there with its
    original type and message followed by the worker's traceback."""

    def __init__(self, exc_info=None, where: str = "in background") -> None:
        exc_type, exc_value, exc_tb = exc_info or sys.exc_info()
        try:
            pickle.loads(pickle.dumps(exc_type))
        except Exception:
            exc_type = RuntimeError  # a class defined where the main process cannot find it
        self.exc_type = exc_type
        self.exc_msg = "".join(traceback.format_exception(exc_type, exc_value, exc_tb))
        self.where = where

    def reraise(self):
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = _KeyErrorMessage(msg)
        elif getattr(self.exc_type, "message", None):
            raise self.exc_type(message=msg)
        try:
            exception = self.exc_type(msg)
        except Exception:
            raise RuntimeError(msg) from None
        raise exception


class _IterableDatasetStopIteration:
    """Sent by a worker whose copy of an IterableDataset is exhausted."""

    def __init__(self, worker_id: int) -> None:
        self.worker_id = worker_id


class _ResumeIteration:
    """Sent to persistent workers at the start of each new pass over the data."""


class _MapFetcher:
    def __init__(self, dataset, auto_collation: bool, collate_fn, drop_last: bool) -> None:
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        getitems = getattr(dataset, "__getitems__", None)
        self.getitems = getitems if callable(getitems) else None
        # default_collate of TensorDataset samples (also through Subsets, as random_split
        # makes) is one gather per tensor: index each tensor once per batch, not per sample.
        self.subsets, base = [], dataset
        while type(base) is Subset:
            self.subsets.append(base.indices)
            base = base.dataset
        self.gather = type(base) is TensorDataset and collate_fn is default_collate
        self.gather_tensors = base.tensors if self.gather else None

    def fetch(self, index):
        if not self.auto_collation:
            return self.collate_fn(self.dataset[index])
        if self.gather:
            for indices in self.subsets:
                index = [indices[i] for i in index]
            return [t[index] for t in self.gather_tensors]
        if self.getitems is not None:
            return self.collate_fn(self.getitems(index))
        return self.collate_fn([self.dataset[i] for i in index])


class _IterableFetcher:
    def __init__(self, dataset, auto_collation: bool, collate_fn, drop_last: bool) -> None:
        self.dataset_iter = iter(dataset)
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last
        self.ended = False

    def fetch(self, index):
        if self.ended:
            raise StopIteration
        if not self.auto_collation:
            return self.collate_fn(next(self.dataset_iter))
        data = []
        for _ in index:
            try:
                data.append(next(self.dataset_iter))
            except StopIteration:
                self.ended = True
                break
        if not data or (self.drop_last and len(data) < len(index)):
            raise StopIteration
        return self.collate_fn(data)


def make_fetcher(is_iterable: bool, dataset, auto_collation, collate_fn, drop_last):
    kind = _IterableFetcher if is_iterable else _MapFetcher
    return kind(dataset, auto_collation, collate_fn, drop_last)


def seed_worker(base_seed: int, worker_id: int) -> int:
    """Seed ember, Python's ``random`` and NumPy's global generator for one worker; return the
    ember seed (``base_seed + worker_id``, as torch)."""
    from ...ops import random as ember_random

    seed = base_seed + worker_id
    ember_random.manual_seed(seed)
    random.seed(seed)
    np.random.seed(np.random.SeedSequence([worker_id, base_seed]).generate_state(4))
    return seed


def _pickled(task_idx, data, where: str, shm_prefix: str | None) -> bytes:
    """Pickle a result here rather than in the queue's feeder thread, so that a batch that
    cannot be pickled reaches the main process as an error instead of being lost."""
    try:
        return _shared.dumps((task_idx, data), shm_prefix)
    except Exception:
        return pickle.dumps((task_idx, ExceptionWrapper(where=where)))


def worker_loop(
    is_iterable: bool,
    dataset,
    index_queue,
    data_queue,
    auto_collation: bool,
    collate_fn,
    drop_last: bool,
    base_seed: int,
    init_fn,
    worker_id: int,
    num_workers: int,
    shm_prefix: str | None = None,
) -> None:
    """Serve ``(task_idx, indices)`` requests until a None arrives or the parent dies."""
    global _worker_info
    # Ctrl-C reaches the whole process group: let the main process handle it and shut us down.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()
    seed = seed_worker(base_seed, worker_id)
    _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)
    where = f"in DataLoader worker process {worker_id}"
    init_error = None
    fetcher = None
    try:
        if init_fn is not None:
            init_fn(worker_id)
        fetcher = make_fetcher(is_iterable, dataset, auto_collation, collate_fn, drop_last)
    except Exception:
        init_error = ExceptionWrapper(where=where)
    exhausted = False
    while True:
        try:
            request = index_queue.get(timeout=_STATUS_CHECK_INTERVAL)
        except queue.Empty:
            if os.getppid() != parent:
                break
            continue
        except (EOFError, OSError, KeyboardInterrupt):
            break
        if request is None:
            break
        if isinstance(request, _ResumeIteration):
            exhausted = False
            if init_error is None:
                try:
                    fetcher = make_fetcher(
                        is_iterable, dataset, auto_collation, collate_fn, drop_last
                    )
                except Exception:
                    init_error = ExceptionWrapper(where=where)
            data_queue.put(_pickled(request, None, where, None))
            continue
        task_idx, indices = request
        if exhausted:
            data = _IterableDatasetStopIteration(worker_id)
        elif init_error is not None:
            data, init_error = init_error, None
        else:
            try:
                data = fetcher.fetch(indices)
            except StopIteration:
                if not is_iterable:
                    data = ExceptionWrapper(where=where)
                else:
                    exhausted = True
                    data = _IterableDatasetStopIteration(worker_id)
            except Exception:
                data = ExceptionWrapper(where=where)
        data_queue.put(_pickled(task_idx, data, where, shm_prefix))
        del data, request, indices
    # The main process may have stopped reading: do not wait for the queue's feeder thread.
    data_queue.cancel_join_thread()
    data_queue.close()
