"""Per-run seeds, all derived from one master seed with ``numpy.random.SeedSequence``.

Replicate ``i`` gets the same seed whatever the number of replicates, the design or the executor,
so a policy run and its baseline share it (common random numbers) and adding replicates never
changes earlier ones.
"""

from __future__ import annotations

import numpy as np


def replicate_seed(master: int, replicate: int) -> int:
    """The seed of replicate ``replicate`` under ``master`` (a 63-bit integer)."""
    state = np.random.SeedSequence(master, spawn_key=(replicate,)).generate_state(1, np.uint64)[0]
    return int(state >> np.uint64(1))


def replicate_seeds(master: int, n: int) -> list[int]:
    """Seeds of replicates ``0 .. n-1``."""
    return [replicate_seed(master, i) for i in range(n)]
