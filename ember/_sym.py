"""torch's ``sym_*`` helpers. They exist so that traced programs can compute with symbolic
sizes; ember runs eagerly and sizes are plain ints, so each is the Python operation itself."""

from __future__ import annotations

import builtins
import math


def _promoted(result, a, b):
    return float(result) if isinstance(a, float) or isinstance(b, float) else result


def sym_float(a):
    """``float(a)``"""
    return float(a)


def sym_int(a):
    """``int(a)`` (truncating toward zero)."""
    return int(a)


def sym_max(a, b):
    """The larger of two numbers (a float when either is)."""
    return _promoted(builtins.max(a, b), a, b)


def sym_min(a, b):
    """The smaller of two numbers (a float when either is)."""
    return _promoted(builtins.min(a, b), a, b)


def sym_not(a):
    """``not a``"""
    return not a


def sym_sqrt(a):
    """``math.sqrt(a)``"""
    return math.sqrt(a)


def sym_sum(args):
    """The sum of an iterable of numbers (0 when empty)."""
    return builtins.sum(args)


def sym_ite(b, t, f):
    """``t if b else f``"""
    return t if b else f
