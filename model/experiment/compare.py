"""Paired replications of policy scenarios against their no-controls baselines.

Replicate ``i`` of every scenario and of its baseline uses the same seed, and the model's random
streams are separate per process, so unrest shocks and R&D luck are identical within a pair
(common random numbers).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from model.experiment.executors import execute
from model.experiment.metrics import half_width, paired_metrics, summarise
from model.experiment.runner import RunRecord, RunSpec
from model.experiment.seeds import replicate_seeds
from model.scenario import Scenario, check_distinct


@dataclass
class Comparison:
    """The tables of a comparison (tidy: one row per run, replicate, step or flow)."""

    runs: pd.DataFrame
    per_replication: pd.DataFrame
    summary: pd.DataFrame
    timeseries: pd.DataFrame
    flows: pd.DataFrame
    regimes: pd.DataFrame  # per scenario, step and target regime: capability mean and 95% interval
    settings: dict[str, Any] = field(default_factory=dict)


class ExperimentError(RuntimeError):
    """Every run of an experiment failed."""


def kwargs_key(kwargs: dict[str, Any]) -> str:
    """A canonical text form of model arguments (to recognise identical runs)."""
    plain = {k: v.model_dump(mode="json") if hasattr(v, "model_dump") else str(v) for k, v in kwargs.items()}
    return json.dumps(plain, sort_keys=True)


def plan(scenarios: Sequence[Scenario], seeds: list[int]) -> list[RunSpec]:
    """The runs: one shared baseline run per distinct baseline and seed, and every policy run."""
    baselines: dict[str, tuple[str, dict]] = {}
    for s in scenarios:
        kwargs = s.baseline().model_kwargs()
        baselines.setdefault(kwargs_key(kwargs), (f"{s.name}:baseline", kwargs))
    if len(baselines) == 1:
        key = next(iter(baselines))
        own = next((s.name for s in scenarios if s.policies.is_empty), "baseline")
        baselines[key] = (own, baselines[key][1])
    policies = [s for s in scenarios if not s.policies.is_empty]
    specs = []
    for r, seed in enumerate(seeds):
        for label, kwargs in baselines.values():
            specs.append(RunSpec(f"{label}/{r}", label, "baseline", r, seed, kwargs, keep_regimes=True))
        for s in policies:
            specs.append(RunSpec(f"{s.name}/{r}", s.name, "policy", r, seed, s.model_kwargs(),
                                 keep_flows=True, keep_regimes=True))
    return specs


def compare(
    scenarios: Sequence[Scenario],
    *,
    replications: int | None = None,
    seed: int | None = None,
    executor: Any = "processes",
    progress: bool = True,
) -> Comparison:
    """Run every scenario paired with its baseline; replications and seed default to the first scenario's."""
    scenarios = list(scenarios)
    check_distinct(scenarios)
    n = replications if replications is not None else scenarios[0].replications
    master = seed if seed is not None else scenarios[0].seed
    seeds = replicate_seeds(master, n)
    specs = plan(scenarios, seeds)
    records: list[RunRecord] = []
    with tqdm(total=len(specs), desc="runs", unit="run", disable=not progress) as bar:
        for record in execute(specs, executor):
            records.append(record)
            bar.update()
    records.sort(key=lambda r: (r.spec.replicate, r.spec.role != "baseline", r.spec.run_id))
    if not any(r.ok for r in records):
        raise ExperimentError(f"every run failed; the first: {records[0].error}")
    settings = {
        "replications": n,
        "seed": master,
        "seeds": seeds,
        "scenarios": {s.name: s.resolved() for s in scenarios},
    }
    return _tables(scenarios, records, settings)


def run_scenario(
    scenario: Scenario, *, replications: int | None = None, seed: int | None = None,
    executor: Any = "processes", progress: bool = True,
) -> Comparison:
    """One scenario paired with its baseline."""
    return compare([scenario], replications=replications, seed=seed, executor=executor, progress=progress)


def _tables(scenarios: list[Scenario], records: list[RunRecord], settings: dict) -> Comparison:
    runs = pd.DataFrame([
        {"run_id": r.spec.run_id, "scenario": r.spec.scenario, "role": r.spec.role,
         "replicate": r.spec.replicate, "seed": r.spec.seed, "seconds": r.seconds, "error": r.error}
        for r in records
    ])
    series = [
        r.timeseries.reset_index().assign(scenario=r.spec.scenario, role=r.spec.role,
                                          replicate=r.spec.replicate, seed=r.spec.seed)
        for r in records if r.ok
    ]
    timeseries = pd.concat(series, ignore_index=True)
    front = ["scenario", "role", "replicate", "seed", "step", "date"]
    timeseries = timeseries[front + [c for c in timeseries if c not in front]]

    baselines = {
        (r.spec.replicate, kwargs_key(r.spec.model_kwargs)): r
        for r in records if r.ok and r.spec.role == "baseline"
    }
    rows, flows = [], []
    scenario_by_name = {s.name: s for s in scenarios}
    for r in records:
        if not (r.ok and r.spec.role == "policy"):
            continue
        s = scenario_by_name[r.spec.scenario]
        base = baselines.get((r.spec.replicate, kwargs_key(s.baseline().model_kwargs())))
        if base is None:
            continue
        metrics = paired_metrics(r.timeseries.iloc[-1], r.report, base.timeseries.iloc[-1], base.report,
                                 r.controlling)
        rows.append({"scenario": s.name, "replicate": r.spec.replicate, "seed": r.spec.seed, **metrics})
        if r.flows is not None and len(r.flows):
            flows.append(r.flows.assign(scenario=s.name, replicate=r.spec.replicate))
    order = {s.name: i for i, s in enumerate(scenarios)}
    per_replication = pd.DataFrame(rows)
    if rows:
        per_replication = per_replication.sort_values(
            ["scenario", "replicate"], key=lambda col: col.map(order) if col.name == "scenario" else col,
            ignore_index=True,
        )
    summary = summarise(per_replication) if rows else pd.DataFrame()
    regimes = pd.concat(
        [r.regimes.assign(scenario=r.spec.scenario) for r in records if r.ok and r.regimes is not None],
        ignore_index=True,
    )
    return Comparison(runs, per_replication, summary, timeseries, _mean_flows(flows, settings["replications"]),
                      _regime_bands(regimes), settings)


def _regime_bands(regimes: pd.DataFrame) -> pd.DataFrame:
    """Mean and 95% interval of each regime's capability per scenario and step."""
    bands = regimes.groupby(["scenario", "step", "iso3"], sort=False)["capability"].agg(["mean", "std", "count"])
    half = half_width(bands["std"].fillna(0.0), bands["count"])
    return pd.DataFrame({"capability": bands["mean"], "capability_low": bands["mean"] - half,
                         "capability_high": bands["mean"] + half}).reset_index()


def _mean_flows(flows: list[pd.DataFrame], replications: int) -> pd.DataFrame:
    """Flows summed over replicates and divided by their number (mean per replicate)."""
    if not flows:
        return pd.DataFrame(columns=["scenario", "exporter", "hub", "buyer", "route", "acquired"])
    keys = ["scenario", "exporter", "hub", "buyer", "route"]
    table = pd.concat(flows).groupby(keys, as_index=False)["acquired"].sum()
    table["acquired"] /= replications
    return table
