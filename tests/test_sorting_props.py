"""Random small integer tensors (many ties) through ordering, counting and running ops in torch
and ember: stable orders, tie rules and counts must agree exactly."""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import ember

SETTINGS = settings(max_examples=150, deadline=None, derandomize=True)


@st.composite
def int_tensor(draw, min_dims=1):
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=min_dims, max_size=3)))
    values = draw(st.lists(st.integers(-2, 2), min_size=int(np.prod(shape)),
                           max_size=int(np.prod(shape))))  # fmt: skip
    return np.array(values, dtype=np.int64).reshape(shape), draw(st.integers(-8, 8))


def both(fn, data, dtype="float64"):
    out = []
    for lib in (torch, ember):
        r = fn(lib, lib.tensor(data.astype(dtype)))
        r = r if isinstance(r, tuple) else (r,)
        out.append([np.asarray(t.tolist()) for t in r])
    for e, t in zip(out[1], out[0]):
        np.testing.assert_array_equal(e, t)


@SETTINGS
@given(int_tensor(), st.booleans())
def test_stable_sort(case, descending):
    data, dim = case
    dim %= data.ndim
    both(lambda lib, x: tuple(lib.sort(x, dim=dim, descending=descending, stable=True)), data)
    both(lambda lib, x: lib.argsort(x, dim=dim, descending=descending, stable=True), data, "int64")


@SETTINGS
@given(int_tensor())
def test_running_extremes(case):
    data, dim = case
    dim %= data.ndim
    both(lambda lib, x: tuple(lib.cummax(x, dim)), data)
    both(lambda lib, x: tuple(lib.cummin(x, dim)), data)
    both(lambda lib, x: lib.cumsum(x, dim), data, "int64")


@SETTINGS
@given(int_tensor(), st.booleans())
def test_topk_and_kthvalue_values(case, largest):
    data, dim = case
    dim %= data.ndim
    k = 1 + abs(case[1]) % data.shape[dim]
    both(lambda lib, x: lib.topk(x, k, dim, largest=largest).values, data)
    both(lambda lib, x: lib.kthvalue(x, k, dim).values, data)


@SETTINGS
@given(int_tensor())
def test_unique(case):
    data, dim = case
    both(lambda lib, x: lib.unique(x, return_inverse=True, return_counts=True), data, "int64")
    both(lambda lib, x: lib.unique_consecutive(x, return_inverse=True, return_counts=True), data,
         "int64")  # fmt: skip
    d = dim % data.ndim
    both(lambda lib, x: lib.unique(x, dim=d, return_inverse=True, return_counts=True), data,
         "int64")  # fmt: skip
    both(lambda lib, x: lib.unique_consecutive(x, dim=d, return_counts=True), data, "int64")


@SETTINGS
@given(int_tensor(min_dims=1), st.booleans())
def test_searchsorted_and_bucketize(case, right):
    data, _ = case
    boundaries = np.array([-1.5, 0.0, 0.0, 1.0])
    for lib_fn in (
        lambda lib, x: lib.bucketize(x, lib.tensor(boundaries), right=right),
        lambda lib, x: lib.searchsorted(lib.tensor(boundaries), x, right=right),
    ):
        both(lib_fn, data)
