"""Pillow, imported only when a PIL image is made or read."""

from __future__ import annotations


def require_pil():
    """The ``PIL.Image`` module, or an ImportError naming the extra that installs it."""
    try:
        from PIL import Image
    except ImportError:
        raise ImportError(
            "this needs Pillow, which ember.vision uses for PIL images and image files; "
            "install it with `pip install ember[vision]` (or `pip install pillow`)"
        ) from None
    return Image


_image_class = None


def is_pil_image(img) -> bool:
    """True for a PIL image; never imports Pillow (an image exists only if Pillow was loaded)."""
    global _image_class
    if _image_class is None:
        import sys

        image_module = sys.modules.get("PIL.Image")
        if image_module is None:
            return False
        _image_class = image_module.Image
    return isinstance(img, _image_class)
