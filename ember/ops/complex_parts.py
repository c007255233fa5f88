"""Complex numbers' parts and constructors: ``real``, ``imag``, ``conj``, ``angle``,
``polar``, ``complex``, ``view_as_real`` and ``view_as_complex``, as torch's (the forms
rotary position embeddings use: ``view_as_complex(x.reshape(..., -1, 2)) * polar(1, theta)``).

``real``, ``imag``, ``view_as_real`` and ``view_as_complex`` are views of the same memory,
as in torch. ``conj`` returns the conjugate values (torch's is a lazy view; ember's is a
copy, so ``is_conj()``, in ``misc`` with the other lazy-bit queries, is False). Gradients
through complex values are not provided yet: their backward raises (see
``autograd.function._complex_gradient``); the angle of a real tensor differentiates to
zero, as torch's does.
"""

from __future__ import annotations

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..autograd.function import ArrayFunction, _complex_gradient
from ._util import xp_of


class _ComplexOnly(ArrayFunction):
    """Forward on arrays; backward through complex values is not provided yet."""

    @staticmethod
    def backward(ctx, *grads):
        raise _complex_gradient(ctx)


class Real(_ComplexOnly):
    is_view = True

    @staticmethod
    def forward(ctx, x):
        return x.real


class Imag(_ComplexOnly):
    is_view = True

    @staticmethod
    def forward(ctx, x):
        return x.imag


class Conj(_ComplexOnly):
    @staticmethod
    def forward(ctx, x):
        return xp_of(x).conj(x)


class ViewAsReal(_ComplexOnly):
    is_view = True

    @staticmethod
    def forward(ctx, x):
        xp = xp_of(x)
        part = x.real  # the real parts' view: same strides, the first half of each element
        step = x.itemsize // 2
        return xp.lib.stride_tricks.as_strided(part, x.shape + (2,), x.strides + (step,))


class ViewAsComplex(_ComplexOnly):
    is_view = True

    @staticmethod
    def forward(ctx, x):
        return x.view(_complex_of(x.dtype))[..., 0]


class Complex(_ComplexOnly):
    @staticmethod
    def forward(ctx, re, im):
        return _joined(xp_of(re), re, im)


class Polar(_ComplexOnly):
    @staticmethod
    def forward(ctx, r, theta):
        xp = xp_of(r)
        return _joined(xp, r * xp.cos(theta), r * xp.sin(theta))


def _joined(xp, re, im):
    """The complex array ``re + i im`` (broadcast)."""
    out = xp.empty(np.broadcast_shapes(re.shape, im.shape), dtype=_complex_of(re.dtype))
    out.real = re
    out.imag = im
    return out


class Angle(_ComplexOnly):
    @staticmethod
    def forward(ctx, x):
        return xp_of(x).angle(x)


class AngleOfReal(ArrayFunction):
    """The angle of a real number: pi below zero, 0 above, NaN for NaN; its gradient is 0."""

    @staticmethod
    def forward(ctx, x):
        xp = xp_of(x)
        return xp.where(x < 0, x.dtype.type(np.pi), x.dtype.type(0)) + x * 0

    @staticmethod
    def backward(ctx, grad):
        return grad * 0


def _complex_of(dtype):
    return np.complex64 if dtype == np.float32 else np.complex128


def _float_pair(a: Tensor, b: Tensor) -> None:
    if a.dtype not in (_dtype.float32, _dtype.float64):
        raise RuntimeError(
            f"Expected both inputs to be Half, Float or Double tensors but got {a.dtype} and "
            f"{b.dtype}"
        )
    if a.dtype != b.dtype:
        raise RuntimeError(
            f"Expected object of scalar type {a.dtype} but got scalar type {b.dtype} for "
            f"second argument"
        )


def real(input: Tensor) -> Tensor:
    """The real part (the tensor itself for a real tensor), as a view."""
    return Real.apply(input) if input.is_complex() else input


def imag(input: Tensor) -> Tensor:
    """The imaginary part of a complex tensor, as a view."""
    if not input.is_complex():
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return Imag.apply(input)


def conj(input: Tensor) -> Tensor:
    """The complex conjugate (the tensor itself for a real tensor)."""
    return Conj.apply(input) if input.is_complex() else input


def conj_physical(input: Tensor) -> Tensor:
    """The complex conjugate, always a new tensor for complex input."""
    return Conj.apply(input) if input.is_complex() else input.clone()


def angle(input: Tensor) -> Tensor:
    """The argument of each element: atan2(imag, real); pi or 0 for real numbers."""
    if input.is_complex():
        return Angle.apply(input)
    if not input.is_floating_point():
        input = input.float()
    return AngleOfReal.apply(input)


def polar(abs: Tensor, angle: Tensor) -> Tensor:  # noqa: A002 - torch's argument name
    """``abs * (cos(angle) + i sin(angle))``."""
    _float_pair(abs, angle)
    return Polar.apply(abs, angle)


def complex(real: Tensor, imag: Tensor) -> Tensor:  # noqa: A001 - torch.complex
    """``real + i imag``."""
    _float_pair(real, imag)
    return Complex.apply(real, imag)


def view_as_real(input: Tensor) -> Tensor:
    """A complex tensor seen as floats with a last dim of 2 (real, imaginary): a view."""
    if not input.is_complex():
        raise RuntimeError("view_as_real is only supported for complex tensors")
    return ViewAsReal.apply(input)


def view_as_complex(input: Tensor) -> Tensor:
    """A float tensor whose last dim is (real, imaginary) seen as complex: a view."""
    if input.dtype not in (_dtype.float32, _dtype.float64):
        raise RuntimeError(
            "view_as_complex is only supported for float and double tensors, but got a tensor "
            f"of scalar type: {input.dtype}"
        )
    if input.dim() == 0 or input.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    if input.stride(-1) != 1:
        raise RuntimeError("Tensor must have a last dimension with stride 1")
    if any(s % 2 for s in input.stride()[:-1]):
        raise RuntimeError("Tensor must have a stride divisible by 2 for all but last dimension")
    if input.storage_offset() % 2:
        raise RuntimeError("Tensor must have a storage_offset divisible by 2")
    return ViewAsComplex.apply(input)
