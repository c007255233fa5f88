"""``skip_init``: build a module without running its initialisation's random draws."""

from __future__ import annotations

import inspect


def skip_init(module_cls, *args, **kwargs):
    """An instance of ``module_cls(*args, **kwargs)`` whose parameters are left as allocated
    (their values are unspecified, as in torch)."""
    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    return module_cls(*args, **kwargs)
