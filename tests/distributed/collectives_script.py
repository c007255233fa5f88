"""Run on 2 ranks by test_distributed.py: every collective against its expected values."""

import numpy as np

import ember
import ember.distributed as dist

dist.init_process_group("mpi")
rank, world = dist.get_rank(), dist.get_world_size()
assert world == 2 and dist.is_initialized() and dist.get_backend() == "mpi"


def check(name, got, expected):
    np.testing.assert_allclose(np.asarray(got), np.asarray(expected), err_msg=name)


t = ember.tensor([1.0, 2.0]) * (rank + 1)
dist.all_reduce(t)
check("all_reduce sum", t, [3.0, 6.0])
for op, expected in (
    (dist.ReduceOp.AVG, [1.5, 3.0]),
    (dist.ReduceOp.PRODUCT, [2.0, 8.0]),
    (dist.ReduceOp.MIN, [1.0, 2.0]),
    (dist.ReduceOp.MAX, [2.0, 4.0]),
):
    t = ember.tensor([1.0, 2.0]) * (rank + 1)
    dist.all_reduce(t, op=op)
    check(f"all_reduce {op}", t, expected)

t = ember.tensor([float(rank)] * 3)
work = dist.all_reduce(t, async_op=True)
work.wait()
check("async all_reduce", t, [1.0] * 3)

t = ember.full((2,), float(rank + 5))
dist.broadcast(t, src=1)
check("broadcast", t, [6.0, 6.0])

t = ember.tensor([rank + 1.0])
dist.reduce(t, dst=0)
if rank == 0:
    check("reduce", t, [3.0])

outs = [ember.zeros(2) for _ in range(world)]
dist.all_gather(outs, ember.tensor([rank, rank + 10.0]))
check("all_gather", ember.stack(outs), [[0, 10], [1, 11]])

out = ember.zeros(4)
dist.all_gather_into_tensor(out, ember.tensor([rank, rank + 10.0]))
check("all_gather_into_tensor", out, [0, 10, 1, 11])

gathered = [ember.zeros(1) for _ in range(world)] if rank == 0 else None
dist.gather(ember.tensor([rank * 7.0]), gathered, dst=0)
if rank == 0:
    check("gather", ember.cat(gathered), [0, 7])

got = ember.zeros(2)
dist.scatter(
    got, [ember.tensor([1.0, 2.0]), ember.tensor([3.0, 4.0])] if rank == 0 else None, src=0
)
check("scatter", got, [[1, 2], [3, 4]][rank])

got = ember.zeros(1)
dist.reduce_scatter(got, [ember.tensor([1.0 + rank]), ember.tensor([10.0 + rank])])
check("reduce_scatter", got, [[3.0], [21.0]][rank])

got = ember.zeros(1)
dist.reduce_scatter_tensor(got, ember.tensor([1.0 + rank, 10.0 + rank]))
check("reduce_scatter_tensor", got, [[3.0], [21.0]][rank])

outs = [ember.zeros(1) for _ in range(world)]
dist.all_to_all(outs, [ember.tensor([rank * 10.0 + j]) for j in range(world)])
check("all_to_all", ember.cat(outs), [[0, 10], [1, 11]][rank])

if rank == 0:
    dist.send(ember.tensor([42.0]), dst=1)
    buf = ember.zeros(1)
    assert dist.recv(buf) == 1
    check("recv any", buf, [43.0])
else:
    buf = ember.zeros(1)
    dist.recv(buf, src=0)
    check("recv", buf, [42.0])
    dist.isend(buf + 1, dst=0).wait()

objs = [{"a": 1}, "x"] if rank == 0 else [None, None]
dist.broadcast_object_list(objs, src=0)
assert objs == [{"a": 1}, "x"]
gathered = [None] * world
dist.all_gather_object(gathered, {"rank": rank})
assert gathered == [{"rank": 0}, {"rank": 1}]

sub = dist.new_group([1])
if rank == 1:
    t = ember.ones(1)
    dist.all_reduce(t, group=sub)
    check("sub-group all_reduce", t, [1.0])
else:
    assert sub is dist.GroupMember.NON_GROUP_MEMBER

try:
    dist.all_reduce(ember.zeros(2 + rank))
except RuntimeError as e:
    assert "different shapes" in str(e)
else:
    raise AssertionError("mismatched shapes were not detected")

dist.barrier()
dist.destroy_process_group()
print(f"rank {rank} ok")
