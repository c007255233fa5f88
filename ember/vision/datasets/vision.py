"""`VisionDataset`, the base of the readers, and the download-and-verify helper they share."""

from __future__ import annotations

import hashlib
import os
import urllib.error
import urllib.request

from ...utils.data import Dataset


class VisionDataset(Dataset):
    """Holds ``root`` and the ``transform`` (image) / ``target_transform`` (label) /
    ``transforms`` (both) that ``__getitem__`` applies."""

    def __init__(self, root=None, transforms=None, transform=None, target_transform=None):
        self.root = os.path.expanduser(str(root)) if root is not None else None
        if transforms is not None and (transform is not None or target_transform is not None):
            raise ValueError(
                "Only transforms or transform/target_transform can be passed as argument"
            )
        self.transform = transform
        self.target_transform = target_transform
        self.transforms = transforms

    def _apply(self, img, target):
        if self.transforms is not None:
            return self.transforms(img, target)
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __repr__(self) -> str:
        lines = [f"Dataset {type(self).__name__}", f"    Number of datapoints: {len(self)}"]
        if self.root is not None:
            lines.append(f"    Root location: {self.root}")
        if self.transform is not None:
            lines.append(f"    Transform: {self.transform!r}")
        return "\n".join(lines)


def md5_of(path: str) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def download_file(mirrors: list, filename: str, folder: str, md5: str | None) -> str:
    """Fetch ``filename`` from the first mirror that serves it into ``folder``, checking its
    MD5; an existing file with the right checksum is kept. Raises RuntimeError saying where
    to put the file by hand when no mirror can be reached."""
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, filename)
    if os.path.exists(path) and (md5 is None or md5_of(path) == md5):
        return path
    errors = []
    for mirror in mirrors:
        url = mirror + filename if mirror.endswith("/") else mirror
        try:
            with urllib.request.urlopen(url, timeout=30) as response, open(path, "wb") as out:
                while chunk := response.read(1 << 20):
                    out.write(chunk)
        except (urllib.error.URLError, OSError) as e:
            errors.append(f"{url}: {e}")
            continue
        if md5 is not None and md5_of(path) != md5:
            os.remove(path)
            errors.append(f"{url}: checksum mismatch (expected MD5 {md5})")
            continue
        return path
    raise RuntimeError(
        f"could not download {filename} ({'; '.join(errors)}). If this machine is offline, "
        f"fetch the file elsewhere and put it at {path}"
    )
