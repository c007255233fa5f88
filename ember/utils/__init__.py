"""Utilities beside the core, as ``torch.utils``."""
