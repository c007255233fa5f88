"""CIFAR-10 and CIFAR-100 from their "python version" pickle batches."""

from __future__ import annotations

import io
import os
import pickle
import tarfile

import numpy as np

from .vision import VisionDataset, download_file

# The globals a CIFAR batch may name: NumPy's array reconstruction, nothing else.
_ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
}


class _BatchUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"a CIFAR batch may not refer to {module}.{name}")


def load_batch(path: str) -> dict:
    """One CIFAR pickle (written by Python 2, hence latin1), refusing arbitrary objects."""
    with open(path, "rb") as f:
        return _BatchUnpickler(io.BytesIO(f.read()), encoding="latin1").load()


class CIFAR10(VisionDataset):
    """``(image, label)`` with a 32x32 RGB PIL image, from ``root/cifar-10-batches-py``.

    ``download=True`` fetches and unpacks the official archive after checking its MD5.
    """

    base_folder = "cifar-10-batches-py"
    url = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    filename = "cifar-10-python.tar.gz"
    tgz_md5 = "c58f30108f718f92721af3b95e74349a"
    train_list = [f"data_batch_{i}" for i in range(1, 6)]
    test_list = ["test_batch"]
    meta = {"filename": "batches.meta", "key": "label_names"}
    labels_key = "labels"

    def __init__(
        self,
        root,
        train: bool = True,
        transform=None,
        target_transform=None,
        download: bool = False,
    ) -> None:
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        folder = os.path.join(self.root, self.base_folder)
        names = self.train_list if train else self.test_list
        missing = [
            n
            for n in names + [self.meta["filename"]]
            if not os.path.exists(os.path.join(folder, n))
        ]
        if missing:
            raise RuntimeError(
                f"Dataset not found or incomplete: {', '.join(missing)} missing in {folder}. "
                f"Use download=True, or unpack {self.filename} ({self.url}) into {self.root}"
            )
        data, targets = [], []
        for name in names:
            entry = load_batch(os.path.join(folder, name))
            data.append(np.asarray(entry["data"], np.uint8))
            targets.extend(entry.get(self.labels_key, entry.get("labels", [])))
        self.data = np.vstack(data).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1).copy()
        self.targets = [int(t) for t in targets]
        self.classes = list(
            load_batch(os.path.join(folder, self.meta["filename"]))[self.meta["key"]]
        )
        self.class_to_idx = {c: i for i, c in enumerate(self.classes)}

    def download(self) -> None:
        if os.path.isdir(os.path.join(self.root, self.base_folder)):
            return
        archive = download_file([self.url], self.filename, self.root, self.tgz_md5)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(self.root, filter="data")

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, index: int):
        from .._pil import require_pil

        img = require_pil().fromarray(self.data[index])
        return self._apply(img, self.targets[index])

    def extra_repr(self) -> str:
        return f"Split: {'Train' if self.train else 'Test'}"


class CIFAR100(CIFAR10):
    """The 100 fine classes of CIFAR-100, from ``root/cifar-100-python``."""

    base_folder = "cifar-100-python"
    url = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
    filename = "cifar-100-python.tar.gz"
    tgz_md5 = "eb9058c3a382ffc7106e4002c42a8d85"
    train_list = ["train"]
    test_list = ["test"]
    meta = {"filename": "meta", "key": "fine_label_names"}
    labels_key = "fine_labels"
