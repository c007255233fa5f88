"""Run on 2 ranks: DDP on half batches equals one process on full batches (float64)."""

import numpy as np

import ember
import ember.distributed as dist
import ember.nn as nn
from ember.nn.parallel import DistributedDataParallel as DDP

dist.init_process_group("mpi")
rank, world = dist.get_rank(), dist.get_world_size()


def make_model():
    ember.manual_seed(0)
    return nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 3)).double()


rng = np.random.default_rng(0)
batches = [
    (ember.from_numpy(rng.standard_normal((8, 6))), ember.from_numpy(rng.standard_normal((8, 3))))
    for _ in range(10)
]

reference = make_model()
if rank == 1:  # a different start: DDP must broadcast rank 0's parameters
    with ember.no_grad():
        for p in reference.parameters():
            p.add_(1.0)
ddp = DDP(make_model() if rank == 0 else reference, bucket_cap_mb=0.0005)
single = make_model()
for x, y in batches:
    half = slice(rank * 4, rank * 4 + 4)
    for model, xs, ys in ((ddp, x[half], y[half]), (single, x, y)):
        model.zero_grad()
        ((model(xs) - ys) ** 2).mean().backward()
        with ember.no_grad():
            for p in model.parameters():
                p.sub_(0.1 * p.grad)
for a, b in zip(ddp.module.parameters(), single.parameters()):
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-6, atol=1e-9)
assert list(ddp.state_dict())[0].startswith("module.")

# no_sync: two accumulated micro-batches, then one synced, equal the full accumulated gradient
ddp.zero_grad()
single.zero_grad()
x, y = batches[0]
with ddp.no_sync():
    ((ddp(x[rank * 2 : rank * 2 + 2]) - y[rank * 2 : rank * 2 + 2]) ** 2).sum().backward()
((ddp(x[4 + rank * 2 : 6 + rank * 2]) - y[4 + rank * 2 : 6 + rank * 2]) ** 2).sum().backward()
((single(x[:8]) - y[:8]) ** 2).sum().backward()
for a, b in zip(ddp.module.parameters(), single.parameters()):
    np.testing.assert_allclose(a.grad.numpy() * world, b.grad.numpy(), rtol=1e-6, atol=1e-9)
dist.destroy_process_group()
print(f"rank {rank} ddp ok")
