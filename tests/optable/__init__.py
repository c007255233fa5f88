"""The oracle table: every op entry, gathered from one module per op family."""

from __future__ import annotations

import importlib
import pkgutil

ENTRIES = []
for _info in pkgutil.iter_modules(__path__):
    ENTRIES.extend(importlib.import_module(f"{__name__}.{_info.name}").ENTRIES)
