"""What a sweep keeps of each run, and the metrics computed from it.

Each finished run leaves one row of end-of-run values (the last recorded step merged with the
run's end-of-run report) and its time series every ``record_every`` steps. Paired sweeps keep the
inputs of :func:`model.experiment.metrics.paired_metrics` and compute the paired metrics when the
runs table is put together; unpaired sweeps keep the requested metrics themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from model.errors import closest
from model.experiment.metrics import paired_metrics
from model.experiment.runner import RunRecord
from model.scenario import Scenario, ScenarioError
from model.simulation import ControlRegimeModel, release
from model.vocabulary import ROUTES

DEFAULT_RAW = ["target_capability", "world_capability", "targets_capable", "total_acquired_targets",
               "total_blocked_targets", "total_revenue_controlling", "years_to_capable"]
"""End-of-run metrics of an unpaired sweep unless it names others."""

_FINAL = ("target_capability", "targets_capable")
_FINAL_PREFIXES = ("share_",)
_REPORT = ("total_blocked_targets", "years_to_capable")
_REPORT_PREFIXES = ("total_leaked_", "total_revenue_")
_NOT_METRICS = ("step", "date")


def pairing_inputs(values: dict[str, float]) -> dict[str, float]:
    """The end-of-run values ``paired_metrics`` reads (last step and report merged in one dict)."""
    return {k: v for k, v in values.items()
            if k in _FINAL + _REPORT or k.startswith(_FINAL_PREFIXES + _REPORT_PREFIXES)}


def paired_metric_names() -> list[str]:
    """Every metric a paired sweep can record, in ``paired_metrics`` order."""
    final = pd.Series(dict.fromkeys(_FINAL, 1.0))
    report = dict.fromkeys(_REPORT, 1.0) | {f"total_leaked_{route}": 0.0 for route in ROUTES}
    return list(paired_metrics(final, report, final, report, ()))


def raw_metric_names(scenario: Scenario) -> tuple[list[str], list[str]]:
    """``(end-of-run metrics, time-series columns)`` a run of ``scenario`` records."""
    model = ControlRegimeModel(**scenario.model_kwargs(), rng=0, collect_agents=False)
    try:
        series = [k for k in model.summary if k not in _NOT_METRICS]
        return series + list(model.report()), series
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
    """One run's identity, timing, error and end-of-run values (``keep``: which; None: pairing inputs)."""
    spec = record.spec
    row: dict[str, object] = {"run_id": spec.run_id, "role": spec.role, "point_id": spec.point_id,
                              "replicate": spec.replicate, "seed": spec.seed, "seconds": record.seconds,
                              "error": record.error, "controlling": ";".join(record.controlling)}
    if record.ok:
        values = {**record.timeseries.iloc[-1].to_dict(), **record.report}
        row.update(pairing_inputs(values) if keep is None else {k: values[k] for k in keep})
    return row


def series_rows(record: RunRecord, columns: Sequence[str]) -> pd.DataFrame | None:
    """One run's time series (``columns`` at every recorded step), with its run id."""
    if not record.ok or not columns:
        return None
    table = record.timeseries[["date", *columns]].reset_index()
    table.insert(0, "run_id", record.spec.run_id)
    return table


def paired_table(points: pd.DataFrame, baselines: pd.DataFrame, metrics: Sequence[str]) -> pd.DataFrame:
    """Per point run, ``metrics`` from ``paired_metrics`` against the baseline run on the same seed.

    ``points`` has ``baseline_run_id``; a failed run, or a failed baseline, leaves NaN metrics and
    an ``error``."""
    final = [c for c in points if c in _FINAL or c.startswith(_FINAL_PREFIXES)]
    base = baselines.set_index("run_id")
    rows = []
    for run in points.to_dict("records"):
        out = dict.fromkeys(metrics, np.nan)
        error = run["error"]
        paired_with = base.loc[run["baseline_run_id"]] if run["baseline_run_id"] in base.index else None
        if error is None and (paired_with is None or paired_with["error"] is not None):
            error = f"baseline run {run['baseline_run_id']} failed: " + (
                "not stored" if paired_with is None else str(paired_with["error"]))
        if error is None:
            controlling = run["controlling"] if isinstance(run["controlling"], str) else ""
            values = paired_metrics(pd.Series({c: run[c] for c in final}), run,
                                    paired_with[final], paired_with.to_dict(),
                                    tuple(c for c in controlling.split(";") if c))
            out = {m: values[m] for m in metrics}
        rows.append({"run_id": run["run_id"], **out, "error": error})
    return pd.DataFrame(rows, columns=["run_id", *metrics, "error"])
