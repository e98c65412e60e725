"""The one pairing: what an experiment keeps of each run, and the metrics of a run paired with
its baseline on the same seed.

Each finished run leaves one row of end-of-run values (the last recorded step merged with the
run's end-of-run report) and its time series every ``record_every`` steps. Paired experiments keep
every end-of-run value and compute :func:`model.experiment.metrics.replicate_metrics` when the
tables are put together (:func:`paired`); unpaired sweeps keep the requested metrics themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from model.errors import closest
from model.experiment.metrics import DEFAULT_HEADLINE, Pair, metric_names, replicate_metrics
from model.experiment.runner import RunRecord
from model.scenario import Scenario, ScenarioError
from model.simulation import ControlRegimeModel, RunEnd, release

DEFAULT_RAW = ["target_capability", "world_capability", "targets_capable", "total_acquired_targets",
               "total_blocked_targets", "total_revenue_controlling", "years_to_capable"]
"""End-of-run metrics of an unpaired sweep unless it names others."""

_NOT_METRICS = ("step", "date")


def raw_metric_names(scenario: Scenario) -> tuple[list[str], list[str]]:
    """``(end-of-run metrics, time-series columns)`` a run of ``scenario`` records."""
    model = ControlRegimeModel(**scenario.model_kwargs(), rng=0, collect_agents=False)
    try:
        series = [k for k in model.summary if k not in _NOT_METRICS]
        return series + list(model.result().row()), series
    finally:
        release(model)


def check_names(names: Iterable[str], valid: Sequence[str], key: str, origin: str) -> None:
    """Raise a one-line error for the first of ``names`` not in ``valid``."""
    for i, name in enumerate(names):
        if name not in valid:
            raise ScenarioError(origin, f"{key}[{i}]", "unknown metric",
                                expected=f"one of the {len(valid)} metrics in docs/sweeps.md", got=name,
                                suggestion=closest(name, valid))


def end_row(record: RunRecord, keep: Sequence[str] | None) -> dict[str, object]:
    """One run's identity, timing, error and end-of-run values (``keep``: which; None: all)."""
    spec = record.spec
    row: dict[str, object] = {"run_id": spec.run_id, "scenario": spec.scenario, "role": spec.role,
                              "point_id": spec.point_id,
                              "replicate": spec.replicate, "seed": spec.seed, "seconds": record.seconds,
                              "error": record.error, "controlling": ";".join(record.controlling)}
    if record.ok:
        values = {**record.last, **record.result.row()}
        row.update(values if keep is None else {k: values[k] for k in keep})
    return row


def part_tables(records: Sequence[RunRecord], keep: Sequence[str] | None,
                columns: Sequence[str] | None) -> dict[str, list[pd.DataFrame]]:
    """What the store keeps of ``records`` as one part: their end rows ("runs", :func:`end_row` with
    ``keep``), the time series of those that finished (``columns``, or all when None; none when
    ``[]``) with their run ids, and the flows and regimes of those that kept them."""
    ok = [r for r in records if r.ok]
    series = []
    if ok and columns != []:
        keys = list(ok[0].series) if columns is None else ["step", "date", *columns]
        lengths = [len(r.series["step"]) for r in ok]
        run_ids = np.repeat(np.array([r.spec.run_id for r in ok], dtype=object), lengths)
        series = [pd.DataFrame({"run_id": run_ids, **{key: np.concatenate([r.series[key] for r in ok])
                                                      for key in keys}})]
    return {
        "runs": [pd.DataFrame([end_row(r, keep) for r in records])],
        "series": series,
        "flows": [r.flows.assign(run_id=r.spec.run_id) for r in ok if r.flows is not None],
        "regimes": [r.regimes.assign(run_id=r.spec.run_id) for r in ok if r.regimes is not None],
    }


PAIRED_CHUNK = 1000
"""Point runs paired at a time: only their end rows and their baselines' are held as Python values
(about 170 KB a point run; all at once, a sweep of 10,000 runs peaked at 837 MB instead of 605, and
one of 50,000 at 2.7 GB)."""


def paired(points: pd.DataFrame, baselines: pd.DataFrame, metrics: Sequence[str] | None,
           headline: str | Mapping[str, str] = DEFAULT_HEADLINE) -> pd.DataFrame:
    """Per point run, ``metrics`` (None: all) from ``replicate_metrics`` against the baseline run on
    the same seed; ``headline`` names the denial measure reported as ``denial_effectiveness`` (one
    for all runs, or one per ``scenario`` of the runs).

    ``points`` and ``baselines`` hold end rows (:func:`end_row`, every value kept); ``points`` has
    ``baseline_run_id``. A failed run, or a failed baseline, leaves NaN metrics and an ``error``.
    Runs are paired :data:`PAIRED_CHUNK` at a time."""
    columns = ["run_id", *(metric_names() if metrics is None else metrics), "error"]
    baseline_at = pd.Index(baselines["run_id"])
    rows = []
    for start in range(0, len(points), PAIRED_CHUNK):
        chunk = points.iloc[start:start + PAIRED_CHUNK]
        wanted = baseline_at.get_indexer(chunk["baseline_run_id"].unique())
        base = {row["run_id"]: row for row in records(baselines.iloc[wanted[wanted >= 0]])}
        rows += _paired_rows(records(chunk), base, metrics, headline)
    return pd.DataFrame(rows, columns=columns)


def _paired_rows(points: list[dict[str, object]], base: dict[str, dict[str, object]],
                 metrics: Sequence[str] | None, headline: str | Mapping[str, str]) -> list[dict[str, object]]:
    """:func:`paired`'s rows of the end rows ``points``, their baselines' end rows ``base`` by run id."""
    ends: dict[str, RunEnd] = {}  # each baseline read once
    rows = []
    for run in points:
        out = dict.fromkeys(metrics or (), np.nan)
        error = run["error"]
        paired_with = base.get(run["baseline_run_id"])
        if error is None and (paired_with is None or paired_with["error"] is not None):
            error = f"baseline run {run['baseline_run_id']} failed: " + (
                "not stored" if paired_with is None else str(paired_with["error"]))
        if error is None:
            controlling = run["controlling"] if isinstance(run["controlling"], str) else ""
            if run["baseline_run_id"] not in ends:
                ends[run["baseline_run_id"]] = RunEnd.of_row(paired_with)
            values = replicate_metrics(Pair(
                RunEnd.of_row(run), ends[run["baseline_run_id"]], tuple(c for c in controlling.split(";") if c),
                headline if isinstance(headline, str) else headline[run["scenario"]]))
            out = values if metrics is None else {m: values[m] for m in metrics}
        rows.append({"run_id": run["run_id"], **out, "error": error})
    return rows


def records(table: pd.DataFrame) -> list[dict[str, object]]:
    """``table.to_dict("records")``: its rows as dicts of Python values, read column by column
    (pandas boxes each value of a row on its own, which costs most in wide tables of end rows)."""
    names = list(table.columns)
    return [dict(zip(names, row)) for row in zip(*(table[name].tolist() for name in names))]
