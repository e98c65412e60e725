"""Running a planned experiment into its results folder: batches of finished runs are stored as they
come, so memory stays flat and a killed experiment resumes where it stopped."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from model.experiment.collect import RUNS_SCHEMA
from model.experiment.columns import Entry
from model.experiment.executors import execute
from model.experiment.manifest import build_manifest
from model.experiment.outcomes import part_tables
from model.experiment.plan import Plan
from model.experiment.runner import RunRecord
from model.experiment.store import Store

CHUNK = 250
"""Finished runs per stored part (a killed experiment loses at most these, plus those in flight, or
:data:`FLUSH_SECONDS` of work). A part's cost is mostly per column, whatever its rows (the ``runs``
table of a default sweep has about 500 columns): 1.5, 0.7, 0.45 and 0.35 ms of the main process's
CPU per run at 50, 100, 250 and 500 runs a part. 250 keeps it near 1% of a default run (about
0.035 s), and the runs a batch holds (about 30 KB each) add about 2% to a sweep's peak memory."""
FLUSH_SECONDS = 30.0
"""A part is also stored when this long has passed since the last, however few runs it holds."""

Collect = Callable[[Plan, Store], dict[str, pd.DataFrame]]


class ExperimentError(RuntimeError):
    """Every run of an experiment failed (a folder this call created is removed)."""


def run_plan(plan: Plan, folder: Path, *, kind: str, settings: dict[str, Any], identity: tuple[str, ...],
             collect: Collect, keep: Sequence[str] | None = None, series: Sequence[str] | None = None,
             executor: Any = None, resume: bool = False, force: bool = False, progress: bool = True,
             chunk: int = CHUNK, command: list[str] | None = None, label: str = "runs",
             extra_columns: Mapping[str, Entry] | None = None, read_back: bool = False) -> dict[str, pd.DataFrame]:
    """Run every run of ``plan`` not yet stored in ``folder``, then write the tables ``collect``
    puts together from the stored runs. ``keep``: end-of-run values stored per run (None: all);
    ``series``: time-series columns stored (None: all); ``identity``: manifest entries that must
    agree for ``resume`` to continue a folder. Returns the tables as reading the folder would give
    them if ``read_back`` and they were written now (nothing for a folder already complete)."""
    if chunk < 1:
        raise ValueError(f"chunk must be at least 1, not {chunk}")
    manifest = build_manifest(kind, settings, command or [])
    with Store.open(folder, kind, manifest, identity, resume=resume, force=force) as store:
        if store.complete:
            return {}
        _run(plan, store, _Batch(store, keep, series, chunk), executor, progress, label)
        try:
            tables = collect(plan, store)
        except ExperimentError:
            if store.created:
                store.discard()
            raise
        failed = int(tables["runs"]["error"].notna().sum())
        return store.finish(tables, store.manifest() | {
            "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "failed": failed,
            "runs_schema": RUNS_SCHEMA,
        }, extra_columns, read_back=read_back)


class _Batch:
    """Finished runs waiting to be stored as one part."""

    def __init__(self, store: Store, keep: Sequence[str] | None, series: Sequence[str] | None,
                 chunk: int) -> None:
        self.store, self.keep, self.series, self.chunk = store, keep, series, chunk
        self.records: list[RunRecord] = []
        self.since = time.monotonic()

    def add(self, record: RunRecord) -> None:
        self.records.append(record)
        if len(self.records) >= self.chunk or time.monotonic() - self.since >= FLUSH_SECONDS:
            self.flush()

    def flush(self) -> None:
        if self.records:
            self.store.append(part_tables(self.records, self.keep, self.series))
        self.records = []
        self.since = time.monotonic()


def _run(plan: Plan, store: Store, batch: _Batch, executor: Any, progress: bool, label: str) -> None:
    done = store.done()
    with tqdm(total=plan.n_runs, initial=len(done), desc=label, unit="run", disable=not progress,
              smoothing=0.05) as bar:
        try:
            for record in execute(plan.specs(skip=done), executor):
                batch.add(record)
                bar.update()
        finally:  # an interrupted experiment keeps every run that finished
            batch.flush()
