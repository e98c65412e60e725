"""Flat positions and index grids give exactly NumPy's own indices."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from model.market.indexing import nonzero, unravel


@given(arrays(bool, array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=6)))
def test_nonzero_gives_numpys_indices_in_numpys_order(mask):
    ours, numpys = nonzero(mask), np.nonzero(mask)
    assert len(ours) == len(numpys)
    for a, b in zip(ours, numpys):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


@given(st.data(), array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=6))
def test_unravel_gives_numpys_unravel_index(data, shape):
    size = int(np.prod(shape))
    position = np.array(data.draw(st.lists(st.integers(0, size - 1), max_size=20)), dtype=np.intp)
    for a, b in zip(unravel(position, shape), np.unravel_index(position, shape)):
        np.testing.assert_array_equal(a, b)


def test_the_indices_are_copies_the_caller_may_change():
    v, _ = nonzero(np.ones((2, 3), dtype=bool))
    v[0] = 5  # a gathered copy, free to change
    again, _ = nonzero(np.ones((2, 3), dtype=bool))
    assert again[0] == 0
