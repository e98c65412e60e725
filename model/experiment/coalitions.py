"""Coalition sweeps: member sets that grow one partner at a time, in order of vendor revenue share."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from model.errors import check_name
from model.scenario import Scenario
from model.simulation import ControlRegimeModel, release


def revenue_shares(scenario: Scenario | None = None, seed: int = 0) -> pd.Series:
    """Each exporting country's share of world vendor revenue (0-1, largest first) at the end of the
    warm-up of ``scenario``'s no-controls baseline (default: the default world)."""
    base = (scenario or Scenario()).baseline()
    model = ControlRegimeModel(**base.model_kwargs(), rng=seed, collect_agents=False)
    try:
        model.run(max(base.warmup, 1))
        shares = {key.removeprefix("share_"): value for key, value in model.summary.items()
                  if key.startswith("share_")}
    finally:
        release(model)
    return pd.Series(shares, name="revenue_share").sort_values(ascending=False, kind="stable")


def growing_coalitions(
    leader: str = "USA", exclude: Iterable[str] = (), size: int | None = None,
    scenario: Scenario | None = None,
) -> list[list[str]]:
    """``[[leader], [leader, p1], [leader, p1, p2], ...]``: the leader alone, then one partner added
    at a time in order of its vendors' revenue share; ``exclude`` keeps countries out, ``size`` caps
    the largest coalition (leader included)."""
    shares = revenue_shares(scenario)
    exporters = list(shares.index)
    check_name(leader, exporters, "coalition.leader", "exporting country")
    for country in exclude:
        check_name(country, exporters, "coalition.exclude", "exporting country")
    partners = [c for c in exporters if c != leader and c not in set(exclude)]
    sets = [[leader, *partners[:k]] for k in range(len(partners) + 1)]
    return sets[:size] if size is not None else sets
