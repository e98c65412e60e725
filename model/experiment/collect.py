"""The one collect: an experiment's tables (a comparison's or a sweep's) put together from its stored
parts, with one ``runs`` schema for every design.

- ``runs`` (:data:`RUNS_SCHEMA`): one row per run with the design's policies (a comparison's
  scenario, a sweep's point): ``run_id``, ``point_id``, ``scenario`` (the run's label: the
  comparison's scenario, the sweep point's ``p<id>``), ``replicate``, ``seed``, the design's
  parameter columns (a sweep's; lists as JSON text), the metrics (paired: against the baseline on
  the same seed), (``baseline_run_id``,) ``seconds`` and ``error``; ordered by point and replicate.
- ``baselines`` (paired experiments): one row per baseline run: ``run_id``, ``baseline_id``,
  ``scenario`` (its label), ``replicate``, ``seed``, ``seconds``, ``error`` and every end-of-run value.
- the design's own tables (:meth:`Collected.tables`): a comparison's summary, replications,
  timeseries, flows, regimes and per_regime (:mod:`model.experiment.comparison`); a sweep's points
  and timeseries (:mod:`model.experiment.points`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from model.experiment.outcomes import paired
from model.experiment.plan import Plan, Points
from model.experiment.store import Store

RUNS_SCHEMA = 2
"""The version of the ``runs`` and ``baselines`` tables, recorded in every manifest as ``runs_schema``.
1 (folders written before it was recorded): a comparison's ``runs`` listed every run with its
``role`` and no metrics, and it had no ``baselines``; a sweep's ``runs`` had no ``scenario``."""

IDENTITY = ["run_id", "point_id", "scenario", "replicate", "seed"]
"""The first columns of ``runs``."""
BASELINE_IDENTITY = ["run_id", "baseline_id", "scenario", "replicate", "seed", "seconds", "error"]
"""The first columns of ``baselines``."""
_NOT_VALUES = ("role", "controlling", "point_id")


class IncompleteSweepError(RuntimeError):
    """The stored parts do not hold every run of the plan exactly once."""


class Collected(Points, Protocol):
    """What the one collect asks of a design besides what the planner does."""

    @property
    def columns(self) -> list[str]:
        """The parameter columns of ``runs`` (none for a comparison)."""
        ...

    @property
    def metrics(self) -> list[str]:
        """The metric columns of ``runs``."""
        ...

    @property
    def headline(self) -> str | dict[str, str]:
        """The denial measure reported as ``denial_effectiveness``: one, or one per scenario."""
        ...

    def values_table(self, plan: Plan) -> pd.DataFrame:
        """``point_id`` and the parameter columns of every point, as stored."""
        ...

    def tables(self, plan: Plan, store: Store, ends: pd.DataFrame, runs: pd.DataFrame) -> dict[str, pd.DataFrame]:
        """The design's own tables, from the stored end rows ``ends`` and the ``runs`` table."""
        ...


def collect(plan: Plan, store: Store) -> dict[str, pd.DataFrame]:
    """Every table of the experiment ``plan`` from ``store``'s parts (every run must be stored once)."""
    design: Collected = plan.design  # type: ignore[assignment]
    ends = stored_runs(plan, store)
    runs, baselines = run_tables(plan, ends)
    own = design.tables(plan, store, ends, runs)
    return {"runs": runs, **({} if baselines is None else {"baselines": baselines}), **own}


def run_tables(plan: Plan, ends: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """``(runs, baselines)`` from the end rows of every run (``baselines`` None when unpaired)."""
    design: Collected = plan.design  # type: ignore[assignment]
    points = ends[ends["role"] == design.role]
    is_baseline = ends["role"] == "baseline"
    baselines = ends[is_baseline].rename(columns={"point_id": "baseline_id"})
    if plan.has_baselines:
        points = points.assign(baseline_run_id=[plan.baseline_run_id(plan.baseline_of[p], r)
                                                for p, r in zip(points["point_id"], points["replicate"])])
        metrics = paired(points, ends[is_baseline], design.metrics, design.headline)
    else:
        metrics = points.reindex(columns=["run_id", *design.metrics, "error"])
    tail = ["baseline_run_id", "seconds"] if plan.has_baselines else ["seconds"]
    runs = (points[IDENTITY + tail].merge(design.values_table(plan), on="point_id")
            .merge(metrics, on="run_id"))
    runs = runs[IDENTITY + design.columns + design.metrics + tail + ["error"]]
    runs = runs.sort_values(["point_id", "replicate"], ignore_index=True)
    if not plan.has_baselines:
        return runs, None
    values = [c for c in baselines if c not in [*BASELINE_IDENTITY, *_NOT_VALUES]]
    return runs, baselines[BASELINE_IDENTITY + values].sort_values(["baseline_id", "replicate"],
                                                                   ignore_index=True)


def cell(value: Any) -> Any:
    """A parameter value as a table cell: lists and tables as JSON text."""
    return json.dumps(value) if isinstance(value, (list, dict)) else value


def gathered(store: Store, name: str, order: Sequence[str]) -> pd.DataFrame:
    """The ``name`` table of every stored part, its rows in the ``order`` of their ``run_id`` (which
    lists every run the parts hold)."""
    frames = list(store.read_parts(name))
    if not frames:
        return pd.DataFrame(columns=["run_id"])
    table = pd.concat(frames, ignore_index=True)
    position = pc.index_in(pa.array(table["run_id"]), value_set=pa.array(order)).to_numpy(zero_copy_only=False)
    return table.iloc[np.argsort(position, kind="stable")].reset_index(drop=True)


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
