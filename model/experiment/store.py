"""A sweep's results folder, written as runs finish and safe to kill at any moment.

    results/<sweep>/
      manifest.json          what produced the folder; "status" is "running" until the end
      parts/part-000001/     one committed batch of finished runs: runs.<fmt> and series.<fmt>
      runs.<fmt>, baselines.<fmt>, timeseries.<fmt>, points.<fmt>    the consolidated tables

A batch is written into a hidden temporary folder and committed by renaming it into place, so a
part is either complete or absent; leftovers of a killed write are deleted when the sweep resumes.
Tables are Parquet when pyarrow is importable, CSV otherwise. An exclusive lock (where the OS has
``fcntl``) stops two processes writing one folder.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Self

import pandas as pd

from model.errors import ModelInputError
from model.experiment.folders import check_output
from model.scenario.tables import Loc, key_path

try:
    import fcntl
except ImportError:  # Windows: no advisory locks
    fcntl = None

FORMAT = "parquet" if importlib.util.find_spec("pyarrow") else "csv"
MANIFEST = "manifest.json"
PARTS = "parts"


def write_table(table: pd.DataFrame, stem: Path) -> Path:
    """``table`` as ``stem.<FORMAT>``, replaced atomically."""
    path = stem.with_name(f"{stem.name}.{FORMAT}")
    temporary = stem.with_name(f".{stem.name}.{os.getpid()}.tmp")
    if FORMAT == "parquet":
        table.to_parquet(temporary, index=False)
    else:
        table.to_csv(temporary, index=False)
    os.replace(temporary, path)
    return path


def read_table(stem: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """The table ``stem.parquet`` or ``stem.csv`` (a missing ``error`` is None, not NaN)."""
    parquet, csv = stem.with_name(f"{stem.name}.parquet"), stem.with_name(f"{stem.name}.csv")
    if parquet.exists():
        table = pd.read_parquet(parquet, columns=columns)
    elif csv.exists():
        table = pd.read_csv(csv, usecols=columns)
    else:
        raise ModelInputError(str(stem.parent), f"no {stem.name} table",
                              expected=f"a sweep results folder with {stem.name}.parquet or .csv")
    if "error" in table:
        table["error"] = table["error"].astype(object).where(table["error"].notna(), None)
    return table


def has_table(stem: Path) -> bool:
    return any(stem.with_name(f"{stem.name}.{fmt}").exists() for fmt in ("parquet", "csv"))


class SweepStore:
    """An open results folder (use as a context manager: the lock is released on exit)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.parts_dir = folder / PARTS
        self._lock: Any = None

    @classmethod
    def open(cls, folder: Path, manifest: dict[str, Any], identity: tuple[str, ...], *,
             resume: bool = False, force: bool = False) -> SweepStore:
        """Start ``folder`` with ``manifest``, or continue it (``resume``) when its manifest agrees on
        the ``identity`` keys. An existing folder is refused unless ``resume`` or ``force``."""
        store = cls(folder)
        if folder.exists() and not (folder.is_dir() and all(_leftover(p) for p in folder.iterdir())):
            if not (folder / MANIFEST).exists():
                raise ModelInputError(str(folder), "exists and is not a sweep results folder",
                                      expected="a new folder, or one written by a sweep")
            store._acquire()
            try:
                store.manifest()  # a sweep's folder, or an error
                if resume:
                    store._check_same(manifest, identity)
                    store._clean()
                    return store
                if not force:
                    raise ModelInputError(str(folder), "results folder exists; add --resume to continue the "
                                          "sweep or --force to replace it")
            except BaseException:
                store._release()
                raise
            store._release()
            shutil.rmtree(folder)
        elif folder.exists():
            shutil.rmtree(folder)  # empty, or a start killed before its manifest was written
        check_output(folder, force=False)
        folder.mkdir(parents=True)
        store.write_manifest(manifest)
        store._acquire()
        store.parts_dir.mkdir()
        return store

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self._release()

    # --- the manifest ------------------------------------------------------------------------
    def manifest(self) -> dict[str, Any]:
        path = self.folder / MANIFEST
        try:
            manifest = json.loads(path.read_text())
        except (OSError, ValueError):
            manifest = None
        if not isinstance(manifest, dict) or manifest.get("kind") != "sweep":
            raise ModelInputError(str(path), "not a sweep manifest", expected="a folder written by a sweep")
        return manifest

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        temporary = self.folder / f".{MANIFEST}.{os.getpid()}.tmp"
        temporary.write_text(json.dumps(manifest, indent=2, default=str) + "\n")
        os.replace(temporary, self.folder / MANIFEST)

    @property
    def complete(self) -> bool:
        return self.manifest().get("status") == "complete"

    # --- parts -------------------------------------------------------------------------------
    def append(self, runs: list[dict[str, Any]], series: list[pd.DataFrame]) -> None:
        """Commit one batch of finished runs (their end-of-run rows and time series) as a new part."""
        if not runs:
            return
        number = max((int(p.name.removeprefix("part-")) for p in self._parts()), default=0) + 1
        staging = self.parts_dir / f".part-{number:06d}.{os.getpid()}.tmp"
        staging.mkdir()
        write_table(pd.DataFrame(runs), staging / "runs")
        if series:
            write_table(pd.concat(series, ignore_index=True), staging / "series")
        staging.rename(self.parts_dir / f"part-{number:06d}")

    def done(self) -> set[str]:
        """Ids of the runs stored in committed parts."""
        return {run_id for part in self._parts()
                for run_id in read_table(part / "runs", ["run_id"])["run_id"]}

    def read_parts(self, name: str) -> Iterator[pd.DataFrame]:
        """Each committed part's ``name`` table ("runs" or "series"), in commit order."""
        for part in self._parts():
            if has_table(part / name):
                yield read_table(part / name)

    def finish(self, tables: dict[str, pd.DataFrame], manifest: dict[str, Any]) -> None:
        """Write the consolidated tables, mark the manifest complete, then drop the parts."""
        for name, table in tables.items():
            write_table(table, self.folder / name)
        self.write_manifest(manifest)
        shutil.rmtree(self.parts_dir, ignore_errors=True)

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
        for key in identity:
            ours = json.loads(json.dumps(manifest.get(key), default=str))
            where = _difference(stored.get(key), ours, (key,))
            if where is not None:
                raise ModelInputError(str(self.folder), "--resume: this sweep differs from the one stored "
                                      f"there at {key_path(where)}", expected="the same sweep file, options "
                                      "and base scenario, or --force to start again")

    # --- the lock ----------------------------------------------------------------------------
    def _acquire(self) -> None:
        if fcntl is None or self._lock is not None:
            return
        handle = open(self.folder / ".lock", "a")  # noqa: SIM115 - held until _release
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise ModelInputError(str(self.folder), "another sweep is writing to this folder") from None
        self._lock = handle

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None


def _leftover(path: Path) -> bool:
    """Whether ``path`` is the lock or a temporary manifest of a sweep that never got further."""
    return path.name == ".lock" or bool(re.fullmatch(rf"\.{re.escape(MANIFEST)}\.\d+\.tmp", path.name))


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
