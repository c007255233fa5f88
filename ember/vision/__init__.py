"""Images, as ``torchvision``: ``transforms``, ``datasets`` (readers for real file formats) and
``utils`` (``make_grid``, ``save_image``). Pillow is optional (``pip install ember[vision]``);
tensor-only transforms work without it."""

from . import datasets, transforms, utils
