"""`FakeData`: random images, the same for the same index on every run."""

from __future__ import annotations

from ...ops import random as _random
from .vision import VisionDataset


class FakeData(VisionDataset):
    """``size`` random ``image_size`` (C, H, W) images as PIL images with random int labels;
    sample ``i`` is drawn from a generator seeded with ``i + random_offset``."""

    def __init__(
        self,
        size: int = 1000,
        image_size=(3, 224, 224),
        num_classes: int = 10,
        transform=None,
        target_transform=None,
        random_offset: int = 0,
    ) -> None:
        super().__init__(None, transform=transform, target_transform=target_transform)
        self.size = size
        self.num_classes = num_classes
        self.image_size = tuple(image_size)
        self.random_offset = random_offset

    def __getitem__(self, index: int):
        from ..transforms.functional import to_pil_image

        if index >= len(self):
            raise IndexError(f"{type(self).__name__} index out of range")
        generator = _random.Generator().manual_seed(index + self.random_offset)
        img = _random.rand(*self.image_size, generator=generator)
        target = int(_random.randint(0, self.num_classes, (1,), generator=generator).item())
        return self._apply(to_pil_image(img), target)

    def __len__(self) -> int:
        return self.size
