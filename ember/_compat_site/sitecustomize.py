"""Installed on PYTHONPATH by ``ember run``: child processes alias ``torch`` to ember too."""

import os

if os.environ.get("EMBER_TORCH_ALIAS") == "1":
    from ember import compat

    compat.install()
