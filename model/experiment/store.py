"""The one store: an experiment's results folder, written as runs finish and safe to kill at any moment.

    results/<name>/
      manifest.json          what produced the folder; "status" is "running" until the end
      parts/part-000001/     one committed batch of finished runs: runs, series, flows, regimes
      <table>.parquet, ...   the consolidated tables, written at the end (see folders.py)

A batch is written into a hidden temporary folder and committed by renaming it into place, so a
part is either complete or absent; leftovers of a killed write are deleted when the experiment
resumes. The folder is locked while it is written (:class:`model.experiment.folders.FolderLock`).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Self

import pandas as pd

from model.config.tables import Loc, key_path
from model.errors import ModelInputError
from model.experiment.columns import Entry
from model.experiment.folders import (
    MANIFEST,
    FolderLock,
    claim,
    manifest_tables,
    read_manifest,
    read_table,
    retire,
    write_manifest,
    write_tables,
)
from model.experiment.manifest import require_intact_settings

PARTS = "parts"


class ResumeMismatchError(ModelInputError):
    """The experiment stored in a folder is not the one asked to resume there."""


class Store:
    """An open results folder (use as a context manager: the lock is released on exit)."""

    def __init__(self, folder: Path, kind: str, lock: FolderLock) -> None:
        self.folder, self.kind, self._lock = folder, kind, lock
        self.parts_dir = folder / PARTS
        self.created = False

    @classmethod
    def open(cls, folder: Path, kind: str, manifest: dict[str, Any], identity: tuple[str, ...], *,
             resume: bool = False, force: bool = False) -> Store:
        """Start ``folder`` with ``manifest``, or continue it (``resume``) when its manifest agrees on
        the ``identity`` keys. An existing folder is refused unless ``resume``, or ``force`` and this
        tool wrote it."""
        lock = FolderLock(folder).acquire()
        store = cls(folder, kind, lock)
        try:
            if claim(folder, kind, resume=resume, force=force):
                store._check_same(manifest, identity)
                store._clean()
            else:
                if not folder.exists():
                    os.mkdir(folder)
                store.created = True
                write_manifest(folder, {"kind": kind, **manifest, "status": "running"})
                store.parts_dir.mkdir()
        except BaseException:
            lock.release()
            raise
        return store

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self._lock.release()

    # --- the manifest ------------------------------------------------------------------------
    def manifest(self) -> dict[str, Any]:
        return read_manifest(self.folder, (self.kind,))

    @property
    def complete(self) -> bool:
        return self.manifest().get("status") == "complete"

    # --- parts -------------------------------------------------------------------------------
    def append(self, tables: Mapping[str, list[pd.DataFrame]]) -> None:
        """Commit one batch of finished runs as a new part: ``tables`` maps "runs", "series", ... to
        frames (empty lists are skipped)."""
        if not any(tables.values()):
            return
        number = max((int(p.name.removeprefix("part-")) for p in self._parts()), default=0) + 1
        staging = self.parts_dir / f".part-{number:06d}.{os.getpid()}.tmp"
        staging.mkdir()
        try:
            for name, frames in tables.items():
                if frames:
                    pd.concat(frames, ignore_index=True).to_parquet(staging / f"{name}.parquet", index=False)
            staging.rename(self.parts_dir / f"part-{number:06d}")
        except BaseException:  # Ctrl-C or a failed write: no half-written part, and the batch can be stored again
            shutil.rmtree(staging, ignore_errors=True)
            raise

    def done(self) -> set[str]:
        """Ids of the runs stored in committed parts."""
        return {run_id for part in self._parts() for run_id in read_table(part, "runs", ["run_id"])["run_id"]}

    def has_parts(self, name: str) -> bool:
        """Whether some committed part holds a ``name`` table."""
        return any((part / f"{name}.parquet").exists() for part in self._parts())

    def read_parts(self, name: str) -> Iterator[pd.DataFrame]:
        """Each committed part's ``name`` table, in commit order."""
        for part in self._parts():
            if (part / f"{name}.parquet").exists():
                yield read_table(part, name)

    def finish(self, tables: Mapping[str, pd.DataFrame], manifest: Mapping[str, Any],
               extra_columns: Mapping[str, Entry] | None = None) -> None:
        """Write the consolidated tables and ``columns.csv``, mark the manifest complete with every
        table's digest, then drop the parts."""
        entries = write_tables(self.folder, tables, extra_columns)
        write_manifest(self.folder, {**manifest, "status": "complete", **manifest_tables(entries)})
        shutil.rmtree(self.parts_dir, ignore_errors=True)

    def discard(self) -> None:
        """Remove the folder (one this store created, whose runs are of no use)."""
        retire(self.folder)

    def _parts(self) -> list[Path]:
        if not self.parts_dir.exists():
            return []
        return sorted(p for p in self.parts_dir.iterdir() if p.is_dir() and p.name.startswith("part-"))

    def _clean(self) -> None:
        """Remove what a killed process left half-written (never read as data)."""
        for leftover in [*self.parts_dir.glob(".*.tmp"), *self.folder.glob(".*.tmp")]:
            shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
        if self.complete:  # killed while dropping the parts
            shutil.rmtree(self.parts_dir, ignore_errors=True)
        else:
            self.parts_dir.mkdir(exist_ok=True)

    def _check_same(self, manifest: dict[str, Any], identity: tuple[str, ...]) -> None:
        stored = self.manifest()
        require_intact_settings(stored, str(self.folder / MANIFEST))  # a finished folder is not rewritten
        for key in identity:
            ours = json.loads(json.dumps(manifest.get(key), default=str))
            where = _difference(stored.get(key), ours, (key,))
            if where is not None:
                raise ResumeMismatchError(str(self.folder), "cannot resume: this experiment differs from "
                                          f"the one stored there at {key_path(where)}",
                                          expected="the same file, options and base scenario")


def _difference(a: Any, b: Any, loc: Loc) -> Loc | None:
    """The first key path where ``a`` and ``b`` differ (None when equal)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            found = _difference(a.get(key), b.get(key), (*loc, key))
            if found is not None:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        found = (_difference(x, y, (*loc, i)) for i, (x, y) in enumerate(zip(a, b)))
        return next((f for f in found if f is not None), None)
    return None if a == b else loc
