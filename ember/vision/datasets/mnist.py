"""MNIST and its relatives, read from the IDX files under ``root/<Name>/raw`` (gzipped or not)."""

from __future__ import annotations

import gzip
import os
import zipfile

import numpy as np

from ..._tensor import Tensor
from .vision import VisionDataset, download_file

_IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path: str) -> np.ndarray:
    """An IDX file (``path`` or ``path + '.gz'``) as an array: two zero bytes, a type code,
    the number of dimensions, big-endian uint32 sizes, then the big-endian data."""
    if not os.path.exists(path) and os.path.exists(path + ".gz"):
        path = path + ".gz"
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        blob = f.read()
    if len(blob) < 4 or blob[0] != 0 or blob[1] != 0 or blob[2] not in _IDX_DTYPES:
        raise RuntimeError(f"{path} is not an IDX file (bad magic number)")
    ndim = blob[3]
    shape = tuple(int(s) for s in np.frombuffer(blob, ">u4", ndim, offset=4))
    dtype = np.dtype(_IDX_DTYPES[blob[2]])
    data = np.frombuffer(blob, dtype, int(np.prod(shape)), offset=4 + 4 * ndim)
    return data.reshape(shape).astype(dtype.newbyteorder("="))


class MNIST(VisionDataset):
    """The MNIST digits: ``(image, label)`` with a 28x28 PIL 'L' image and an int label.

    Reads ``root/MNIST/raw/{train,t10k}-{images-idx3,labels-idx1}-ubyte`` (or ``.gz``).
    ``download=True`` fetches the gzipped files from the mirrors below and checks their MD5.
    """

    mirrors = [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ]
    resources = [
        ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
        ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
        ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
    ]
    classes = [
        "0 - zero",
        "1 - one",
        "2 - two",
        "3 - three",
        "4 - four",
        "5 - five",
        "6 - six",
        "7 - seven",
        "8 - eight",
        "9 - nine",
    ]

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
        images, labels = self._files()
        for name in (images, labels):
            full = os.path.join(self.raw_folder, name)
            if not (os.path.exists(full) or os.path.exists(full + ".gz")):
                raise RuntimeError(
                    f"Dataset not found: {full} (or {name}.gz) is missing. Use download=True, "
                    f"or put the files {self._all_names()} in {self.raw_folder}"
                )
        self.data = Tensor._make(read_idx(os.path.join(self.raw_folder, images)))
        self.targets = Tensor._make(
            read_idx(os.path.join(self.raw_folder, labels)).astype(np.int64)
        )

    @property
    def raw_folder(self) -> str:
        return os.path.join(self.root, type(self).__name__, "raw")

    @property
    def class_to_idx(self) -> dict:
        return {name: i for i, name in enumerate(self.classes)}

    def _files(self) -> tuple:
        prefix = "train" if self.train else "t10k"
        return f"{prefix}-images-idx3-ubyte", f"{prefix}-labels-idx1-ubyte"

    def _all_names(self) -> str:
        return ", ".join(name for name, _ in self.resources)

    def download(self) -> None:
        for name, md5 in self.resources:
            plain = os.path.join(self.raw_folder, name[: -len(".gz")])
            if os.path.exists(plain):
                continue
            download_file(self.mirrors, name, self.raw_folder, md5)

    def __len__(self) -> int:
        return len(self.data._data)

    def __getitem__(self, index: int):
        from .._pil import require_pil

        img = require_pil().fromarray(self.data._data[index], mode="L")
        return self._apply(img, int(self.targets._data[index]))


class FashionMNIST(MNIST):
    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
        ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
        ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
    ]
    classes = [
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ]


class KMNIST(MNIST):
    mirrors = ["http://codh.rois.ac.jp/kmnist/dataset/kmnist/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "bdb82020997e1d708af4cf47b453dcf7"),
        ("train-labels-idx1-ubyte.gz", "e144d726b3acfaa3e44228e80efcd344"),
        ("t10k-images-idx3-ubyte.gz", "5c965bf0a639b31b8f53240b1b52f4d7"),
        ("t10k-labels-idx1-ubyte.gz", "7320c461ea6c1c855c0b718fb2a4b134"),
    ]
    classes = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]


class EMNIST(MNIST):
    """EMNIST ``split`` (byclass, bymerge, balanced, letters, digits, mnist) from
    ``root/EMNIST/raw/emnist-<split>-{train,test}-{images-idx3,labels-idx1}-ubyte[.gz]``.
    Images are returned as stored (transposed relative to MNIST), as torchvision does."""

    mirrors = ["https://biometrics.nist.gov/cs_links/EMNIST/gzip.zip"]
    md5 = "58c8d27c78d21e728a6bc7b3cc06412e"
    splits = ("byclass", "bymerge", "balanced", "letters", "digits", "mnist")
    _digits = [str(d) for d in range(10)]
    _letters = [chr(c) for c in range(ord("a"), ord("z") + 1)]
    _upper = [c.upper() for c in _letters]
    classes_split_dict = {
        "byclass": _digits + _upper + _letters,
        "bymerge": _digits + _upper + list("abdefghnqrt"),
        "balanced": _digits + _upper + list("abdefghnqrt"),
        "letters": ["N/A"] + _upper,
        "digits": _digits,
        "mnist": _digits,
    }

    def __init__(self, root, split: str, **kwargs) -> None:
        if split not in self.splits:
            raise ValueError(
                f"Unknown value '{split}' for argument split. Valid values are "
                f"{', '.join(repr(s) for s in self.splits)}."
            )
        self.split = split
        self.classes = self.classes_split_dict[split]
        super().__init__(root, **kwargs)

    def _files(self) -> tuple:
        part = "train" if self.train else "test"
        stem = f"emnist-{self.split}-{part}"
        return f"{stem}-images-idx3-ubyte", f"{stem}-labels-idx1-ubyte"

    def _all_names(self) -> str:
        return "emnist-<split>-{train,test}-{images-idx3,labels-idx1}-ubyte.gz (from gzip.zip)"

    def download(self) -> None:
        images, _ = self._files()
        if os.path.exists(os.path.join(self.raw_folder, images + ".gz")):
            return
        archive = download_file(self.mirrors, "gzip.zip", self.raw_folder, self.md5)
        with zipfile.ZipFile(archive) as z:
            for member in z.namelist():
                if member.endswith(".gz"):
                    target = os.path.join(self.raw_folder, os.path.basename(member))
                    with z.open(member) as src, open(target, "wb") as dst:
                        dst.write(src.read())
