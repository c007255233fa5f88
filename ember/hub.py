"""``torch.hub``'s checkpoint download: ``load_state_dict_from_url`` with a cache and checksums.

Files are cached under ``$TORCH_HOME/hub/checkpoints`` (``~/.cache/torch`` by default, as
PyTorch), so a checkpoint PyTorch already downloaded is found without any network. Offline, a
missing file gives an error saying where to put it.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request

_HASH_IN_NAME = re.compile(r"-([a-f0-9]*)\.")


def get_dir() -> str:
    home = os.environ.get("TORCH_HOME") or os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "torch"
    )
    return os.path.join(home, "hub")


def download_url_to_file(
    url: str, dst: str, hash_prefix: str | None = None, progress: bool = True
) -> None:
    """Download ``url`` to ``dst`` (atomically), checking the SHA-256 prefix when given."""
    folder = os.path.dirname(os.path.abspath(dst))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".download-")
    digest = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=30) as response:
            while True:
                chunk = response.read(1 << 20)
                if not chunk:
                    break
                digest.update(chunk)
                out.write(chunk)
        if hash_prefix is not None and not digest.hexdigest().startswith(hash_prefix):
            raise RuntimeError(
                f'invalid hash value (expected "{hash_prefix}", got "{digest.hexdigest()}")'
            )
        shutil.move(tmp, dst)
    except (urllib.error.URLError, OSError) as e:
        raise RuntimeError(
            f"could not download {url} ({e}); ember found no network. Download the file "
            f"elsewhere and put it at {dst}"
        ) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def load_state_dict_from_url(
    url: str,
    model_dir: str | None = None,
    map_location=None,
    progress: bool = True,
    check_hash: bool = False,
    file_name: str | None = None,
    weights_only: bool = True,
):
    """Load the checkpoint at ``url``, downloading it into the cache the first time."""
    from .serialization import load

    folder = model_dir or os.path.join(get_dir(), "checkpoints")
    os.makedirs(folder, exist_ok=True)
    name = file_name or os.path.basename(urllib.parse.urlparse(url).path)
    cached = os.path.join(folder, name)
    if not os.path.exists(cached):
        match = _HASH_IN_NAME.search(name) if check_hash else None
        download_url_to_file(url, cached, match.group(1) if match else None, progress)
    return load(cached, map_location=map_location, weights_only=weights_only)
