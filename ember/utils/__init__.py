"""Utilities beside the core, as ``torch.utils``: ``data`` (datasets, samplers, DataLoader)."""

from . import data as data
