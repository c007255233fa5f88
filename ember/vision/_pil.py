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


def is_pil_image(img) -> bool:
    """True for a PIL image; never imports Pillow (an image exists only if Pillow was loaded)."""
    import sys

    image_module = sys.modules.get("PIL.Image")
    return image_module is not None and isinstance(img, image_module.Image)
