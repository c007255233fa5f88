"""``torch.onnx``: importable, so scripts that import it run; export is not available yet."""

from __future__ import annotations


def export(model, args=(), f=None, **kwargs):
    """Not available in ember yet: raises RuntimeError."""
    raise RuntimeError(
        "ONNX export is not available in ember yet: ember has no graph capture to export from. "
        "Save the weights with ember.save(model.state_dict(), path) and export from PyTorch."
    )


def is_in_onnx_export() -> bool:
    return False
