"""Data parallelism: ``DistributedDataParallel`` on ember.distributed (MPI)."""

from .distributed import DistributedDataParallel

DataParallel = None  # single-process multi-GPU DataParallel is not provided (use DDP)

__all__ = ["DistributedDataParallel"]
