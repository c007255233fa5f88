"""Dataset readers for real file formats, as ``torchvision.datasets``, and the bundled
``Digits``."""

from .cifar import CIFAR10, CIFAR100
from .digits import Digits
from .fakedata import FakeData
from .folder import IMG_EXTENSIONS, DatasetFolder, ImageFolder, default_loader
from .mnist import EMNIST, KMNIST, MNIST, FashionMNIST
from .vision import VisionDataset
