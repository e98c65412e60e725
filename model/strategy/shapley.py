"""Coalition values: how much each potential partner adds to a leader's agreement, as Shapley values
of denial effectiveness and of revenue lost by controlling-country vendors, per layer.

The game of a layer: players are the candidate partners; the value of a coalition ``S`` is the
outcome of the agreement with members ``{leader} + S`` (paired with the no-controls baseline on the
same seeds), so ``v(empty)`` is the leader alone and the Shapley values sum to
``v(all) - v(leader alone)``. Every coalition runs on the same replicate seeds (common random
numbers), so the game is evaluated replicate by replicate and the spread of the per-replicate
Shapley values gives their interval. Small games are enumerated exactly (with Banzhaf indices as a
check); larger ones are sampled by permutations (:func:`model.strategy.games.sample_shapley`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from model.experiment.metrics import half_width
from model.strategy.designs import Design, Template
from model.strategy.evaluate import evaluate
from model.strategy.games import banzhaf, members_of, sample_shapley, shapley

VALUES = ("denial_effectiveness", "revenue_lost")
"""The outcomes whose Shapley values are reported (revenue lost in US$)."""


@dataclass
class Game:
    """A layer's game, evaluated on the coalitions it needed: one row per coalition and replicate
    (``coalition`` is the bit mask over ``players``) with every evaluated outcome."""

    layer: str
    players: list[str]
    outcomes: pd.DataFrame = field(default_factory=pd.DataFrame)

    def values(self, outcome: str, masks: Sequence[int]) -> np.ndarray:
        """``(len(masks), R)``: the outcome per coalition (rows) and replicate (columns)."""
        table = self.outcomes.pivot(index="coalition", columns="replicate", values=outcome)
        return table.loc[list(masks)].to_numpy(float)


@dataclass(frozen=True)
class GameRunner:
    """Evaluates coalitions of a layer's game through the sweep engine, one sweep folder per batch."""

    template: Template
    players: list[str]
    folder: Path
    replications: int
    seed: int
    design: Design = field(default_factory=Design)
    executor: Any = None
    progress: bool = False

    def items(self, layer: str) -> tuple[str, ...] | None:
        return None if layer == "all" else (layer,)

    def run(self, game: Game, masks: Sequence[int], batch: str) -> None:
        """Evaluate ``masks`` into ``game.outcomes`` (sweep folder ``<folder>/<batch>``)."""
        designs = [replace(self.design, partners=tuple(members_of(m, self.players)),
                           items=self.items(game.layer)) for m in masks]
        table = evaluate(self.template, designs, self.folder / batch, replications=self.replications,
                         seed=self.seed, executor=self.executor, progress=self.progress)
        table.insert(0, "coalition", [masks[i] for i in table.pop("design_id")])
        game.outcomes = pd.concat([game.outcomes, table], ignore_index=True)


def exact_game(runner: GameRunner, layer: str) -> Game:
    """Every coalition of a layer's game."""
    game = Game(layer, runner.players)
    runner.run(game, list(range(1 << len(runner.players))), f"{layer}-all")
    return game


def shapley_table(game: Game, exact: bool, sampling: dict[str, Any] | None, runner: GameRunner | None,
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per outcome and partner: the Shapley value with its interval (and the Banzhaf index when
    exact); and the efficiency check ``sum of values`` against ``v(all) - v(leader alone)``."""
    n = len(game.players)
    rows, checks = [], []
    permutations, reason = None, None
    for outcome in VALUES:
        if exact:
            values = game.values(outcome, range(1 << n))
            per_replicate, error = shapley(values), np.zeros(n)
            index = banzhaf(values).mean(axis=1)
        else:
            estimate = _sample(game, outcome, sampling or {}, runner, permutations)
            permutations, reason = estimate.permutations, reason or estimate.reason
            per_replicate, error, index = estimate.values, estimate.standard_error, np.full(n, np.nan)
        mean = per_replicate.mean(axis=1)
        replicates = per_replicate.shape[1]
        spread = per_replicate.std(axis=1, ddof=1) if replicates > 1 else np.zeros(n)
        half = np.hypot(half_width(spread, np.full(n, replicates)), stats.norm.ppf(0.975) * error)
        order = np.argsort(-mean, kind="stable")
        rank = np.empty(n, int)
        rank[order] = np.arange(1, n + 1)
        for i, partner in enumerate(game.players):
            rows.append({"layer": game.layer, "outcome": outcome, "partner": partner, "shapley": mean[i],
                         "shapley_low": mean[i] - half[i], "shapley_high": mean[i] + half[i],
                         "standard_error": error[i], "banzhaf": index[i], "rank": int(rank[i]),
                         "method": "exact" if exact else "sampled",
                         "permutations": permutations, "stopped": reason})
        ends = game.values(outcome, [0, (1 << n) - 1]).mean(axis=1)
        checks.append({"layer": game.layer, "outcome": outcome, "sum_of_values": float(mean.sum()),
                       "grand_minus_leader_alone": float(ends[1] - ends[0]),
                       "leader_alone": float(ends[0]), "grand_coalition": float(ends[1])})
    return pd.DataFrame(rows), pd.DataFrame(checks)


def _sample(game: Game, outcome: str, sampling: dict[str, Any], runner: GameRunner | None,
            permutations: int | None):
    """Permutation-sampled Shapley values of ``outcome``; the coalitions asked for are evaluated in
    numbered batches (``<layer>-batch-0001``, ...), each a resumable sweep. With ``permutations``
    (a previous outcome's count) the same permutations are replayed: no new runs."""
    batches = [0]

    def value_of(masks: list[int]) -> dict[int, np.ndarray]:
        known = set(game.outcomes["coalition"]) if len(game.outcomes) else set()
        missing = [m for m in masks if m not in known]
        if missing:
            batches[0] += 1
            runner.run(game, missing, f"{game.layer}-batch-{batches[0]:04d}")
        return dict(zip(masks, game.values(outcome, masks)))

    options = dict(sampling)
    if permutations is not None:
        options.update(tolerance=0.0, min_permutations=permutations, max_permutations=permutations)
    return sample_shapley(len(game.players), value_of, **options)


def coalition_table(game: Game) -> pd.DataFrame:
    """Per evaluated coalition: members, size and the mean of each outcome over replicates."""
    means = game.outcomes.drop(columns=["replicate", "seed"]).groupby("coalition").mean()
    means.insert(0, "members", ["+".join(members_of(m, game.players)) for m in means.index])
    means.insert(1, "size", [int(m).bit_count() for m in means.index])
    means.insert(0, "layer", game.layer)
    return means.reset_index()
