"""The consolidated tables of a sweep, put together from its stored parts (a comparison's are put
together in :mod:`model.experiment.compare`).

- ``runs``: one row per point run: ``run_id``, ``point_id``, ``replicate``, ``seed``, the parameter
  columns, the metrics, (``baseline_run_id``,) ``seconds`` and ``error``.
- ``points``: the design: ``point_id``, the parameter columns (and ``baseline_id``).
- ``baselines`` (paired sweeps): each baseline run's end-of-run values.
- ``timeseries``: every run's recorded steps: ``run_id``, ``role``, ``point_id``, ``baseline_id``,
  ``replicate``, ``step``, ``date`` and the series columns.

Parameter values that are lists or tables (coalition member sets) are stored as JSON text.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from model.experiment.outcomes import paired
from model.experiment.plan import Plan
from model.experiment.points import Sweep
from model.experiment.store import Store


class IncompleteSweepError(RuntimeError):
    """The stored parts do not hold every run of the plan exactly once."""


def collect(plan: Plan, store: Store) -> dict[str, pd.DataFrame]:
    """The consolidated tables from ``store``'s parts (every run of ``plan`` must be stored once)."""
    ends = stored_runs(plan, store)
    sweep: Sweep = plan.design  # type: ignore[assignment]
    points = points_table(plan)
    runs = ends[ends["role"] == "point"]
    baselines = ends[ends["role"] == "baseline"].rename(columns={"point_id": "baseline_id"})
    if sweep.spec.paired:
        runs = runs.assign(baseline_run_id=[plan.baseline_run_id(plan.baseline_of[p], r)
                                            for p, r in zip(runs["point_id"], runs["replicate"])])
        metrics = paired(runs, baselines, sweep.metrics, sweep.base.headline)
    else:
        metrics = runs.reindex(columns=["run_id", *sweep.metrics, "error"])
    ids = ["run_id", "point_id", "replicate", "seed"]
    tail = ["baseline_run_id", "seconds"] if sweep.spec.paired else ["seconds"]
    table = (runs[ids + tail].merge(points.drop(columns="baseline_id", errors="ignore"), on="point_id")
             .merge(metrics, on="run_id"))
    table = table[ids + sweep.columns + sweep.metrics + tail + ["error"]]
    tables = {"runs": table.sort_values(["point_id", "replicate"], ignore_index=True), "points": points}
    if sweep.spec.paired:
        front = ["run_id", "baseline_id", "replicate", "seed", "seconds", "error"]
        values = [c for c in baselines if c not in [*front, "role", "controlling", "scenario"]]
        tables["baselines"] = baselines[front + values].sort_values(["baseline_id", "replicate"],
                                                                    ignore_index=True)
    if store.has_parts("series"):  # parts read one at a time into one table, not held twice
        tables["timeseries"] = _timeseries(pd.concat(store.read_parts("series"), ignore_index=True), ends, plan)
    return tables


def points_table(plan: Plan) -> pd.DataFrame:
    """The design's points with parameter values as stored (lists as JSON text) and their baseline."""
    sweep: Sweep = plan.design  # type: ignore[assignment]
    points = sweep.design.points.copy()
    for column in sweep.columns:
        points[column] = points[column].map(cell)
    if sweep.spec.paired:
        points["baseline_id"] = plan.baseline_of
    return points


def cell(value: Any) -> Any:
    """A parameter value as a table cell: lists and tables as JSON text."""
    return json.dumps(value) if isinstance(value, (list, dict)) else value


def _timeseries(series: pd.DataFrame, ends: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    ids = ends[["run_id", "role", "point_id", "replicate"]].copy()
    is_point = ids["role"] == "point"
    ids["baseline_id"] = [plan.baseline_of[p] if point else p for p, point in zip(ids["point_id"], is_point)]
    ids["point_id"] = ids["point_id"].where(is_point, -1)
    table = ids.merge(series, on="run_id")
    return table.sort_values(["run_id", "step"], ignore_index=True)


def stored_runs(plan: Plan, store: Store) -> pd.DataFrame:
    """The end rows of every run of ``plan``, each stored exactly once (else :class:`IncompleteSweepError`)."""
    parts = list(store.read_parts("runs"))
    if not parts:
        raise IncompleteSweepError(f"0 of {plan.n_runs} runs are stored")
    ends = pd.concat(parts, ignore_index=True)
    _check_complete(ends, plan)
    return ends


def _check_complete(ends: pd.DataFrame, plan: Plan) -> None:
    repeated = ends["run_id"][ends["run_id"].duplicated()]
    if len(repeated):
        raise IncompleteSweepError(f"run {repeated.iloc[0]} is stored twice")
    if len(ends) != plan.n_runs:
        raise IncompleteSweepError(f"{len(ends)} of {plan.n_runs} runs are stored")
