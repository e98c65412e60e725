"""Designs run through the sweep engine: every design and the no-controls baseline as points of one
unpaired sweep on the same seeds (common random numbers), then each design's outcomes against the
baseline run of the same replicate with :func:`model.experiment.metrics.replicate_metrics`.

The sweep folder is the store: a killed evaluation resumes where it stopped, and any executor gives
the same numbers (every run's seed is fixed before execution).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.experiment import sweep
from model.experiment.engine import raw_metric_names
from model.experiment.metrics import Pair, replicate_metrics
from model.scenario import Scenario
from model.simulation import RunEnd
from model.strategy.designs import Design, Template

OUTCOMES = ("denial_effectiveness", "revenue_lost", "revenue_lost_share", "leakage_rate")
"""The paired metrics an evaluation keeps per design and replicate (see docs/analysis.md)."""


def evaluate(
    template: Template, designs: Sequence[Design], folder: Path, *, replications: int, seed: int,
    executor: Any = None, progress: bool = False,
) -> pd.DataFrame:
    """One row per design and replicate: ``design_id`` (position in ``designs``), ``replicate``,
    ``seed``, the :data:`OUTCOMES` and ``loss_share_<ISO3>`` — each exporting country's revenue
    lost as a share of its own baseline revenue (negative: its vendors gained)."""
    return evaluate_policies(template.scenario, [template.policies(d) for d in designs],
                             [template.controlling(d) for d in designs], folder,
                             replications=replications, seed=seed, executor=executor, progress=progress)


def evaluate_policies(
    base: Scenario, policies: Sequence[dict[str, Any]], controlling: Sequence[tuple[str, ...]], folder: Path,
    *, replications: int, seed: int, executor: Any = None, progress: bool = False,
) -> pd.DataFrame:
    """:func:`evaluate` for resolved ``policies`` tables, each with the countries it controls."""
    inputs = _inputs(base)
    points = [{}, *policies]
    runs = sweep(base, {"policies": {"values": points, "name": "design"}}, replications=replications,
                 seed=seed, paired=False, metrics=inputs, series=[], executor=executor, out=folder,
                 resume=True, progress=progress, name=folder.name)
    failed = runs[runs["error"].notna()]
    if len(failed):
        raise RuntimeError(f"{len(failed)} runs failed in {folder}; the first: {failed['error'].iloc[0]}")
    runs = runs.sort_values(["point_id", "replicate"])
    baseline = runs[runs["point_id"] == 0].set_index("replicate")
    exporters = [c.removeprefix("total_revenue_") for c in inputs
                 if c.startswith("total_revenue_") and c != "total_revenue_controlling"]
    rows = []
    for run in runs[runs["point_id"] > 0].to_dict("records"):
        base_run = baseline.loc[run["replicate"]].to_dict()
        metrics = replicate_metrics(Pair(RunEnd.of_row(run), RunEnd.of_row(base_run),
                                         controlling[run["point_id"] - 1]))
        row = {"design_id": run["point_id"] - 1, "replicate": run["replicate"], "seed": run["seed"]}
        row.update({m: metrics[m] for m in OUTCOMES})
        for country in exporters:
            before = base_run[f"total_revenue_{country}"]
            row[f"loss_share_{country}"] = (before - run[f"total_revenue_{country}"]) / before if before > 0 \
                else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def _inputs(scenario: Scenario) -> list[str]:
    """Every end-of-run value a run records (``replicate_metrics`` and the per-country losses read
    some of them; keeping all keeps this independent of which)."""
    return raw_metric_names(scenario)[0]

