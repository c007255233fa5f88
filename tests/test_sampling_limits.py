"""What ember's resampling deliberately leaves out: it raises NotImplementedError with a
message naming the option (torch supports it)."""

from __future__ import annotations

import pytest

import ember
import ember.nn.functional as F


@pytest.mark.parametrize(
    "call",
    [
        lambda x: F.interpolate(x, scale_factor=0.5, mode="bilinear", antialias=True),
    ],
    ids=["antialias"],
)
def test_unsupported_options_raise(call):
    with pytest.raises(NotImplementedError):
        call(ember.ones(1, 2, 4, 4))
