"""Positions in the market's fixed-shape arrays, without NumPy's per-element index arithmetic.

Gathering with one array of flat positions (``a.take(position)``, ``a.put(position, values)``) is
several times faster than indexing with a tuple of index arrays, and the tuple is needed only where
an axis's index is itself used.
"""

from __future__ import annotations

import functools

import numpy as np


def unravel(position: np.ndarray, shape: tuple[int, ...]) -> tuple[np.ndarray, ...]:
    """``np.unravel_index(position, shape)``, gathered from index grids kept per shape."""
    return tuple(axis[position] for axis in _grids(shape))


def nonzero(mask: np.ndarray) -> tuple[np.ndarray, ...]:
    """The same indices as ``np.nonzero(mask)``, in the same order."""
    return unravel(np.flatnonzero(mask), mask.shape)


@functools.lru_cache(maxsize=32)
def _grids(shape: tuple[int, ...]) -> tuple[np.ndarray, ...]:
    grids = tuple(axis.ravel() for axis in np.indices(shape))
    for axis in grids:
        axis.setflags(write=False)
    return grids
