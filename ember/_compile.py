"""``torch.compile``: accepted and a no-op until ember has graph capture (docs/differences.md)."""

from __future__ import annotations


def compile(
    model=None,
    *,
    fullgraph: bool = False,
    dynamic=None,
    backend=None,
    mode=None,
    options=None,
    name=None,
    disable: bool = False,
    **kwargs,
):  # noqa: A001
    """Return ``model`` unchanged; with no model, a decorator that does the same.

    ember runs every op eagerly, so there is nothing to compile: the program runs as written,
    at eager speed. The keyword arguments are accepted for compatibility and ignored.
    """
    if model is None:
        return lambda fn: fn
    return model
