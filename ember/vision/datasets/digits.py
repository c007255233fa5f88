"""`Digits`: the 1,797 8x8 handwritten digits bundled with ember (no download, no Pillow)."""

from __future__ import annotations

import gzip
import os

import numpy as np

from ..._tensor import Tensor
from .vision import VisionDataset

_DATA = os.path.join(os.path.dirname(__file__), "data", "digits.csv.gz")
# The first 1,437 samples (80%) form the train part, the other 360 the test part.
TRAIN_SIZE = 1437


def _load() -> tuple:
    with gzip.open(_DATA, "rt") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.uint8)
    return table[:, :-1].reshape(-1, 8, 8), table[:, -1].astype(np.int64)


class Digits(VisionDataset):
    """The UCI optical-recognition digits (as shipped by scikit-learn): ``(image, label)``.

    Args:
        root: ignored (the data is inside the package); accepted for the usual signature.
        train: None for all 1,797 samples; True for the first 1,437, False for the last 360.
        transform: applied to the image.
        as_pil: give images as 8x8 PIL 'L' images (values scaled to 0..255, needs Pillow)
            instead of float32 tensors of shape (1, 8, 8) in [0, 1].

    ``data`` holds the raw uint8 pixels (0..16), ``targets`` the int64 labels.

    Example::

        train, test = random_split(Digits(), [0.8, 0.2], generator=ember.Generator().manual_seed(0))
        loader = DataLoader(train, batch_size=64, shuffle=True)
    """

    classes = [str(d) for d in range(10)]

    def __init__(
        self,
        root=None,
        train: bool | None = None,
        transform=None,
        target_transform=None,
        as_pil: bool = False,
    ) -> None:
        super().__init__(root, transform=transform, target_transform=target_transform)
        images, labels = _load()
        if train is not None:
            part = slice(0, TRAIN_SIZE) if train else slice(TRAIN_SIZE, None)
            images, labels = images[part], labels[part]
        self.train = train
        self.as_pil = as_pil
        self.data = Tensor._make(np.ascontiguousarray(images))
        self.targets = Tensor._make(np.ascontiguousarray(labels))
        self._floats = (images.astype(np.float32) / 16.0)[:, None]

    def __len__(self) -> int:
        return len(self.targets._data)

    def __getitem__(self, index: int):
        if self.as_pil:
            from .._pil import require_pil

            pixels = np.round(self.data._data[index] * (255 / 16)).astype(np.uint8)
            img = require_pil().fromarray(pixels, mode="L")
        else:
            img = Tensor._make(self._floats[index].copy())
        return self._apply(img, int(self.targets._data[index]))
