"""``Tensor.share_memory_()``: move a tensor's data into memory that other processes share.

The data is copied into a file-backed block under /dev/shm (the system's temp dir elsewhere),
mapped with mmap. Children made by fork inherit the mapping; a tensor pickled for another
process (a spawn child's arguments, a multiprocessing Queue) travels as the block's path and
the receiver maps the same pages, so writes on either side are seen on the other, as torch's
shared tensors are (mnist_hogwild relies on it). The process that made a block removes its file
when the block's last array is gone, or at exit.
"""

from __future__ import annotations

import mmap
import os
import weakref

import numpy as np

_opened = weakref.WeakValueDictionary()  # path -> block, so one process maps a file once


class _Block(mmap.mmap):
    """A shared mapping that knows its file's path (an mmap subclass, so arrays can use it)."""


def _shm_dir() -> str:
    if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
        return "/dev/shm"
    import tempfile

    return tempfile.gettempdir()


def _unlink(path: str, owner: int) -> None:
    if os.getpid() == owner:  # a forked child inherits this finalizer; only the maker removes
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


def _new_block(nbytes: int) -> _Block:
    import tempfile

    fd, path = tempfile.mkstemp(prefix="ember-shm-", dir=_shm_dir())
    try:
        os.ftruncate(fd, max(nbytes, 1))
        block = _Block(fd, max(nbytes, 1))
    finally:
        os.close(fd)
    _register(block, path)
    weakref.finalize(block, _unlink, path, os.getpid())
    return block


def _register(block: _Block, path: str) -> None:
    block.path = path
    block.address = np.frombuffer(block, dtype=np.uint8).__array_interface__["data"][0]
    _opened[path] = block


def _open_block(path: str, nbytes: int) -> _Block:
    block = _opened.get(path)
    if block is None:
        fd = os.open(path, os.O_RDWR)
        try:
            block = _Block(fd, nbytes)
        finally:
            os.close(fd)
        _register(block, path)
    return block


def block_of(array):
    """The shared block ``array`` lives in and its byte offset there, or (None, 0)."""
    base = array
    while isinstance(base, np.ndarray):
        base = base.base
    if not isinstance(base, _Block):
        return None, 0
    return base, array.__array_interface__["data"][0] - base.address


def shared_array(path: str, nbytes: int, offset: int, shape, strides, dtype) -> np.ndarray:
    """An array over the block at ``path`` (mapped here if it is not yet)."""
    block = _open_block(path, nbytes)
    return np.ndarray(shape, dtype=dtype, buffer=block, offset=offset, strides=strides)


def share_memory_(self):
    """Move this tensor's data into shared memory (a no-op if it is there, or on cuda).

    Returns self. Views taken earlier keep the old data; take them after sharing.
    """
    data = self._data
    if type(data) is not np.ndarray or is_shared(self):
        return self
    block = _new_block(data.nbytes)
    shared = np.ndarray(data.shape, dtype=data.dtype, buffer=block)
    shared[...] = data
    self._data = shared
    from .multiprocessing.reductions import init_reductions

    init_reductions()
    return self


def is_shared(self) -> bool:
    """Whether this tensor's data is in shared memory (always True for cuda tensors, as torch)."""
    if type(self._data) is not np.ndarray:
        return True
    return block_of(self._data)[0] is not None


def share_module_memory(module):
    """``Module.share_memory()``: every parameter, its grad and every buffer into shared memory.

    Returns the module.
    """
    for p in module.parameters():
        p.share_memory_()
        if p.grad is not None:
            p.grad.share_memory_()
    for b in module.buffers():
        b.share_memory_()
    return module
