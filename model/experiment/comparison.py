"""Paired replications of policy scenarios against their no-controls baselines.

A comparison is an experiment whose design points are scenarios (:class:`ScenarioSet`): it is
planned, run, stored and resumed by the same engine as a sweep. Replicate ``i`` of every scenario
and of its baseline uses the same seed, and the model's random streams are separate per process, so
unrest shocks and R&D luck are identical within a pair (common random numbers).
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from model.errors import ModelInputError
from model.experiment.arguments import checked_counts, checked_executor, checked_path, checked_scenarios
from model.experiment.collect import RUNS_SCHEMA, collect, gathered
from model.experiment.execute import ExperimentError, run_plan
from model.experiment.folders import (
    folder_of,
    manifest_tables,
    read_listed,
    read_manifest,
    write_atomically,
    write_tables,
)
from model.experiment.manifest import build_manifest, require_intact_settings
from model.experiment.metrics import half_width, metric_names, regime_metric_columns, summarise
from model.experiment.outcomes import records
from model.experiment.plan import Plan, plan
from model.experiment.store import Store
from model.scenario import BASELINE, Scenario, is_baseline
from model.simulation import REGIME_FIELDS, RunEnd
from model.simulation.result import regime_key

__all__ = ["Comparison", "ExperimentError", "ScenarioSet", "compare", "run_scenario"]

TABLES = {
    "summary": "summary",
    "per_replication": "replications",
    "timeseries": "timeseries",
    "runs": "runs",
    "baselines": "baselines",
    "flows": "flows",
    "regimes": "regimes",
    "per_regime": "per_regime",
}
"""Comparison attribute -> table name in its results folder (``baselines`` since runs schema 2,
:data:`model.experiment.collect.RUNS_SCHEMA`)."""
IDENTITY = ("scenarios", "replications", "seed", "seeds")
"""Manifest entries that must agree for ``resume`` to continue a comparison folder (the seeds follow
from the replications and the master seed, which are named first when they differ)."""


@dataclass
class Comparison:
    """The tables of a comparison (tidy: one row per run, replicate, step or flow)."""

    runs: pd.DataFrame
    per_replication: pd.DataFrame
    summary: pd.DataFrame
    timeseries: pd.DataFrame
    flows: pd.DataFrame
    regimes: pd.DataFrame  # per scenario, step and target regime: capability mean and 95% interval
    per_regime: pd.DataFrame  # per scenario and target regime: denial and leakage, mean and 95% interval
    baselines: pd.DataFrame = field(default_factory=pd.DataFrame)  # per baseline run: its end-of-run values
    settings: dict[str, Any] = field(default_factory=dict)
    runs_schema: int = RUNS_SCHEMA  # of the runs and baselines tables (model.experiment.collect)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by their name in a results folder (no ``baselines`` in runs schema 1)."""
        return {name: getattr(self, attribute) for attribute, name in TABLES.items()
                if name != "baselines" or self.runs_schema >= 2}

    def save(self, path: str | Path, *, force: bool = False, command: list[str] | None = None) -> Path:
        """Write the tables, ``columns.csv`` and the manifest to the results folder ``path``
        (complete or not at all; an existing folder is replaced only with ``force`` and only if
        this tool wrote it)."""
        settings = {k: v for k, v in self.settings.items() if k in ("replications", "seed", "seeds", "scenarios")}

        def fill(folder: Path) -> dict[str, Any]:
            manifest = build_manifest("comparison", settings, command or [])
            return {**manifest, "status": "complete", "runs_schema": self.runs_schema,
                    **manifest_tables(write_tables(folder, self.tables()))}

        return write_atomically(Path(path), "comparison", fill, force=force)

    @classmethod
    def load(cls, path: str | Path) -> Comparison:
        """The comparison stored in the results folder ``path``."""
        folder = folder_of(path)
        manifest = read_manifest(folder, ("comparison",))
        if manifest.get("status", "complete") != "complete":
            raise ModelInputError(str(folder), "the comparison has not finished",
                                  expected="a finished comparison (run it again to resume it)")
        schema = manifest.get("runs_schema", 1)
        tables = {attribute: read_listed(folder, manifest, name) for attribute, name in TABLES.items()
                  if name != "baselines" or schema >= 2}
        require_intact_settings(manifest, str(folder / "manifest.json"))  # figures read the scenarios
        try:
            scenarios = [Scenario.from_resolved(data) for data in manifest["scenarios"].values()]
        except (KeyError, TypeError, AttributeError, ModelInputError) as exc:
            raise ModelInputError(f"{folder / 'manifest.json'}: scenarios", "damaged manifest: the scenarios "
                                  f"cannot be read back ({type(exc).__name__})") from None
        if not scenarios:
            raise ModelInputError(f"{folder / 'manifest.json'}: scenarios", "damaged manifest: no scenarios")
        return cls(settings=manifest, runs_schema=schema, **tables)

    @classmethod
    def written(cls, tables: Mapping[str, pd.DataFrame]) -> Comparison:
        """The comparison whose results folder was just written with ``tables`` (by their names in
        the folder, as reading it gives them), without reading it back."""
        return cls(**{attribute: tables[name] for attribute, name in TABLES.items()})

    def plot(self, folder: str | Path, only: str | Sequence[str] | None = None,
             formats: Sequence[str] = ("png",), **options: Any) -> list[Path]:
        """Draw the comparison's figures (or only those named) into ``folder``; returns the files
        (see :func:`model.analysis.report.draw_figures`)."""
        from model.analysis.report import draw_figures  # the one upward import: see docs/architecture.md

        return draw_figures(self, Path(folder), only=only, formats=formats, **options)


class ScenarioSet:
    """Scenarios as the design points of an experiment: each scenario with policies is a point; a
    scenario without policies contributes only its baseline."""

    role: ClassVar[str] = "policy"

    def __init__(self, scenarios: Sequence[Scenario]) -> None:
        self.scenarios = list(scenarios)
        if not self.scenarios:
            raise ModelInputError("scenarios", "nothing to compare", expected="at least one scenario")
        seen: dict[str, Scenario] = {}
        for s in self.scenarios:
            if s.name in seen:
                raise ModelInputError(f"{s.origin}: name", f"a second scenario named {s.name!r} (the first is "
                                      f"{seen[s.name].origin})", expected="distinct scenario names")
            if not s.policies.is_empty and is_baseline(s.name):
                raise ModelInputError(f"{s.origin}: name", "names the no-controls runs a scenario with policies "
                                      "is paired with", expected="another name", got=s.name)
            seen[s.name] = s

    def __len__(self) -> int:
        return len(self.scenarios)

    def scenario(self, point: int) -> Scenario:
        return self.scenarios[point]

    def runs_itself(self, point: int) -> bool:
        return not self.scenarios[point].policies.is_empty

    def label(self, point: int) -> str:
        return self.scenarios[point].name

    def baseline_label(self, baseline: int, point: int, n_baselines: int) -> str:
        """``baseline`` when the scenarios share one, else ``<scenario>:baseline`` (what the figures
        recognise as a baseline, whatever a policy-free scenario is named)."""
        return BASELINE if n_baselines == 1 else f"{self.scenarios[point].name}:{BASELINE}"

    # --- what the one collect asks (model.experiment.collect) ---------------------------------------
    columns: ClassVar[list[str]] = []  # the scenario is the design point: no parameter columns

    @property
    def metrics(self) -> list[str]:
        return metric_names()

    @property
    def headline(self) -> dict[str, str]:
        return {s.name: s.headline for s in self.scenarios}

    def values_table(self, plan: Plan) -> pd.DataFrame:
        return pd.DataFrame({"point_id": range(len(self.scenarios))})

    def tables(self, plan: Plan, store: Store, ends: pd.DataFrame, runs: pd.DataFrame) -> dict[str, pd.DataFrame]:
        """A comparison's own tables (see :class:`Comparison`)."""
        return comparison_tables(plan, store, ends, runs)


def compare(
    scenarios: Sequence[Scenario | str | Path],
    *,
    replications: int | None = None,
    seed: int | None = None,
    executor: Any = "processes",
    progress: bool = True,
    out: str | Path | None = None,
    resume: bool = False,
    force: bool = False,
    command: list[str] | None = None,
) -> Comparison:
    """Run every scenario (a :class:`Scenario` or a scenario file's path) paired with its baseline;
    replications and seed default to the first scenario's. With ``out`` the runs are stored in that
    results folder as they finish (``resume`` continues an interrupted comparison there; ``force``
    replaces a folder this tool wrote)."""
    counts = checked_counts(replications=replications, seed=seed)
    executor = checked_executor(executor)
    out = checked_path(out, "out") if out is not None else None
    design = ScenarioSet(checked_scenarios(scenarios))
    first = design.scenarios[0]
    n = counts.replications if counts.replications is not None else first.replications
    master = counts.seed if counts.seed is not None else first.seed
    runs = plan(design, master, n, paired=True, keep_flows=True, keep_regimes=True)
    settings = {"replications": n, "seed": master, "seeds": runs.seeds,
                "scenarios": {s.name: s.resolved() for s in design.scenarios}}
    options = {"kind": "comparison", "settings": settings, "identity": IDENTITY, "collect": collect,
               "executor": executor, "progress": progress, "command": command}
    with contextlib.ExitStack() as stack:
        if out is not None:
            folder, storage = Path(out), {"resume": resume, "force": force}
        else:  # a folder of its own, removed afterwards
            folder, storage = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="comparison-"))) / "comparison", {}
        written = run_plan(runs, folder, read_back=True, **storage, **options)
        comparison = Comparison.written(written) if written else Comparison.load(folder)  # else: complete before
    comparison.settings = settings
    return comparison


def run_scenario(
    scenario: Scenario | str | Path, *, replications: int | None = None, seed: int | None = None,
    executor: Any = "processes", progress: bool = True, **storage: Any,
) -> Comparison:
    """One scenario paired with its baseline (``storage``: ``out``, ``resume``, ``force`` as for :func:`compare`)."""
    return compare([scenario], replications=replications, seed=seed, executor=executor, progress=progress,
                   **storage)


def comparison_tables(plan: Plan, store: Store, ends: pd.DataFrame, runs: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """A comparison's tables besides ``runs`` and ``baselines`` (:func:`model.experiment.collect.collect`)
    from the end rows of every run (``ends``) and the ``runs`` table."""
    if ends["error"].notna().all():
        raise ExperimentError(f"every run failed; the first: {ends['error'].iloc[0]}")
    design: ScenarioSet = plan.design  # type: ignore[assignment]
    ends = ends.sort_values(["replicate", "role", "run_id"], key=_baselines_first, ignore_index=True)
    order = ends["run_id"].tolist()
    identity = ends[["run_id", "scenario", "role", "replicate", "seed"]]

    series = identity.merge(gathered(store, "series", order), on="run_id").drop(columns="run_id")
    front = ["scenario", "role", "replicate", "seed", "step", "date"]
    timeseries = series[front + [c for c in series if c not in front]]

    paired_runs = runs[runs["error"].isna()]
    per_replication = paired_runs[["scenario", "replicate", "seed", *design.metrics]].reset_index(drop=True)
    position = {s.name: i for i, s in enumerate(design.scenarios)}
    flows = gathered(store, "flows", order)
    flows = identity[["run_id", "scenario"]].merge(flows[flows["run_id"].isin(set(paired_runs["run_id"]))],
                                                   on="run_id")
    regimes = identity[["run_id", "scenario"]].merge(gathered(store, "regimes", order), on="run_id")
    summary = summarise(per_replication) if len(per_replication) else pd.DataFrame()
    if len(summary):
        summary.insert(1, "headline", summary["scenario"].map(design.headline))
    policy = ends[ends["run_id"].isin(set(paired_runs["run_id"]))].merge(
        paired_runs[["run_id", "baseline_run_id"]], on="run_id")
    return {
        "summary": summary,
        "replications": per_replication,
        "timeseries": timeseries,
        "flows": _mean_flows(flows.drop(columns="run_id"), len(plan.seeds)),
        "regimes": _regime_bands(regimes.drop(columns="run_id")),
        "per_regime": _per_regime(policy, ends[ends["role"] == "baseline"], position),
    }


def _baselines_first(column: pd.Series) -> pd.Series:
    return column.ne("baseline") if column.name == "role" else column


def _regime_bands(regimes: pd.DataFrame) -> pd.DataFrame:
    """Mean and 95% interval of each regime's capability per scenario and step."""
    bands = regimes.groupby(["scenario", "step", "iso3"], sort=False)["capability"].agg(["mean", "std", "count"])
    half = half_width(bands["std"].fillna(0.0), bands["count"])
    return pd.DataFrame({"capability": bands["mean"], "capability_low": bands["mean"] - half,
                         "capability_high": bands["mean"] + half}).reset_index()


def _per_regime(policy: pd.DataFrame, baselines: pd.DataFrame, position: dict[str, int]) -> pd.DataFrame:
    """Per scenario and target regime: population, ``own_vendors``, and the mean and 95% interval over
    replicates of ``denial`` and ``leakage_rate`` (:func:`~model.experiment.metrics.regime_metric_columns`
    of each policy run's end row against its baseline's)."""
    columns = ["scenario", "iso3", "population", "own_vendors", "replications", "denial", "denial_low",
               "denial_high", "leakage_rate", "leakage_rate_low", "leakage_rate_high"]
    regime_columns = [c for c in policy if c.startswith(tuple(regime_key(field, "") for field in REGIME_FIELDS))]
    base = {run["run_id"]: RunEnd.of_row(run).regimes
            for run in records(baselines[["run_id", *regime_columns]])}
    runs = records(policy[["scenario", "replicate", "baseline_run_id", *regime_columns]])
    pairs = [regime_metric_columns(RunEnd.of_row(run).regimes, base[run["baseline_run_id"]]) for run in runs]
    if not pairs:
        return pd.DataFrame(columns=columns)
    sizes = [len(pair["iso3"]) for pair in pairs]
    table = pd.DataFrame({
        "iso3": pd.Series(np.concatenate([pair["iso3"] for pair in pairs]), dtype=object),  # object, as regime_metrics gives it
        **{name: np.concatenate([pair[name] for pair in pairs])
           for name in ("population", "own_vendors", "denial", "leakage_rate")},
        "scenario": np.repeat([run["scenario"] for run in runs], sizes),
        "replicate": np.repeat([run["replicate"] for run in runs], sizes),
    })
    bands = summarise(table[["scenario", "iso3", "replicate", "denial", "leakage_rate"]], by=["scenario", "iso3"])
    facts = table.drop_duplicates(["scenario", "iso3"])[["scenario", "iso3", "population", "own_vendors"]]
    bands = bands.merge(facts, on=["scenario", "iso3"])[columns]
    return bands.sort_values(["scenario", "iso3"], key=lambda col: col.map(position) if col.name == "scenario" else col,
                             ignore_index=True)


def _mean_flows(flows: pd.DataFrame, replications: int) -> pd.DataFrame:
    """Flows summed over replicates and divided by their number (mean per replicate)."""
    keys = ["scenario", "exporter", "hub", "buyer", "route"]
    if not len(flows):
        return pd.DataFrame(columns=[*keys, "acquired"])
    table = flows.groupby(keys, as_index=False)["acquired"].sum()
    table["acquired"] /= replications
    return table
