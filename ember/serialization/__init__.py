"""Checkpoints: ``save``/``load`` in PyTorch's own file format, and safetensors."""

from . import safetensors
from ._load import (
    UnpicklingError,
    add_safe_globals,
    clear_safe_globals,
    get_safe_globals,
    load,
    safe_globals,
)
from ._save import save
