"""ember.vision.datasets on small files written here in the real formats, and vision.utils."""

import gzip
import os
import pickle
import struct
import urllib.error

import numpy as np
import pytest
import torch
from PIL import Image

import ember
from ember.utils.data import DataLoader, random_split
from ember.vision import datasets, transforms, utils


def write_idx(path, array, compress):
    codes = {np.uint8: 0x08, np.int32: 0x0C}
    header = struct.pack(">BBBB", 0, 0, codes[array.dtype.type], array.ndim)
    header += struct.pack(f">{array.ndim}I", *array.shape)
    blob = header + array.astype(array.dtype.newbyteorder(">")).tobytes()
    opener = gzip.open if compress else open
    with opener(path + (".gz" if compress else ""), "wb") as f:
        f.write(blob)


@pytest.mark.parametrize("cls", [datasets.MNIST, datasets.FashionMNIST, datasets.KMNIST])
@pytest.mark.parametrize("compress", [False, True])
def test_mnist_family_reads_idx(tmp_path, cls, compress):
    raw = tmp_path / cls.__name__ / "raw"
    raw.mkdir(parents=True)
    images = np.random.default_rng(0).integers(0, 256, (5, 28, 28), dtype=np.uint8)
    labels = np.array([3, 1, 4, 1, 5], np.uint8)
    write_idx(str(raw / "t10k-images-idx3-ubyte"), images, compress)
    write_idx(str(raw / "t10k-labels-idx1-ubyte"), labels, compress)
    ds = cls(str(tmp_path), train=False)
    assert len(ds) == 5 and ds.targets.tolist() == [3, 1, 4, 1, 5]
    img, label = ds[2]
    assert img.mode == "L" and img.size == (28, 28) and label == 4
    assert np.array_equal(np.asarray(img), images[2])
    ds = cls(str(tmp_path), train=False, transform=transforms.ToTensor())
    x, _ = ds[0]
    assert x.shape == (1, 28, 28) and np.allclose(x._data[0], images[0] / 255)
    with pytest.raises(RuntimeError, match="raw"):
        cls(str(tmp_path), train=True)


def test_emnist_and_idx_errors(tmp_path):
    raw = tmp_path / "EMNIST" / "raw"
    raw.mkdir(parents=True)
    write_idx(
        str(raw / "emnist-letters-train-images-idx3-ubyte"), np.zeros((2, 28, 28), np.uint8), True
    )
    write_idx(
        str(raw / "emnist-letters-train-labels-idx1-ubyte"), np.array([1, 26], np.uint8), True
    )
    ds = datasets.EMNIST(str(tmp_path), split="letters")
    assert len(ds) == 2 and ds[1][1] == 26 and ds.classes[26] == "Z"
    with pytest.raises(ValueError, match="split"):
        datasets.EMNIST(str(tmp_path), split="nope")
    (raw / "bad").write_bytes(b"\x01\x02\x03\x04")
    from ember.vision.datasets.mnist import read_idx

    with pytest.raises(RuntimeError, match="IDX"):
        read_idx(str(raw / "bad"))
    write_idx(str(raw / "ints"), np.arange(6, dtype=np.int32).reshape(2, 3), False)
    assert read_idx(str(raw / "ints")).tolist() == [[0, 1, 2], [3, 4, 5]]


def test_download_offline_says_where_to_put_files(tmp_path, monkeypatch):
    def offline(*args, **kwargs):
        raise urllib.error.URLError("network is unreachable")

    monkeypatch.setattr("urllib.request.urlopen", offline)
    with pytest.raises(RuntimeError) as err:
        datasets.MNIST(str(tmp_path), download=True)
    msg = str(err.value)
    assert "offline" in msg and os.path.join(str(tmp_path), "MNIST", "raw") in msg
    with pytest.raises(RuntimeError, match="cifar-10-python.tar.gz"):
        datasets.CIFAR10(str(tmp_path), download=True)


def test_download_verifies_checksum(tmp_path, monkeypatch):
    import io

    monkeypatch.setattr("urllib.request.urlopen", lambda *a, **k: io.BytesIO(b"not mnist"))
    with pytest.raises(RuntimeError, match="checksum mismatch"):
        datasets.MNIST(str(tmp_path), download=True)


def write_cifar(root, n_per_batch=4, hundred=False):
    rng = np.random.default_rng(1)
    if hundred:
        folder = os.path.join(root, "cifar-100-python")
        names, key, meta = ["train", "test"], "fine_labels", ("meta", "fine_label_names")
        classes = [f"c{i}" for i in range(100)]
    else:
        folder = os.path.join(root, "cifar-10-batches-py")
        names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
        key, meta = "labels", ("batches.meta", "label_names")
        classes = [
            "airplane",
            "automobile",
            "bird",
            "cat",
            "deer",
            "dog",
            "frog",
            "horse",
            "ship",
            "truck",
        ]
    os.makedirs(folder, exist_ok=True)
    written = {}
    for name in names:
        data = rng.integers(0, 256, (n_per_batch, 3072), dtype=np.uint8)
        labels = rng.integers(0, len(classes), n_per_batch).tolist()
        with open(os.path.join(folder, name), "wb") as f:
            pickle.dump({"data": data, key: labels, "batch_label": name}, f)
        written[name] = (data, labels)
    with open(os.path.join(folder, meta[0]), "wb") as f:
        pickle.dump({meta[1]: classes}, f)
    return written


def test_cifar10_reads_pickles(tmp_path):
    written = write_cifar(str(tmp_path))
    ds = datasets.CIFAR10(str(tmp_path), train=True)
    assert len(ds) == 20 and ds.classes[3] == "cat" and ds.class_to_idx["truck"] == 9
    img, label = ds[5]  # second image of data_batch_2
    data, labels = written["data_batch_2"]
    assert img.size == (32, 32) and img.mode == "RGB" and label == labels[1]
    assert np.array_equal(np.asarray(img), data[1].reshape(3, 32, 32).transpose(1, 2, 0))
    test = datasets.CIFAR10(str(tmp_path), train=False, transform=transforms.ToTensor())
    x, _ = test[0]
    assert len(test) == 4 and x.shape == (3, 32, 32)


def test_cifar100_and_unsafe_pickle(tmp_path):
    written = write_cifar(str(tmp_path), hundred=True)
    ds = datasets.CIFAR100(str(tmp_path), train=False)
    assert len(ds) == 4 and ds[0][1] == written["test"][1][0] and len(ds.classes) == 100
    with open(os.path.join(str(tmp_path), "cifar-100-python", "test"), "wb") as f:
        pickle.dump({"data": os.system}, f)
    with pytest.raises(pickle.UnpicklingError):
        datasets.CIFAR100(str(tmp_path), train=False)


def test_image_folder(tmp_path):
    rng = np.random.default_rng(2)
    pixels = {}
    for cls, names in {"dog": ["b.png", "a.jpg"], "cat": ["x.PNG"], "empty_ok": []}.items():
        (tmp_path / cls).mkdir()
        for name in names:
            arr = rng.integers(0, 256, (6, 5, 3), dtype=np.uint8)
            Image.fromarray(arr).save(tmp_path / cls / name)
            pixels[(cls, name)] = arr
    (tmp_path / "dog" / "notes.txt").write_text("not an image")
    with pytest.raises(FileNotFoundError, match="empty_ok"):
        datasets.ImageFolder(str(tmp_path))
    ds = datasets.ImageFolder(str(tmp_path), allow_empty=True, transform=transforms.ToTensor())
    assert ds.classes == ["cat", "dog", "empty_ok"] and ds.class_to_idx["dog"] == 1
    assert [os.path.basename(p) for p, _ in ds.samples] == ["x.PNG", "a.jpg", "b.png"]
    assert ds.targets == [0, 1, 1] and ds.imgs is ds.samples
    x, y = ds[0]
    assert y == 0 and x.shape == (3, 6, 5)
    assert np.allclose(x._data, pixels[("cat", "x.PNG")].transpose(2, 0, 1) / 255)
    assert ds[1][0].shape == (3, 6, 5)  # the JPEG decodes (lossy, so no exact check)
    txt = datasets.DatasetFolder(
        str(tmp_path), loader=lambda p: open(p).read(), extensions=(".txt",), allow_empty=True
    )
    assert len(txt) == 1 and txt[0] == ("not an image", 1)
    only_png = datasets.DatasetFolder(
        str(tmp_path), loader=str, allow_empty=True, is_valid_file=lambda p: p.endswith(".png")
    )
    assert len(only_png) == 1
    with pytest.raises(ValueError):
        datasets.DatasetFolder(
            str(tmp_path), loader=str, extensions=(".png",), is_valid_file=lambda p: True
        )


def test_fake_data():
    ds = datasets.FakeData(size=4, image_size=(3, 5, 6), num_classes=3)
    img, label = ds[1]
    assert img.size == (6, 5) and 0 <= label < 3
    assert ds[1][0].tobytes() == img.tobytes()
    with pytest.raises(IndexError):
        ds[4]


def test_digits():
    ds = datasets.Digits()
    assert len(ds) == 1797 and len(datasets.Digits(train=True)) == 1437
    assert len(datasets.Digits(train=False)) == 360
    x, y = ds[0]
    assert x.shape == (1, 8, 8) and x.dtype == ember.float32 and y == 0
    assert float(x._data.max()) <= 1.0 and ds.data._data.max() == 16
    assert np.bincount(ds.targets._data).tolist()[:3] == [178, 182, 177]
    img, _ = datasets.Digits(as_pil=True)[0]
    assert img.mode == "L" and img.size == (8, 8)
    train, test = random_split(ds, [0.8, 0.2], generator=ember.Generator().manual_seed(0))
    xs, ys = next(iter(DataLoader(train, batch_size=16, shuffle=True)))
    assert xs.shape == (16, 1, 8, 8) and ys.dtype == ember.int64 and len(test) == 359
    size = os.path.getsize(
        os.path.join(os.path.dirname(datasets.digits.__file__), "data", "digits.csv.gz")
    )
    assert size < 100_000


def test_make_grid_and_save_image(tmp_path):
    batch = np.random.default_rng(3).random((5, 3, 4, 6)).astype(np.float32)
    grid = utils.make_grid(ember.tensor(batch), nrow=2, padding=1, pad_value=0.5)
    assert grid.shape == (3, 3 * 5 + 1, 2 * 7 + 1)
    assert np.array_equal(grid._data[:, 1:5, 8:14], batch[1])
    assert np.array_equal(grid._data[:, 11:15, 1:7], batch[4])
    assert grid._data[0, 0, 0] == 0.5 and grid._data[0, 12, 9] == 0.5
    one = utils.make_grid(ember.tensor(batch[:1, :1]), normalize=True)
    assert one.shape == (3, 4, 6) and np.isclose(one._data.min(), 0) and one._data.max() == 1
    path = tmp_path / "grid.png"
    utils.save_image(ember.tensor(batch), str(path), nrow=3)
    saved = np.asarray(Image.open(path))
    expected = utils.make_grid(ember.tensor(batch), nrow=3)._data
    expected = torch.from_numpy(expected).mul(255).add_(0.5).clamp_(0, 255).to(torch.uint8)
    assert np.array_equal(saved, expected.permute(1, 2, 0).numpy())
