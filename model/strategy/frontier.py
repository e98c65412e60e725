"""The cost-effectiveness frontier: denial effectiveness bought against revenue lost by
controlling-country vendors, over a design space of agreements (which partners join, which layers
are controlled, enforcement, extraterritorial rules, the no-undercut commitment).

Small spaces are searched exhaustively; large ones with NSGA-II (pymoo), seeded. Every design runs
on the same replicate seeds as every other (common random numbers) and the Pareto-efficient designs
are those no other evaluated design beats on both mean outcomes; each carries 95% intervals over
replicates. Named regimes (scenario files) are placed on the same axes, run with the same seeds.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.errors import ModelInputError
from model.experiment import compare
from model.experiment.engine import checked_executor, checked_path, revenue_shares
from model.experiment.metrics import summarise
from model.experiment.results import RESULTS_DIR
from model.scenario import Scenario, ScenarioError, load_scenario
from model.strategy.designs import Design, Template
from model.strategy.evaluate import evaluate
from model.strategy.files import (
    FrontierStudy,
    check_countries,
    check_leader,
    check_runs,
    load_study,
    load_template,
    read_study,
)
from model.strategy.results import open_analysis

OBJECTIVES = ("denial_effectiveness", "revenue_lost")


@dataclass
class FrontierResults:
    """Every evaluated design with its mean outcomes and intervals (``pareto`` marks the frontier),
    and the named regimes on the same seeds."""

    folder: Path
    designs: pd.DataFrame
    regimes: pd.DataFrame

    @property
    def frontier(self) -> pd.DataFrame:
        return self.designs[self.designs["pareto"]].sort_values("revenue_lost", ignore_index=True)


@dataclass(frozen=True)
class Prepared:
    """A checked frontier file."""

    study: FrontierStudy
    origin: str
    template: Template
    regimes: list[Scenario]
    exhaustive: bool

    def settings(self) -> dict[str, Any]:
        return {"study": self.study.model_dump(mode="json"), "origin": self.origin,
                "scenario": self.template.scenario.resolved(), "leader": self.template.leader,
                "regimes": [s.resolved() for s in self.regimes], "exhaustive": self.exhaustive}


def prepare(study: FrontierStudy, folder: Path, origin: str) -> Prepared:
    """Check ``study`` against its scenario and the world before anything runs."""
    tmpl = load_template(study, folder, origin)
    space = study.space
    exporters = list(revenue_shares(tmpl.scenario).index)
    check_leader(tmpl, exporters, origin)
    check_countries(space.partners, exporters, "space.partners", origin)
    if tmpl.leader in space.partners:
        raise ScenarioError(origin, f"space.partners[{space.partners.index(tmpl.leader)}]",
                            "the leader is always a member; list only its potential partners", got=tmpl.leader)
    for key in ("layers", "enforcement", "extraterritorial", "no_undercut"):
        if not getattr(space, key):
            raise ScenarioError(origin, f"space.{key}", "empty design space",
                                expected="at least one value", got=[])
    exhaustive = study.search.method == "exhaustive" or (
        study.search.method == "auto" and space.size <= study.search.max_exhaustive)
    if exhaustive:
        check_runs(space.size, study.replications, "space", origin)
    return Prepared(study, origin, tmpl, _regimes_of(study, tmpl, folder, origin), exhaustive)


def _regimes_of(study: FrontierStudy, tmpl: Template, folder: Path, origin: str) -> list[Scenario]:
    """The named regimes, each once (by file and by scenario name)."""
    regimes: list[Scenario] = []
    seen: dict[Path | str, int] = {}  # files and scenario names
    for i, name in enumerate(study.regimes):
        regime = _regime(name, f"regimes[{i}]", study, tmpl, folder, origin)
        for seen_as in ((folder / name).resolve(), regime.name):
            if seen_as in seen:
                raise ScenarioError(origin, f"regimes[{i}]", f"the same scenario as regimes[{seen[seen_as]}] "
                                    f"(name {regime.name!r})", expected="each regime once, with distinct "
                                    "scenario names", got=name)
            seen[seen_as] = i
        regimes.append(regime)
    return regimes


def _regime(name: str, key: str, study: FrontierStudy, tmpl: Template, folder: Path, origin: str) -> Scenario:
    """The regime file ``name`` with the analysis's horizon, seed and replications: a scenario with
    controls whose warm-up ends before the horizon."""
    try:
        regime = load_scenario(folder / name)
    except ModelInputError as err:
        raise ScenarioError(origin, key, f"{err}", got=name) from None
    horizon = tmpl.scenario.horizon
    if regime.warmup >= horizon:
        raise ScenarioError(origin, key, f"its warm-up ({regime.warmup} steps) is not shorter than the "
                            f"analysis's horizon ({horizon} steps), which every regime runs",
                            expected="a regime with a shorter warm-up, or a longer horizon", got=name)
    if regime.policies.is_empty:
        raise ScenarioError(origin, key, "a scenario without controls: it has no denial or revenue lost to place "
                            "on the frontier", expected="a scenario with policies", got=name)
    changes = {"horizon": horizon, "seed": tmpl.scenario.seed, "replications": study.replications}
    try:
        return Scenario.from_resolved(regime.resolved() | changes)
    except ModelInputError as err:
        raise ScenarioError(origin, key, f"with the analysis's horizon and seed: {err}", got=name) from None


def load_frontier(path: str | Path, **changes: Any) -> Prepared:
    """The frontier file ``path``, checked (``changes`` replace its top-level keys)."""
    path = Path(path)
    study = load_study(path, FrontierStudy)
    if changes:
        study = read_study(study.model_dump() | changes, FrontierStudy, str(path))
    return prepare(study, path.parent, str(path))


class DesignSpace:
    """The designs of a :class:`model.strategy.files.Space` as integer vectors: one 0/1 gene per
    partner, then the layer set (a non-empty bit mask), then indices into the enforcement,
    extraterritorial and no-undercut levels."""

    def __init__(self, study: FrontierStudy) -> None:
        self.space = study.space
        s = self.space
        self.lower = np.array([0] * len(s.partners) + [1, 0, 0, 0])
        self.upper = np.array([1] * len(s.partners) + [(1 << len(s.layers)) - 1, len(s.enforcement) - 1,
                                                       len(s.extraterritorial) - 1, len(s.no_undercut) - 1])

    def design(self, genes: np.ndarray) -> Design:
        s, n = self.space, len(self.space.partners)
        genes = [int(g) for g in genes]
        return Design(partners=tuple(p for p, g in zip(s.partners, genes[:n]) if g),
                      items=tuple(layer for i, layer in enumerate(s.layers) if genes[n] >> i & 1),
                      enforcement=s.enforcement[genes[n + 1]], extraterritorial=s.extraterritorial[genes[n + 2]],
                      no_undercut=s.no_undercut[genes[n + 3]])

    def every(self) -> list[Design]:
        ranges = [range(lo, hi + 1) for lo, hi in zip(self.lower, self.upper)]
        return [self.design(np.array(g)) for g in itertools.product(*ranges)]


class Evaluator:
    """Evaluates designs in numbered batches (each a resumable sweep) and remembers every result."""

    def __init__(self, prepared: Prepared, folder: Path, executor: Any, progress: bool) -> None:
        self.prepared, self.folder, self.executor, self.progress = prepared, folder, executor, progress
        self.designs: list[Design] = []
        self.outcomes: list[pd.DataFrame] = []

    def __call__(self, designs: list[Design]) -> np.ndarray:
        """``(len(designs), 2)``: mean denial and mean revenue lost of each design."""
        new = [d for d in dict.fromkeys(designs) if d not in self.designs]
        if new:
            batch = self.folder / f"batch-{len(self.outcomes) + 1:04d}"
            study = self.prepared.study
            table = evaluate(self.prepared.template, new, batch, replications=study.replications,
                             seed=self.prepared.template.scenario.seed, executor=self.executor,
                             progress=self.progress)
            table["design_id"] += len(self.designs)
            self.designs += new
            self.outcomes.append(table)
        means = self.table().groupby("design_id")[list(OBJECTIVES)].mean()
        return means.loc[[self.designs.index(d) for d in designs]].to_numpy()

    def table(self) -> pd.DataFrame:
        return pd.concat(self.outcomes, ignore_index=True)


def search_nsga2(space: DesignSpace, evaluator: Evaluator, study: FrontierStudy) -> None:
    """Run NSGA-II over the integer genes (pymoo), maximising denial and minimising revenue lost."""
    from pymoo.algorithms.moo.nsga2 import NSGA2
    from pymoo.core.problem import Problem
    from pymoo.operators.crossover.sbx import SBX
    from pymoo.operators.mutation.pm import PM
    from pymoo.operators.repair.rounding import RoundingRepair
    from pymoo.operators.sampling.rnd import IntegerRandomSampling
    from pymoo.optimize import minimize

    class Designs(Problem):
        def __init__(self) -> None:
            super().__init__(n_var=len(space.lower), n_obj=2, xl=space.lower, xu=space.upper, vtype=int)

        def _evaluate(self, x: np.ndarray, out: dict[str, Any], *args: Any, **kwargs: Any) -> None:
            values = evaluator([space.design(row) for row in np.round(x).astype(int)])
            out["F"] = np.column_stack([-values[:, 0], values[:, 1]])

    search = study.search
    algorithm = NSGA2(pop_size=search.population, sampling=IntegerRandomSampling(),
                      crossover=SBX(prob=0.9, eta=3.0, vtype=float, repair=RoundingRepair()),
                      mutation=PM(eta=3.0, vtype=float, repair=RoundingRepair()), eliminate_duplicates=True)
    minimize(Designs(), algorithm, ("n_gen", search.generations), seed=search.seed, verbose=False)


def pareto(means: np.ndarray) -> np.ndarray:
    """Per row of (denial, revenue lost): whether no other row has at least its denial at no more
    revenue lost, and strictly better in one."""
    from pymoo.util.nds.non_dominated_sorting import NonDominatedSorting

    front = NonDominatedSorting().do(np.column_stack([-means[:, 0], means[:, 1]]),
                                     only_non_dominated_front=True)
    flags = np.zeros(len(means), bool)
    flags[front] = True
    return flags


def frontier(
    file: str | Path | Prepared, *, out: str | Path | None = None, executor: Any = None, resume: bool = False,
    force: bool = False, progress: bool = True, figures: bool = True, command: list[str] | None = None,
) -> FrontierResults:
    """Run the frontier analysis of ``file`` into ``out`` (default ``results/<name>``)."""
    executor = checked_executor(executor)
    out = checked_path(out, "out") if out is not None else None
    prepared = file if isinstance(file, Prepared) else load_frontier(checked_path(file, "file"))
    study = prepared.study
    path = out if out is not None else RESULTS_DIR / study.name
    with open_analysis(path, "frontier", prepared.settings(), command or [], resume=resume,
                       force=force) as folder:
        space = DesignSpace(study)
        evaluator = Evaluator(prepared, folder.runs("designs"), executor, progress)
        if prepared.exhaustive:
            evaluator(space.every())
        else:
            search_nsga2(space, evaluator, study)
        result = FrontierResults(path, _design_table(evaluator), _regimes(prepared, executor, progress))
        if figures:
            from model.strategy.figures import frontier_figure, save

            save(frontier_figure(result, study.replications), folder.figures(), "frontier")
        folder.finish({"designs": result.designs, "regimes": result.regimes})
    return result


def _design_table(evaluator: Evaluator) -> pd.DataFrame:
    summary = summarise(evaluator.table()[["design_id", "replicate", *OBJECTIVES]], by="design_id")
    summary = summary.drop(columns=["design_id_low", "design_id_high"]).sort_values("design_id", ignore_index=True)
    info = pd.DataFrame([{"design_id": i, "label": d.label(), "partners": "+".join(d.partners),
                          "layers": "+".join(d.items or ()), "enforcement": d.enforcement,
                          "extraterritorial": d.extraterritorial, "no_undercut": d.no_undercut}
                         for i, d in enumerate(evaluator.designs)])
    table = info.merge(summary, on="design_id")
    table["pareto"] = pareto(table[list(OBJECTIVES)].to_numpy())
    return table


def _regimes(prepared: Prepared, executor: Any, progress: bool) -> pd.DataFrame:
    if not prepared.regimes:
        return pd.DataFrame()
    comparison = compare(prepared.regimes, executor=executor or "serial", progress=progress)
    columns = ["scenario", "replications"] + [f"{m}{s}" for m in OBJECTIVES for s in ("", "_low", "_high")]
    return comparison.summary[columns]
