"""Every entry of the oracle table, for each of its dtypes: forward, backward, double backward;
and every bad input an entry lists must raise the same exception type in both libraries."""

from __future__ import annotations

import pytest
from optable import ENTRIES
from oracle import check_entry, check_error

CASES = [(e, d) for e in ENTRIES for d in e.dtypes]
ERROR_CASES = [(e, i, m) for e in ENTRIES for i, m in enumerate(e.errors)]


@pytest.mark.parametrize("entry,dtype", CASES, ids=[f"{e.id}-{d}" for e, d in CASES])
def test_matches_torch(entry, dtype):
    check_entry(entry, dtype)


@pytest.mark.parametrize(
    "entry,index,maker", ERROR_CASES, ids=[f"{e.id}-{i}" for e, i, _ in ERROR_CASES]
)
def test_raises_like_torch(entry, index, maker):
    check_error(entry, maker)
