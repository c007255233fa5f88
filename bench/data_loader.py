"""Images per second through a DataLoader on a CIFAR-format dataset of 10,000 32x32 images with
RandomCrop(32, padding=4) + RandomHorizontalFlip + ToTensor + Normalize, batch_size=128:
ember's DataLoader with 0 and 2 workers against torch's DataLoader running ember's dataset and
transforms on the same files (torchvision is not used). Also samples per second from a
TensorDataset of 20,000 x 784 float32 rows (batch_size=64, shuffled), ember's against torch's.
Run: python bench/data_loader.py
"""

import os
import pickle
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import ember  # noqa: E402
from ember.utils.data import DataLoader, TensorDataset  # noqa: E402
from ember.vision import datasets, transforms  # noqa: E402

ROUNDS = 3
MEAN, STD = (0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616)


def write_cifar(root: str) -> None:
    folder = os.path.join(root, "cifar-10-batches-py")
    os.makedirs(folder)
    rng = np.random.default_rng(0)
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        data = rng.integers(0, 256, (2000, 3072), dtype=np.uint8)
        with open(os.path.join(folder, name), "wb") as f:
            pickle.dump({"data": data, "labels": rng.integers(0, 10, 2000).tolist()}, f)
    with open(os.path.join(folder, "batches.meta"), "wb") as f:
        pickle.dump({"label_names": [str(i) for i in range(10)]}, f)


def pipeline(to_numpy: bool):
    steps = [
        transforms.RandomCrop(32, padding=4),
        transforms.RandomHorizontalFlip(),
        transforms.ToTensor(),
        transforms.Normalize(MEAN, STD),
    ]
    if to_numpy:  # torch's collate stacks numpy arrays, not ember tensors
        steps.append(transforms.Lambda(lambda t: t.numpy()))
    return transforms.Compose(steps)


def images_per_second(loader) -> float:
    start = time.perf_counter()
    n = 0
    for images, _ in loader:
        n += images.shape[0]
    return n / (time.perf_counter() - start)


def main() -> None:
    import torch
    import torch.utils.data as tud

    with tempfile.TemporaryDirectory() as root:
        write_cifar(root)
        ember_ds = datasets.CIFAR10(root, train=True, transform=pipeline(False))
        torch_ds = datasets.CIFAR10(root, train=True, transform=pipeline(True))
        assert len(ember_ds) == 10_000
        for workers in (0, 2):
            kw = dict(batch_size=128, shuffle=True, num_workers=workers)
            rates = {"ember": [], "torch": []}
            # The machine is shared and noisy: alternate the libraries in rounds and report
            # medians, and the median of the per-round ratios.
            for _ in range(ROUNDS):
                rates["ember"].append(images_per_second(DataLoader(ember_ds, **kw)))
                rates["torch"].append(images_per_second(tud.DataLoader(torch_ds, **kw)))
            ratios = [e / t for e, t in zip(rates["ember"], rates["torch"])]
            e, t = np.median(rates["ember"]), np.median(rates["torch"])
            print(
                f"num_workers={workers}: ember {e:7.0f} img/s   torch {t:7.0f} img/s   "
                f"median ratio {np.median(ratios):.2f}"
            )
    rows = np.random.default_rng(0).random((20_000, 784), dtype=np.float32)
    labels = np.random.default_rng(1).integers(0, 10, 20_000)
    ember_td = TensorDataset(ember.tensor(rows), ember.tensor(labels))
    torch_td = tud.TensorDataset(torch.tensor(rows), torch.tensor(labels))
    e_rates, t_rates = [], []
    for _ in range(ROUNDS):
        e_rates.append(images_per_second(DataLoader(ember_td, batch_size=64, shuffle=True)))
        t_rates.append(images_per_second(tud.DataLoader(torch_td, batch_size=64, shuffle=True)))
    ratio = np.median([e / t for e, t in zip(e_rates, t_rates)])
    print(
        f"TensorDataset:  ember {np.median(e_rates):7.0f} rows/s  torch "
        f"{np.median(t_rates):7.0f} rows/s  median ratio {ratio:.2f}"
    )
    print("ember", ember.__version__)


if __name__ == "__main__":
    main()
