"""``torch.utils.tensorboard``: ``SummaryWriter`` writing real TensorBoard event files.

The files are written by the ``tensorboardX`` package (pip install tensorboardX); ember tensors
handed to any ``add_*`` method are turned into NumPy arrays first. Without tensorboardX,
importing this module raises ImportError, as torch's does without tensorboard.
"""

from __future__ import annotations

import functools

try:
    import tensorboardX as _tensorboardX
except ImportError:
    raise ImportError(
        "ember.utils.tensorboard writes TensorBoard files through the tensorboardX package, "
        "which is not installed: pip install tensorboardX"
    ) from None

from ..._tensor import Tensor

__all__ = ["SummaryWriter"]


def _to_numpy(value):
    """Tensors (also inside lists, tuples and dicts) as NumPy arrays; everything else as is."""
    if isinstance(value, Tensor):
        return value.detach().cpu().numpy()
    if isinstance(value, dict):
        return {k: _to_numpy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)) and any(isinstance(v, Tensor) for v in value):
        return type(value)(_to_numpy(v) for v in value)
    return value


def _accepting_tensors(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        args = tuple(_to_numpy(a) for a in args)
        kwargs = {k: _to_numpy(v) for k, v in kwargs.items()}
        return method(self, *args, **kwargs)

    return wrapper


class SummaryWriter(_tensorboardX.SummaryWriter):
    """Writes scalars, histograms, images, text, embeddings, ... to an event file in
    ``log_dir`` (default ``runs/<date>_<host><comment>``), as ``torch.utils.tensorboard``."""

    def __init__(
        self,
        log_dir: str | None = None,
        comment: str = "",
        purge_step: int | None = None,
        max_queue: int = 10,
        flush_secs: int = 120,
        filename_suffix: str = "",
    ):
        super().__init__(
            logdir=log_dir,
            comment=comment,
            purge_step=purge_step,
            max_queue=max_queue,
            flush_secs=flush_secs,
            filename_suffix=filename_suffix,
        )

    @property
    def log_dir(self) -> str:
        return self.logdir

    def get_logdir(self) -> str:
        return self.logdir

    def add_graph(self, model, input_to_model=None, verbose=False, use_strict_trace=True):
        raise RuntimeError(
            "SummaryWriter.add_graph is not available in ember yet: it needs graph capture "
            "(torch.jit tracing), which ember does not have"
        )


for _name in dir(_tensorboardX.SummaryWriter):
    if _name.startswith("add_") and _name != "add_graph":
        setattr(
            SummaryWriter, _name, _accepting_tensors(getattr(_tensorboardX.SummaryWriter, _name))
        )
