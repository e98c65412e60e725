"""Running a planned sweep into its results folder: batches of finished runs are stored as they come,
so memory stays flat and a killed sweep resumes where it stopped."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from model.experiment.collect import collect
from model.experiment.executors import execute
from model.experiment.manifest import build_manifest, digest
from model.experiment.outcomes import end_row, series_rows
from model.experiment.plan import Plan
from model.experiment.runner import RunRecord
from model.experiment.store import FORMAT, SweepStore, read_table

CHUNK = 20
"""Finished runs per stored part (a killed sweep loses at most these, plus those in flight)."""
FLUSH_SECONDS = 30.0
"""A part is also stored when this long has passed since the last, however few runs it holds."""
IDENTITY = ("sweep", "base", "design", "seeds")
"""Manifest entries that must agree for ``--resume`` to continue a folder."""


def run_plan(plan: Plan, folder: Path, *, executor: Any = None, resume: bool = False, force: bool = False,
             progress: bool = True, chunk: int = CHUNK, command: list[str] | None = None) -> pd.DataFrame:
    """Run every run of ``plan`` not yet stored in ``folder``, then write the consolidated tables;
    returns the runs table (see :mod:`model.experiment.collect`)."""
    manifest = build_manifest("sweep", settings(plan), command or [], {})
    with SweepStore.open(folder, manifest, IDENTITY, resume=resume, force=force) as store:
        if not store.complete:
            _run(plan, store, executor, progress, chunk)
            tables = collect(plan, store)
            runs = tables["runs"]
            store.finish(tables, store.manifest() | {
                "status": "complete",
                "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "failed": int(runs["error"].notna().sum()),
                "digests": {"runs": digest(runs.drop(columns="seconds"))},
            })
        return read_table(folder / "runs")


def settings(plan: Plan) -> dict[str, Any]:
    """The manifest's description of a sweep: spec, resolved base, design points, seeds."""
    sweep = plan.sweep
    return {
        "name": sweep.spec.name,
        "origin": sweep.origin,
        "status": "running",
        "sweep": sweep.spec.model_dump(mode="json", exclude={"base", "name", "description"}),
        "base": sweep.base.resolved(),
        "design": {
            "kind": sweep.design.kind,
            "columns": sweep.columns,
            "labels": {p.column: p.label or p.column for p in sweep.spec.parameters},
            "points": [{"point_id": p, **sweep.values(p)} for p in range(len(sweep.design))],
            "unit": sweep.design.unit.tolist() if sweep.design.unit is not None else None,
            "baseline_of": plan.baseline_of,
        },
        "replications": sweep.replications,
        "seed": sweep.seed,
        "seeds": plan.seeds,
        "runs": plan.n_runs,
        "metrics": sweep.metrics,
        "series": sweep.series,
        "format": FORMAT,
    }


class _Batch:
    """Finished runs waiting to be stored as one part."""

    def __init__(self, store: SweepStore, plan: Plan, chunk: int) -> None:
        self.store, self.chunk = store, chunk
        self.keep = None if plan.sweep.spec.paired else plan.sweep.metrics
        self.series = plan.sweep.series
        self.rows: list[dict[str, Any]] = []
        self.frames: list[pd.DataFrame] = []
        self.since = time.monotonic()

    def add(self, record: RunRecord) -> None:
        self.rows.append(end_row(record, self.keep))
        frame = series_rows(record, self.series)
        if frame is not None:
            self.frames.append(frame)
        if len(self.rows) >= self.chunk or time.monotonic() - self.since >= FLUSH_SECONDS:
            self.flush()

    def flush(self) -> None:
        self.store.append(self.rows, self.frames)
        self.rows, self.frames, self.since = [], [], time.monotonic()


def _run(plan: Plan, store: SweepStore, executor: Any, progress: bool, chunk: int) -> None:
    done = store.done()
    batch = _Batch(store, plan, chunk)
    with tqdm(total=plan.n_runs, initial=len(done), desc=plan.sweep.spec.name, unit="run",
              disable=not progress, smoothing=0.05) as bar:
        try:
            for record in execute(plan.specs(skip=done), executor):
                batch.add(record)
                bar.update()
        finally:  # an interrupted sweep keeps every run that finished
            batch.flush()
