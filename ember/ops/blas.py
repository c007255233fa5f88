"""Matrix products: matmul (with all of torch's broadcasting rules), mm, bmm, mv, dot, outer,
addmm, baddbmm, and the contractions einsum, tensordot, inner, kron. Each ends in BLAS calls
through ``xp.matmul`` or ``xp.einsum``."""

from __future__ import annotations

import functools
import math

import numpy as np

from .. import _autocast
from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ..backends import products
from ._util import (
    accepts_out,
    bfloat16_in_float32,
    check_same_device,
    handle_out,
    np_kind,
    promote,
    sum_to_shape,
    type_name,
    wrap_dim,
    xp_of,
)
from .comparison import where


class Matmul(ArrayFunction):
    """math: C = A B;  dA = dC B^T,  dB = A^T dC (batch dims summed back where broadcast)"""

    node_name = "MmBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        out = products.matmul(a, b)
        # ml_dtypes' bfloat16 matmul accumulates and returns float32; torch rounds back
        return out if out.dtype == a.dtype else out.astype(a.dtype)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        ga, gb = ctx.needs_input_grad
        # work on the 2-D forms (a vector is a 1-row / 1-column matrix), then drop those dims
        a2 = a.unsqueeze(0) if a.ndim == 1 else a
        b2 = b.unsqueeze(-1) if b.ndim == 1 else b
        batch = np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2])
        g = grad.reshape(batch + (a2.shape[-2], b2.shape[-1]))
        grad_a = grad_b = None
        if ga and a2.ndim == 2 and b2.ndim > 2:
            # a matrix times a stack: contract the stack and the columns in one product
            # (the per-matrix products summed after would be a stack of a's size)
            lead = list(range(b2.ndim - 2))
            grad_a = tensordot(g, b2, dims=(lead + [-1], lead + [-1])).reshape(a.shape)
        elif ga:
            grad_a = sum_to_shape(g.matmul(b2.mT), a2.shape).reshape(a.shape)
        if gb:
            if b2.ndim == 2 and a2.ndim > 2:
                # fold the batch into rows: one (k, rows) @ (rows, n) product, no batch sum
                k = a2.shape[-1]
                grad_b = a2.reshape(-1, k).mT.matmul(g.reshape(-1, g.shape[-1]))
            else:
                grad_b = sum_to_shape(a2.mT.matmul(g), b2.shape)
            grad_b = grad_b.reshape(b.shape)
        return grad_a, grad_b


def _check_matmul(a: Tensor, b: Tensor) -> None:
    sa, sb = a._data.shape, b._data.shape
    if not sa or not sb:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {len(sa)}D "
            f"and {len(sb)}D"
        )
    k_a = sa[-1]
    k_b = sb[0] if len(sb) == 1 else sb[-2]
    if k_a != k_b:
        if len(sa) == 1 and len(sb) == 1:
            raise RuntimeError(
                f"inconsistent tensor size, expected tensor [{k_a}] and src [{k_b}] to have "
                f"the same number of elements, but got {k_a} and {k_b} elements respectively"
            )
        if len(sa) == 2 and len(sb) == 1:
            raise RuntimeError(
                f"size mismatch, got input ({sa[0]}), mat ({sa[0]}x{k_a}), vec ({k_b})"
            )
        rows = 1 if len(sa) == 1 else math.prod(sa[:-1]) if len(sb) <= 2 else sa[-2]
        cols = 1 if len(sb) == 1 else sb[-1]
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{k_a} and {k_b}x{cols})"
        )
    batch_a, batch_b = sa[:-2], sb[:-2]
    for i in range(1, min(len(batch_a), len(batch_b)) + 1):
        x, y = batch_a[-i], batch_b[-i]
        if x != y and x != 1 and y != 1:
            raise RuntimeError(
                f"The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                f"non-singleton dimension {max(len(batch_a), len(batch_b)) - i}"
            )


def _operands(a, b, kernel: str = "addmm_impl_cpu_"):
    if not isinstance(a, Tensor) or not isinstance(b, Tensor):
        raise TypeError(
            f"matmul(): argument 'other' (position 1) must be Tensor, not "
            f"{type(b if isinstance(a, Tensor) else a).__name__}"
        )
    check_same_device(a, b)
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {a.dtype} != {b.dtype}"
        )
    if np_kind(a._data.dtype) == "b":
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")
    return a, b


def matmul(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """Matrix product with torch's rules for 1-D operands and broadcast batch dims."""
    if _autocast.active:
        input, other = _autocast.cast(input, other)
    a, b = _operands(input, other)
    _check_matmul(a, b)
    return handle_out(Matmul.apply(a, b), out)


def mm(input: Tensor, mat2: Tensor, *, out=None) -> Tensor:
    """The product of two matrices (2-D only)."""
    if _autocast.active:
        input, mat2 = _autocast.cast(input, mat2)
    a, b = _operands(input, mat2)
    if a._data.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if b._data.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    _check_matmul(a, b)
    return handle_out(Matmul.apply(a, b), out)


def bmm(input: Tensor, mat2: Tensor, *, out=None) -> Tensor:
    """Matrix products of two equal-sized batches of matrices (3-D only, no broadcasting)."""
    if _autocast.active:
        input, mat2 = _autocast.cast(input, mat2)
    a, b = _operands(input, mat2, "bmm")
    _check_bmm(a, b)
    return handle_out(Matmul.apply(a, b), out)


def _check_bmm(a: Tensor, b: Tensor) -> None:
    if a._data.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b._data.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if a._data.shape[0] != b._data.shape[0] or a._data.shape[2] != b._data.shape[1]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: "
            f"[{a._data.shape[0]}, {a._data.shape[2]}] but got: [{b._data.shape[0]}, "
            f"{b._data.shape[1]}]."
        )


def mv(input: Tensor, vec: Tensor, *, out=None) -> Tensor:
    """Matrix times vector."""
    a, b = _operands(input, vec, "addmv_impl_cpu")
    if a._data.ndim != 2 or b._data.ndim != 1:
        raise RuntimeError(
            f"vector + matrix @ vector expected, got 1, {a._data.ndim}, {b._data.ndim}"
        )
    _check_matmul(a, b)
    return handle_out(Matmul.apply(a, b), out)


def dot(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """The dot product of two 1-D tensors."""
    a, b = _operands(input, other, "dot")
    if a._data.ndim != 1 or b._data.ndim != 1:
        raise RuntimeError(
            f"1D tensors expected, but got {a._data.ndim}D and {b._data.ndim}D tensors"
        )
    _check_matmul(a, b)
    return handle_out(Matmul.apply(a, b), out)


@accepts_out
def vdot(input: Tensor, other: Tensor) -> Tensor:
    """The dot product with the first argument conjugated."""
    return dot(input.conj() if input.is_complex() else input, other)


@accepts_out
def outer(input: Tensor, vec2: Tensor) -> Tensor:
    """``input[i] * vec2[j]``"""
    for name, v in (("self", input), ("vec2", vec2)):
        if v._data.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {v._data.ndim}-D")
    a, b = promote(input, vec2)
    return a.reshape(-1, 1) * b.reshape(1, -1)


ger = outer


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta=1, alpha=1, out=None) -> Tensor:
    """``beta * input + alpha * (mat1 @ mat2)``"""
    if _autocast.active:
        input, mat1, mat2 = _autocast.cast(input, mat1, mat2)
    return handle_out(_scaled_sum(input, mm(mat1, mat2), beta, alpha), out)


def addmv(input: Tensor, mat: Tensor, vec: Tensor, *, beta=1, alpha=1, out=None) -> Tensor:
    """``beta * input + alpha * (mat @ vec)``"""
    return handle_out(_scaled_sum(input, mv(mat, vec), beta, alpha), out)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None) -> Tensor:
    """``beta * input + alpha * sum_b batch1[b] @ batch2[b]``"""
    if _autocast.active:
        input, batch1, batch2 = _autocast.cast(input, batch1, batch2)
    _check_bmm(*_operands(batch1, batch2))
    # the sum over b is the contraction over (b, k): one (n, b*k) @ (b*k, p) product
    n, p = batch1.shape[1], batch2.shape[2]
    product = batch1.transpose(0, 1).reshape(n, -1).matmul(batch2.reshape(-1, p))
    return handle_out(_scaled_sum(input, product, beta, alpha), out)


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None) -> Tensor:
    """``beta * input + alpha * (batch1 @ batch2)`` for each matrix of the batch."""
    if _autocast.active:
        input, batch1, batch2 = _autocast.cast(input, batch1, batch2)
    return handle_out(_scaled_sum(input, bmm(batch1, batch2), beta, alpha), out)


def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None) -> Tensor:
    """``beta * input + alpha * outer(vec1, vec2)``"""
    return handle_out(_scaled_sum(input, outer(vec1, vec2), beta, alpha), out)


def _scaled_sum(input: Tensor, product: Tensor, beta, alpha) -> Tensor:
    # input broadcasts to the product's shape, never the other way (torch's expand rule)
    input = input.expand(product.shape)
    if alpha != 1:
        product = product * alpha
    if beta == 0:
        # torch ignores input's values (NaN and inf do not propagate); its gradient is zero
        ignore = Tensor._make(xp_of(input._data).zeros((), dtype=bool))
        return where(ignore, input, product)
    return product + (input * beta if beta != 1 else input)


# ---- einsum and the contractions built on it ------------------------------------------------


class Einsum(ArrayFunction):
    """math: O = einsum(S_1, ..., S_n -> S_o);  dX_k = einsum(S_o, S_j (j != k) -> S_k)

    Labels are ints below 52 (letters in the equation given to ``xp.einsum``). A label
    repeated within S_k (a diagonal) gets a fresh label in the gradient's subscripts plus an
    identity operand tying the two; a label of S_k found nowhere else (summed within X_k
    alone) gets a ones operand (a broadcast).
    """

    @staticmethod
    def forward(ctx, *arrays, subs, out_sub):
        xp = xp_of(arrays[0])
        if len(arrays) == 2:
            out = _einsum_pair(xp, arrays[0], subs[0], arrays[1], subs[1], out_sub)
        else:
            equation = _equation(subs, out_sub)
            out = xp.asarray(xp.einsum(equation, *arrays, optimize=len(arrays) > 2))
        if any(xp.may_share_memory(out, a) for a in arrays):  # einsum returned a view
            out = out.copy()
        ctx.subs, ctx.out_sub = subs, out_sub
        ctx.save_for_backward(*arrays)
        return out

    @staticmethod
    def backward(ctx, grad):
        xs = ctx.saved_tensors
        sizes = {}
        for x, s in zip(xs, ctx.subs):
            sizes.update(zip(s, x.shape))
        fresh = max(sizes, default=-1) + 1
        grads = []
        for k, needed in enumerate(ctx.needs_input_grad):
            if not needed:
                grads.append(None)
                continue
            ops = [grad] + [x for j, x in enumerate(xs) if j != k]
            subs = [ctx.out_sub] + [s for j, s in enumerate(ctx.subs) if j != k]
            target = []
            for label in ctx.subs[k]:
                if label in target:  # a diagonal: grad lives on it, zero elsewhere
                    ops.append(_constant(grad, "eye", sizes[label]))
                    subs.append((label, fresh))
                    label, fresh = fresh, fresh + 1
                target.append(label)
            present = {label for s in subs for label in s}
            for label in target:
                if label not in present:  # summed within X_k only: grad broadcasts along it
                    ops.append(_constant(grad, "ones", sizes[label]))
                    subs.append((label,))
            grads.append(Einsum.apply(*ops, subs=tuple(subs), out_sub=tuple(target)))
        return tuple(grads)


def _equation(subs, out_sub) -> str:
    """Int labels as an einsum equation string ("ab,bc->ac")."""

    def letters(labels):
        return "".join(_LETTERS[label] for label in labels)

    return ",".join(letters(s) for s in subs) + "->" + letters(out_sub)


def _einsum_pair(xp, a, sa, b, sb, out):
    """Two-operand einsum as one batched matrix product (BLAS)."""
    plan = _pair_plan(sa, sb, out, a.shape, b.shape)
    keep_a, keep_b, perm_a, shape_a, perm_b, shape_b, shape_c, perm_c = plan
    if keep_a != sa:
        a = xp.einsum(_equation([sa], keep_a), a)
    if keep_b != sb:
        b = xp.einsum(_equation([sb], keep_b), b)
    a = a.transpose(perm_a).reshape(shape_a)
    b = b.transpose(perm_b).reshape(shape_b)
    return xp.matmul(a, b).reshape(shape_c).transpose(perm_c)


@functools.lru_cache(maxsize=512)
def _pair_plan(sa, sb, out, shape_a, shape_b) -> tuple:
    """How ``_einsum_pair`` lays out its product. Labels split into batch (both operands and
    the output), contracted (both only), left (a only) and right (b only); a diagonal, or a
    label that neither the other operand nor the output needs, is first reduced within its
    operand (``keep_*``)."""
    size = dict(zip(sa, shape_a)) | dict(zip(sb, shape_b))
    keep_a = tuple(label for label in dict.fromkeys(sa) if label in sb or label in out)
    keep_b = tuple(label for label in dict.fromkeys(sb) if label in keep_a or label in out)
    batch = [label for label in keep_a if label in keep_b and label in out]
    contract = [label for label in keep_a if label in keep_b and label not in out]
    left = [label for label in keep_a if label not in keep_b]
    right = [label for label in keep_b if label not in keep_a]

    def block(labels):
        return math.prod(size[label] for label in labels)

    order = batch + left + right
    return (
        keep_a,
        keep_b,
        [keep_a.index(label) for label in batch + left + contract],
        (block(batch), block(left), block(contract)),
        [keep_b.index(label) for label in batch + contract + right],
        (block(batch), block(contract), block(right)),
        [size[label] for label in order],
        [order.index(label) for label in out],
    )


def _constant(like: Tensor, kind: str, n: int) -> Tensor:
    xp = xp_of(like._data)
    data = xp.eye(n, dtype=like._data.dtype) if kind == "eye" else xp.ones(n, like._data.dtype)
    return Tensor._make(data)


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _sublist_equation(args) -> tuple:
    """torch's sublist form ``einsum(x, [0, 1], y, [1, 2], [0, 2])`` as an equation string."""

    def letters(sub):
        return "".join("..." if s is Ellipsis else _LETTERS[s] for s in sub)

    pairs = len(args) // 2
    operands = list(args[0 : 2 * pairs : 2])
    equation = ",".join(letters(s) for s in args[1 : 2 * pairs : 2])
    if len(args) % 2:
        equation += "->" + letters(args[-1])
    return equation, operands


@functools.lru_cache(maxsize=512)
def _einsum_plan(equation: str, shapes: tuple) -> tuple:
    """Labels per operand and for the output, numbered from 0 in order of appearance (numpy
    takes labels below 52), and the shape each operand broadcasts to."""
    subs, out_sub = _parse_einsum(equation, shapes)
    sizes = {}
    for i, (shape, s) in enumerate(zip(shapes, subs)):
        for label, n in zip(s, shape):
            if label in sizes and sizes[label] != n and 1 not in (sizes[label], n):
                raise RuntimeError(
                    f"einsum(): operands do not broadcast with remapped shapes: subscript "
                    f"{_LETTERS[label] if label < len(_LETTERS) else '...'} has size {n} for "
                    f"operand {i} which does not broadcast with previously seen size {sizes[label]}"
                )
            if sizes.get(label, 1) == 1:
                sizes[label] = n
    targets = tuple(tuple(sizes[label] for label in s) for s in subs)
    compact = {}
    for label in (label for s in subs for label in s):
        compact.setdefault(label, len(compact))
    subs = tuple(tuple(compact[label] for label in s) for s in subs)
    return subs, tuple(compact[label] for label in out_sub), targets


def _parse_einsum(equation: str, shapes: tuple) -> tuple:
    """Subscripts as int labels per operand and for the output; ``...`` becomes labels too."""
    equation = equation.replace(" ", "")
    lhs, arrow, rhs = equation.partition("->")
    terms = lhs.split(",")
    if len(terms) > len(shapes):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    if len(terms) < len(shapes):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    n_ellipsis = 0
    for i, (term, shape) in enumerate(zip(terms, shapes)):
        named = len(term.replace("...", ""))
        if "..." in term:
            n_ellipsis = max(n_ellipsis, len(shape) - named)
        if named > len(shape) or ("..." not in term and named != len(shape)):
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({named}) does not match the "
                f"number of dimensions ({len(shape)}) for operand {i}"
                + ("" if "..." in term else " and no ellipsis was given")
            )
    letter_label = {c: i for i, c in enumerate(_LETTERS)}
    ellipsis = tuple(range(len(_LETTERS), len(_LETTERS) + n_ellipsis))

    def labels(term, ndim):
        head, dots, tail = term.partition("...")
        for c in head + tail:
            if c not in letter_label:
                raise RuntimeError(f"einsum(): invalid subscript given at index 0: {c}")
        middle = ellipsis[len(ellipsis) - (ndim - len(head) - len(tail)) :] if dots else ()
        return tuple(letter_label[c] for c in head) + middle + tuple(letter_label[c] for c in tail)

    subs = [labels(t, len(s)) for t, s in zip(terms, shapes)]
    if arrow:
        out_sub = labels(rhs, len(rhs.replace("...", "")) + n_ellipsis)
        seen = {label for s in subs for label in s}
        for label in out_sub:
            name = _LETTERS[label] if label < len(_LETTERS) else "..."
            if label not in seen:
                raise RuntimeError(
                    f"einsum(): output subscript {name} does not appear in the equation for any "
                    "input operand"
                )
            if out_sub.count(label) > 1:
                raise RuntimeError(
                    f"einsum(): output subscript {name} appears more than once in the output"
                )
    else:
        counts = {}
        for s in subs:
            for label in s:
                counts[label] = counts.get(label, 0) + 1
        once = sorted(label for label, c in counts.items() if c == 1 and label < len(_LETTERS))
        out_sub = ellipsis + tuple(once)
    return subs, out_sub


@bfloat16_in_float32
def einsum(equation, *operands) -> Tensor:
    """Sum of products over the subscripts of ``equation`` (torch's forms: explicit ``->``,
    implicit output, ``...`` broadcasting, a list of operands, or sublists)."""
    if isinstance(equation, Tensor):
        equation, operands = _sublist_equation((equation,) + operands)
    elif len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = list(operands[0])
    if not operands:
        raise RuntimeError("einsum(): must provide at least one operand")
    dtype = operands[0].dtype
    for x in operands[1:]:
        if x.dtype != dtype:
            raise RuntimeError(
                f"expected scalar type {type_name(dtype)} but found {type_name(x.dtype)}"
            )
    if np_kind(operands[0]._data.dtype) == "b" and len(operands) > 1:
        raise NotImplementedError("\"bmm\" not implemented for 'Bool'")
    subs, out_sub, targets = _einsum_plan(equation, tuple(tuple(x.shape) for x in operands))
    # a size-1 dim facing a larger one broadcasts: expand it (its gradient is summed back)
    expanded = [x.expand(t) if tuple(x.shape) != t else x for x, t in zip(operands, targets)]
    return Einsum.apply(*expanded, subs=subs, out_sub=out_sub)


@bfloat16_in_float32
def tensordot(a: Tensor, b: Tensor, dims=2, out=None) -> Tensor:
    """Contract ``dims`` of ``a`` with ``dims`` of ``b``: an int (last of a with first of b) or
    a pair of lists."""
    if a.dtype != b.dtype:
        raise RuntimeError("both inputs should have same dtype")
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        dims_a = list(range(a.ndim - dims, a.ndim))
        dims_b = list(range(dims))
    else:
        dims_a, dims_b = ([d] if isinstance(d, int) else list(d) for d in dims)
    if len(dims_a) != len(dims_b):
        raise RuntimeError("both dimension lists should have same length")
    dims_a = [wrap_dim(d, a.ndim) for d in dims_a]
    dims_b = [wrap_dim(d, b.ndim) for d in dims_b]
    for da, db in zip(dims_a, dims_b):
        if a.shape[da] != b.shape[db]:
            raise RuntimeError(
                f"contracted dimensions need to match, but first has size {a.shape[da]} in dim "
                f"{da} and second has size {b.shape[db]} in dim {db}"
            )
    # as an einsum: a's dims are labels 0..; b's contracted dims reuse a's labels
    sub_a = tuple(range(a.ndim))
    paired = dict(zip(dims_b, dims_a))
    sub_b = tuple(paired[d] if d in paired else a.ndim + d for d in range(b.ndim))
    out_sub = tuple(d for d in sub_a if d not in dims_a) + tuple(
        label for d, label in enumerate(sub_b) if d not in paired
    )
    return handle_out(Einsum.apply(a, b, subs=(sub_a, sub_b), out_sub=out_sub), out)


@bfloat16_in_float32
def inner(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """Sum over the last dims: ``out[i.., j..] = sum_k input[i.., k] other[j.., k]``."""
    if input.ndim == 0 or other.ndim == 0:
        return handle_out(input * other, out)
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(
            f"inner() the last dimension must match on both input tensors but got shapes "
            f"{list(input.shape)} and {list(other.shape)}"
        )
    return handle_out(tensordot(input, other, ([-1], [-1])), out)


def kron(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """Kronecker product: ``out[i*m + k, j*n + l] = input[i, j] * other[k, l]`` (any ndim)."""
    a, b = promote(input, other)
    ndim = max(a.ndim, b.ndim)
    sa = (1,) * (ndim - a.ndim) + tuple(a.shape)
    sb = (1,) * (ndim - b.ndim) + tuple(b.shape)
    # interleave: a's dims at even positions, b's at odd, so a flat reshape pairs them
    a = a.reshape([n for s in sa for n in (s, 1)])
    b = b.reshape([n for s in sb for n in (1, s)])
    return handle_out((a * b).reshape([x * y for x, y in zip(sa, sb)]), out)


def chain_matmul(*matrices, out=None) -> Tensor:
    """The product of 2-D matrices, left to right (deprecated in torch for multi_dot)."""
    if len(matrices) == 1:
        return matrices[0].clone()
    return handle_out(_multi_dot(list(matrices)), out)


def _multi_dot(tensors, *, out=None) -> Tensor:
    """``linalg.multi_dot``: the first tensor may be 1-D (a row), the last 1-D (a column)."""
    n = len(tensors)
    if n < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {n}")
    for i, t in enumerate(tensors):
        allowed = (1, 2) if i in (0, n - 1) else (2,)
        if t.ndim not in allowed:
            which = "first" if i == 0 else "last" if i == n - 1 else ""
            raise RuntimeError(
                f"multi_dot(): the {which} tensor must be 1D or 2D but got {t.ndim}D"
                if which
                else f"multi_dot(): tensor {i} must be 2D but got {t.ndim}D"
            )
    result = tensors[0]
    for i, t in enumerate(tensors[1:], start=1):
        k_b = t.shape[0]
        if result.shape[-1] != k_b:
            raise RuntimeError(
                f"multi_dot(): tensors {i - 1} and {i} with shapes {list(tensors[i - 1].shape)} "
                f"and {list(t.shape)} cannot be multiplied"
            )
        result = matmul(result, t)
    return handle_out(result, out)
