"""The ``coalitions`` analysis: Shapley values of the leader's partners per layer and, when the file
asks, coalition formation under a range of weights and agreement variants."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.experiment.engine import checked_executor, checked_path, revenue_shares
from model.experiment.results import RESULTS_DIR
from model.scenario import ScenarioError
from model.strategy.designs import Design, Template
from model.strategy.files import (
    SCENARIO_VARIANT,
    CoalitionStudy,
    check_countries,
    check_leader,
    load_study,
    load_template,
    read_study,
)
from model.strategy.formation import formation_rows, membership_share, revealed_weights
from model.strategy.games import MAX_EXACT_PLAYERS
from model.strategy.results import open_analysis
from model.strategy.shapley import Game, GameRunner, coalition_table, exact_game, shapley_table


@dataclass
class CoalitionResults:
    """The tables of a coalitions analysis (also written to its results folder)."""

    folder: Path
    shapley: pd.DataFrame
    efficiency: pd.DataFrame
    coalitions: pd.DataFrame
    formation: pd.DataFrame = field(default_factory=pd.DataFrame)
    membership: pd.DataFrame = field(default_factory=pd.DataFrame)

    def tables(self) -> dict[str, pd.DataFrame]:
        names = ("shapley", "efficiency", "coalitions", "formation", "membership")
        return {n: getattr(self, n) for n in names if len(getattr(self, n))}


@dataclass(frozen=True)
class Prepared:
    """A checked coalitions file: the study, its template, players and accession order."""

    study: CoalitionStudy
    origin: str
    template: Template
    players: list[str]
    order: list[int]
    exact: bool

    def settings(self) -> dict[str, Any]:
        return {"study": self.study.model_dump(mode="json"), "origin": self.origin,
                "scenario": self.template.scenario.resolved(), "leader": self.template.leader,
                "players": self.players, "exact": self.exact}


def prepare(study: CoalitionStudy, folder: Path, origin: str) -> Prepared:
    """Check ``study`` against its scenario and the world before anything runs."""
    tmpl = load_template(study, folder, origin)
    shares = revenue_shares(tmpl.scenario)
    exporters = list(shares.index)
    check_leader(tmpl, exporters, origin)
    if study.candidates is None:
        players = [c for c in exporters if c != tmpl.leader]
    else:
        check_countries(study.candidates, exporters, "candidates", origin)
        if tmpl.leader in study.candidates:
            raise ScenarioError(origin, f"candidates[{study.candidates.index(tmpl.leader)}]",
                                "the leader is always a member; list only its potential partners",
                                got=tmpl.leader)
        players = list(study.candidates)
    if not players:
        raise ScenarioError(origin, "candidates", "no potential partners", expected="at least one country")
    exact = study.method == "exact" or (study.method == "auto" and 1 << len(players) <= study.max_exact)
    if len(players) > MAX_EXACT_PLAYERS and exact:
        raise ScenarioError(origin, "method", "too many candidates to enumerate every coalition",
                            expected=f"method = 'sampled' for more than {MAX_EXACT_PLAYERS} candidates",
                            got=len(players))
    formation = study.formation
    order = sorted(range(len(players)), key=lambda i: exporters.index(players[i]))
    if formation is not None:
        if not exact:
            raise ScenarioError(origin, "formation", "formation needs every coalition's payoffs",
                                expected=f"method = 'exact' (or at most {study.max_exact} coalitions with "
                                "'auto')", got=study.method)
        if formation.order is not None:
            check_countries(formation.order, players, "formation.order", origin)
            missing = [p for p in players if p not in formation.order]
            if missing:
                raise ScenarioError(origin, "formation.order", "every candidate must be in the order",
                                    expected=f"each candidate once ({missing[0]} is missing)", got=formation.order)
            order = [players.index(p) for p in formation.order]
    return Prepared(study, origin, tmpl, players, order, exact)


def load_coalitions(path: str | Path, **changes: Any) -> Prepared:
    """The coalitions file ``path``, checked (``changes`` replace its top-level keys, e.g.
    ``replications``)."""
    path = Path(path)
    study = load_study(path, CoalitionStudy)
    if changes:
        study = read_study(study.model_dump() | changes, CoalitionStudy, str(path))
    return prepare(study, path.parent, str(path))


def coalitions(
    file: str | Path | Prepared, *, out: str | Path | None = None, executor: Any = None, resume: bool = False,
    force: bool = False, progress: bool = True, figures: bool = True, command: list[str] | None = None,
) -> CoalitionResults:
    """Run the coalitions analysis of ``file`` into ``out`` (default ``results/<name>``)."""
    executor = checked_executor(executor)
    out = checked_path(out, "out") if out is not None else None
    prepared = file if isinstance(file, Prepared) else load_coalitions(checked_path(file, "file"))
    study = prepared.study
    path = out if out is not None else RESULTS_DIR / study.name
    with open_analysis(path, "coalitions", prepared.settings(), command or [], resume=resume,
                       force=force) as folder:
        runner = GameRunner(prepared.template, prepared.players, folder.path / "runs", study.replications,
                            prepared.template.scenario.seed, executor=executor, progress=progress)
        result = _values(prepared, runner, path)
        if figures:
            from model.strategy.figures import coalition_figures

            coalition_figures(result, folder.figures(), prepared.players, study.replications)
        folder.finish(result.tables())
    return result


def _values(prepared: Prepared, runner: GameRunner, path: Path) -> CoalitionResults:
    """Shapley values per layer, and formation when the file asks."""
    study = prepared.study
    values, checks, tables = [], [], []
    games: dict[str, Game] = {}
    for layer in study.layers:
        game = exact_game(runner, layer) if prepared.exact else Game(layer, prepared.players)
        table, check = shapley_table(game, prepared.exact, study.sampling.model_dump(), runner)
        values.append(table)
        checks.append(check)
        tables.append(coalition_table(game))
        games[layer] = game
    result = CoalitionResults(path, pd.concat(values, ignore_index=True), pd.concat(checks, ignore_index=True),
                              pd.concat(tables, ignore_index=True))
    if study.formation is not None:
        base = games["all"] if "all" in games else exact_game(runner, "all")
        result.formation, result.membership = _formation(prepared, runner, base)
    return result


def _formation(prepared: Prepared, runner: GameRunner, base: Game) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stable coalitions and accession per variant and weight (uniform weights), plus the revealed-
    preference weights when the file names a data column."""
    formation = prepared.study.formation
    variants = [(SCENARIO_VARIANT, base)]
    for v in formation.variants:
        design = Design(enforcement=v.enforcement, extraterritorial=v.extraterritorial, no_undercut=v.no_undercut)
        variant_runner = GameRunner(runner.template, runner.players, runner.folder / f"variant-{v.name}",
                                    runner.replications, runner.seed, design, runner.executor, runner.progress)
        variants.append((v.name, exact_game(variant_runner, "all")))
    n = len(prepared.players)
    rows = []
    for name, game in variants:
        for weight in sorted({*formation.weights, formation.weight}):
            rows += formation_rows(game, np.full(n, weight), prepared.order, formation.tolerance,
                                   variant=name, weight=weight, rule="uniform")
        if formation.weight_from is not None:
            weights = revealed_weights(prepared.players, formation.weight_from, formation.weight_member,
                                       formation.weight_other)
            rows += formation_rows(game, weights, prepared.order, formation.tolerance, variant=name,
                                   weight=np.nan, rule=f"revealed:{formation.weight_from}")
    table = pd.DataFrame(rows)
    return table, membership_share(table[table["rule"] == "uniform"], prepared.players)
