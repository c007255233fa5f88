"""Run unmodified PyTorch programs on ember: ``import torch`` resolves to ember.

``install()`` adds an import hook for this process (nothing is patched on disk); ``ember run
script.py`` calls it and also sets ``EMBER_TORCH_ALIAS=1`` and a ``sitecustomize`` on
``PYTHONPATH``, so child processes (multiprocessing spawn, DataLoader workers) alias too.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import os
import sys

# torch module paths whose ember home has another name
ALIASES = {
    "torch": "ember",
    "torchvision": "ember.vision",
    "torch.utils.data": "ember.utils.data",
}

ENV_FLAG = "EMBER_TORCH_ALIAS"


def _target(name: str) -> str | None:
    for prefix in sorted(ALIASES, key=len, reverse=True):
        if name == prefix or name.startswith(prefix + "."):
            return ALIASES[prefix] + name[len(prefix) :]
    return None


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target: str):
        self.target = target

    def create_module(self, spec):
        return importlib.import_module(self.target)

    def exec_module(self, module):
        pass


class _AliasFinder(importlib.abc.MetaPathFinder):
    """Finds ``torch`` and ``torch.*`` (and ``torchvision.*``) as the ember modules."""

    def find_spec(self, name, path=None, target=None):
        mapped = _target(name)
        if mapped is None:
            return None
        try:
            importlib.import_module(mapped)
        except ImportError:
            raise ImportError(
                f"ember does not implement {name} yet (looked for {mapped})", name=name
            ) from None
        return importlib.machinery.ModuleSpec(name, _AliasLoader(mapped), is_package=True)


_finder = _AliasFinder()


def install() -> None:
    """Make ``import torch`` (and ``torchvision``) give ember in this process and its children."""
    if _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)
    for name in [n for n in sys.modules if _target(n) is not None]:
        del sys.modules[name]  # a real torch imported earlier would shadow the alias
    os.environ[ENV_FLAG] = "1"
    site = os.path.join(os.path.dirname(__file__), "_compat_site")
    paths = os.environ.get("PYTHONPATH", "").split(os.pathsep)
    if site not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([site] + [p for p in paths if p])


def uninstall() -> None:
    if _finder in sys.meta_path:
        sys.meta_path.remove(_finder)
    os.environ.pop(ENV_FLAG, None)
