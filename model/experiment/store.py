"""The one store: an experiment's results folder, written as runs finish and safe to kill at any moment.

    results/<name>/
      manifest.json          what produced the folder; "status" is "running" until the end
      parts/part-000001/     one committed batch of finished runs: runs, series, flows, regimes,
                             and digests.json, the SHA-256 of each of its files
      <table>.parquet, ...   the consolidated tables, written at the end (see folders.py)

A batch is written into a hidden temporary folder and committed by renaming it into place, so a
part is either complete or absent; leftovers of a killed write are deleted when the experiment
resumes, and a resumed experiment refuses a committed part that changed since (its runs are never
trusted). The folder is locked while it is written (:class:`model.experiment.folders.FolderLock`).
A full disk or a file-size limit is a :class:`model.experiment.folders.CannotWriteError`: the runs
committed so far are kept (a folder holding none is removed).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Self

import pandas as pd
import pyarrow as pa

from model.config.tables import Loc, key_path
from model.errors import ModelInputError
from model.experiment.columns import Entry
from model.experiment.folders import (
    MANIFEST,
    PARTS,
    TEMPORARY,
    CannotWriteError,
    FolderLock,
    claim,
    file_digest,
    manifest_tables,
    read_manifest,
    read_table,
    retire,
    stored_part,
    write_failure,
    write_manifest,
    write_parquet,
    write_tables,
)
from model.experiment.manifest import require_intact_settings

DIGESTS = "digests.json"
"""In every committed part: the SHA-256 of each of its files."""


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
                with store._writing():
                    write_manifest(folder, {"kind": kind, **manifest, "status": "running"})
                    store.parts_dir.mkdir()
        except BaseException as exc:
            store.__exit__(type(exc), exc, None)
            raise
        return store

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        """Release the lock; a folder this store created that failed to be written before any run
        was committed is removed first (there is nothing in it to resume)."""
        try:
            if self.created and isinstance(exc, CannotWriteError) and not self._parts():
                self.discard()
        finally:
            self._lock.release()

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """Turn a failed write (a full disk, a file-size limit) into a :class:`CannotWriteError`
        that says whether the runs stored so far are kept for a resume."""
        try:
            yield
        except OSError as exc:
            cause = write_failure(exc)
            if self.created and not self._parts():
                raise CannotWriteError(self.folder, cause, "nothing was stored: the folder is removed") from None
            raise CannotWriteError(self.folder, cause, "the runs finished so far are stored: free space, "
                                   "then resume it", options=("resume",)) from None

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
        try:
            with self._writing():
                staging.mkdir()
                for name, frames in tables.items():
                    if frames:
                        table = pa.Table.from_pandas(pd.concat(frames, ignore_index=True), preserve_index=False)
                        write_parquet(table, staging / f"{name}.parquet", write_statistics=False)
                digests = {path.name: file_digest(path) for path in sorted(staging.iterdir())}
                (staging / DIGESTS).write_text(json.dumps(digests, indent=1) + "\n")
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
               extra_columns: Mapping[str, Entry] | None = None, *,
               read_back: bool = False) -> dict[str, pd.DataFrame]:
        """Write the consolidated tables and ``columns.csv``, mark the manifest complete with every
        table's digest, then drop the parts. Returns the tables as reading the folder would give
        them if ``read_back`` (without reading them), else nothing."""
        as_read: dict[str, pd.DataFrame] = {}
        with self._writing():
            entries = write_tables(self.folder, tables, extra_columns, as_read=as_read if read_back else None)
            write_manifest(self.folder, {**manifest, "status": "complete", **manifest_tables(entries)})
        self._drop_parts()
        return as_read

    def discard(self) -> None:
        """Remove the folder (one this store created, whose runs are of no use)."""
        retire(self.folder)

    def _parts(self) -> list[Path]:
        if not self.parts_dir.exists():
            return []
        return sorted(p for p in self.parts_dir.iterdir() if p.is_dir() and p.name.startswith("part-"))

    def _clean(self) -> None:
        """Check the committed parts of an unfinished folder (:meth:`_check_parts`), then remove what
        a killed process left half-written (never read as data)."""
        complete = self.complete
        if not complete:
            self._check_parts()
        for leftover in [*self.parts_dir.glob(".*.tmp"), *self.folder.glob(".*.tmp")]:
            if TEMPORARY.fullmatch(leftover.name) and not leftover.is_symlink():
                shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
        if complete:  # killed while dropping the parts
            self._drop_parts()
        else:
            self.parts_dir.mkdir(exist_ok=True)

    def _drop_parts(self) -> None:
        """Remove the stored parts, and ``parts/`` unless something else was put there (kept)."""
        if not self.parts_dir.is_dir() or self.parts_dir.is_symlink():
            return
        for part in self.parts_dir.iterdir():
            if stored_part(part):
                shutil.rmtree(part, ignore_errors=True)
        with contextlib.suppress(OSError):
            self.parts_dir.rmdir()

    def _check_parts(self) -> None:
        """A :class:`ModelInputError` unless ``parts/`` is a folder (or absent) and every committed
        part holds exactly the files its digests list, unchanged: a damaged part's runs are never
        trusted (the folder is left as it was)."""
        where = "the folder of the runs stored so far"
        if os.path.lexists(self.parts_dir) and (self.parts_dir.is_symlink() or not self.parts_dir.is_dir()):
            raise ModelInputError(str(self.parts_dir), "is not a folder", expected=f"{where}, as this tool wrote it")
        for part in self._parts():
            problem = _damage(part)
            if problem:
                raise ModelInputError(str(part), f"changed since it was stored ({problem})",
                                      expected=f"the part as this tool wrote it: remove {part} to run its runs again")

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


def _damage(part: Path) -> str | None:
    """What is wrong with a committed part (None: every file is the one its digest names)."""
    if part.is_symlink():
        return "a symbolic link"
    try:
        listed = json.loads((part / DIGESTS).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return f"no readable {DIGESTS}"
    if not isinstance(listed, dict) or not listed:
        return f"a damaged {DIGESTS}"
    files = {p.name for p in part.iterdir()} - {DIGESTS}
    if files != set(listed):
        return f"its files are not those of {DIGESTS}"
    for name, expected in sorted(listed.items()):
        path = part / name
        if path.is_symlink() or not path.is_file() or file_digest(path) != expected:
            return f"{name} differs from its digest"
    return None


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
