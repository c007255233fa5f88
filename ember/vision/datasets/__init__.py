"""Dataset readers for real file formats, as ``torchvision.datasets``, and the bundled
``Digits``."""
