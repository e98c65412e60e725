"""Cooperative games over a fixed player list: Shapley values, Banzhaf indices and the permutation
sampling estimator of Shapley values (pure mathematics; no simulation here).

A coalition is a bit mask over ``players`` (bit ``i`` set when player ``i`` is in it). A
characteristic function is an array ``values`` of shape ``(2**n,)`` or ``(2**n, R)``, indexed by
mask: with ``R`` columns (one per replicate of a stochastic simulation on common random numbers)
every index is computed column by column, so the spread over columns is the replication
uncertainty of the index itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

MAX_EXACT_PLAYERS = 20
"""Largest player count whose characteristic function is enumerated in full (2**20 coalitions)."""


def mask_of(members: Iterable[str], players: Sequence[str]) -> int:
    """The bit mask of ``members`` (each one of ``players``)."""
    index = {p: i for i, p in enumerate(players)}
    return sum(1 << index[m] for m in set(members))


def members_of(mask: int, players: Sequence[str]) -> list[str]:
    """The players in coalition ``mask``, in ``players`` order."""
    return [p for i, p in enumerate(players) if mask >> i & 1]


def sizes(n: int) -> np.ndarray:
    """The number of members of every coalition of ``n`` players, by mask."""
    masks = np.arange(1 << n)
    return sum((masks >> i) & 1 for i in range(n)) if n else np.zeros(1, int)


def _marginals(values: np.ndarray, n: int, player: int) -> tuple[np.ndarray, np.ndarray]:
    """Coalitions without ``player`` and ``player``'s marginal contribution to each."""
    masks = np.arange(1 << n)
    without = masks[(masks >> player & 1) == 0]
    return without, values[without | 1 << player] - values[without]


def _check(values: np.ndarray) -> int:
    n = int(values.shape[0]).bit_length() - 1
    if values.shape[0] != 1 << n or n > MAX_EXACT_PLAYERS:
        raise ValueError(f"a characteristic function needs 2**n rows for n <= {MAX_EXACT_PLAYERS} players, "
                         f"not {values.shape[0]}")
    return n


def shapley(values: np.ndarray) -> np.ndarray:
    """Exact Shapley values: ``phi_i = sum over S without i of |S|!(n-|S|-1)!/n! (v(S+i) - v(S))``.

    ``values``: shape ``(2**n,)`` or ``(2**n, R)``; the result has shape ``(n,)`` or ``(n, R)``.
    They sum to ``v(all) - v(empty)`` (efficiency).
    """
    values = np.asarray(values, float)
    n = _check(values)
    size = sizes(n)
    weight = np.array([math.factorial(s) * math.factorial(n - s - 1) / math.factorial(n) for s in range(n)])
    out = []
    for i in range(n):
        without, delta = _marginals(values, n, i)
        w = weight[size[without]]
        out.append(np.tensordot(w, delta, axes=(0, 0)))
    return np.array(out)


def banzhaf(values: np.ndarray) -> np.ndarray:
    """Banzhaf indices: each player's mean marginal contribution over the ``2**(n-1)`` coalitions
    without it (not efficient in general; a check on the Shapley ranking)."""
    values = np.asarray(values, float)
    n = _check(values)
    return np.array([_marginals(values, n, i)[1].mean(axis=0) for i in range(n)])


@dataclass(frozen=True)
class SampledShapley:
    """A permutation-sampling estimate. ``values`` (n,) or (n, R) is the mean marginal contribution
    over ``permutations``; ``standard_error`` (n,) is the sampling error of the replicate mean; the
    sampler stopped because of ``reason`` ("tolerance" or "budget")."""

    values: np.ndarray
    standard_error: np.ndarray
    permutations: int
    reason: str


ValueFunction = Callable[[list[int]], dict[int, np.ndarray]]
"""Values of the requested coalition masks (each a scalar or an array over replicates)."""


def sample_shapley(
    n: int, value_of: ValueFunction, *, seed: int, batch: int = 20, tolerance: float = 0.0,
    min_permutations: int = 20, max_permutations: int = 1000,
) -> SampledShapley:
    """Shapley values estimated from random orders of the ``n`` players (Castro, Gomez & Tejada 2009).

    Permutations are drawn ``batch`` at a time from ``numpy.random.default_rng(seed)``; the
    coalitions a batch needs are asked of ``value_of`` all at once (only those not asked before).
    Stopping rule: after at least ``min_permutations``, stop as soon as every player's standard
    error (over permutations, of the contribution averaged over replicates) is at most
    ``tolerance``; in any case stop at ``max_permutations``. Every permutation's contributions sum
    to ``v(all) - v(empty)``, so the estimate is exactly efficient.
    """
    if min(batch, min_permutations, max_permutations) < 1 or tolerance < 0:
        raise ValueError("batch, min_permutations and max_permutations must be positive, tolerance >= 0")
    rng = np.random.default_rng(seed)
    known: dict[int, np.ndarray] = {}
    draws: list[np.ndarray] = []  # per permutation: (n,) or (n, R) marginal contributions
    reason = "budget"
    while len(draws) < max_permutations:
        orders = [rng.permutation(n) for _ in range(min(batch, max_permutations - len(draws)))]
        chains = [np.cumsum([0] + [1 << int(p) for p in order]) for order in orders]
        wanted = sorted({int(m) for chain in chains for m in chain} - known.keys())
        if wanted:
            known.update({m: np.asarray(v, float) for m, v in value_of(wanted).items()})
        for order, chain in zip(orders, chains):
            contribution = np.empty((n, *np.shape(known[0])))
            for k, player in enumerate(order):
                contribution[player] = known[int(chain[k + 1])] - known[int(chain[k])]
            draws.append(contribution)
        error = _standard_error(draws)
        if len(draws) >= min_permutations and error.max() <= tolerance:
            reason = "tolerance"
            break
    return SampledShapley(np.mean(draws, axis=0), _standard_error(draws), len(draws), reason)


def _standard_error(draws: list[np.ndarray]) -> np.ndarray:
    """Per player: standard deviation over permutations of the replicate-mean contribution / sqrt(M)."""
    per_draw = np.array([d.mean(axis=1) if d.ndim == 2 else d for d in draws])
    if len(per_draw) < 2:
        return np.full(per_draw.shape[1], np.inf)
    return per_draw.std(axis=0, ddof=1) / math.sqrt(len(per_draw))
