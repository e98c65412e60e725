"""Stability of coalitions in a game with per-player payoffs (d'Aspremont, Jacquemin, Gabszewicz &
Weymark 1983) and sequential accession (pure mathematics; no simulation here).

``payoffs`` has shape ``(2**n, n)``: ``payoffs[S, i]`` is player ``i``'s payoff when the coalition
is ``S`` (a bit mask over the players, as in :mod:`model.strategy.games`), whether or not ``i`` is
in ``S``. A player moves only when it gains more than ``tolerance``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _players(payoffs: np.ndarray) -> int:
    n = payoffs.shape[1]
    if payoffs.shape[0] != 1 << n:
        raise ValueError(f"payoffs need 2**n rows for n = {n} players, not {payoffs.shape[0]}")
    return n


def internally_stable(payoffs: np.ndarray, tolerance: float = 0.0) -> np.ndarray:
    """Per coalition: no member gains more than ``tolerance`` by leaving it."""
    n = _players(payoffs)
    masks = np.arange(1 << n)
    stable = np.ones(1 << n, bool)
    for i in range(n):
        inside = masks[masks >> i & 1 == 1]
        stable[inside] &= payoffs[inside, i] >= payoffs[inside ^ 1 << i, i] - tolerance
    return stable


def externally_stable(payoffs: np.ndarray, tolerance: float = 0.0) -> np.ndarray:
    """Per coalition: no outsider gains more than ``tolerance`` by joining it."""
    n = _players(payoffs)
    masks = np.arange(1 << n)
    stable = np.ones(1 << n, bool)
    for i in range(n):
        outside = masks[masks >> i & 1 == 0]
        stable[outside] &= payoffs[outside | 1 << i, i] <= payoffs[outside, i] + tolerance
    return stable


def stable_coalitions(payoffs: np.ndarray, tolerance: float = 0.0) -> list[int]:
    """The coalitions (masks, ascending) that are both internally and externally stable."""
    both = internally_stable(payoffs, tolerance) & externally_stable(payoffs, tolerance)
    return [int(m) for m in np.flatnonzero(both)]


def sequential_accession(payoffs: np.ndarray, order: Sequence[int], tolerance: float = 0.0) -> int:
    """The coalition reached when players are asked in ``order``, once each, starting from the
    empty coalition: each joins when joining the coalition formed so far pays it more than
    ``tolerance`` over staying out."""
    _players(payoffs)
    coalition = 0
    for i in order:
        if payoffs[coalition | 1 << i, i] > payoffs[coalition, i] + tolerance:
            coalition |= 1 << i
    return coalition
