"""Distributed figures for issue 11, run on 2 ranks:

    python -m ember.distributed.run --nproc-per-node 2 bench/distributed.py

prints the all-reduce bandwidth of a 10M-element float32 tensor, and the time of a DDP training
step of the benchmark MLP (batch 512 split over the ranks) next to a one-process step of the
whole batch 512 (measured on rank 0 after the DDP part).
"""

from __future__ import annotations

import time

import numpy as np

import ember
import ember.distributed as dist
from ember.nn.parallel import DistributedDataParallel as DDP


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def mlp():
    nn = ember.nn
    ember.manual_seed(0)
    return nn.Sequential(
        nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10)
    )


def step_fn(model, x, y):
    opt = ember.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = ember.nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()

    return step


def main() -> None:
    dist.init_process_group("mpi")
    rank, world = dist.get_rank(), dist.get_world_size()
    big = ember.ones(10_000_000)
    dist.all_reduce(big)
    seconds = median_time(lambda: dist.all_reduce(big), 10)
    # bus bandwidth as nccl-tests defines it for all-reduce: 2 (n - 1) / n of the bytes per time
    bus = 2 * (world - 1) / world * big.numel() * 4 / seconds / 1e9
    rng = np.random.default_rng(0)
    x = ember.from_numpy(rng.standard_normal((512, 784)).astype(np.float32))
    y = ember.from_numpy(rng.integers(0, 10, 512))
    share = slice(rank * 512 // world, (rank + 1) * 512 // world)
    ddp_step = step_fn(DDP(mlp()), x[share], y[share])
    for _ in range(3):
        ddp_step()
    ddp = median_time(ddp_step, 20)
    dist.barrier()
    if rank == 0:
        single_step = step_fn(mlp(), x, y)
        for _ in range(3):
            single_step()
        single = median_time(single_step, 20)
        print(
            f"all_reduce 10M float32 on {world} ranks: {seconds * 1e3:.1f} ms, "
            f"bus bandwidth {bus:.2f} GB/s"
        )
        print(
            f"MLP step, batch 512: DDP on {world} ranks {ddp * 1e3:.2f} ms, one process "
            f"{single * 1e3:.2f} ms (ratio {ddp / single:.2f})"
        )
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
