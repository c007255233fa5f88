"""Data parallelism: ``DistributedDataParallel`` on ember.distributed (MPI), and
``DataParallel`` (one process; see ``data_parallel``)."""

from .data_parallel import DataParallel
from .distributed import DistributedDataParallel

__all__ = ["DataParallel", "DistributedDataParallel"]
