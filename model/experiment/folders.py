"""Results folders: the one writer and the one reader, whatever wrote the folder.

    results/<name>/
      manifest.json   what produced the folder ("tool", "kind", "status", settings, environment)
                      and, under "tables", every table's file, rows and digest
      columns.csv     the dictionary of every column: table, name, unit, meaning
      <table>.parquet every table, tidy, dates stored as dates
      <table>.csv     a copy of each small table, for spreadsheets
      parts/          runs stored while an experiment is running (see store.py)

Ownership and safety: a folder is written under a lock (``.<name>.lock`` beside it, held with
``flock``, so it dies with its holder; a file of that name this tool did not write is never taken
over); only a folder whose manifest says this tool wrote it is ever replaced, and only when nothing
else is inside it (:func:`foreign_entries`: a user's notebook kept there is never deleted); names
that come from files cannot leave the results folder; staging and retired copies live in new hidden
folders beside it (``.<name>.partial-XXXXXXXX``, ``.<name>.old-XXXXXXXX``) marked as this tool's,
so a killed write's leftovers are removed the next time and a user's look-alike never is; nothing
is written through a symbolic link. A full disk or a file-size limit is one
:class:`CannotWriteError` naming the folder. Folders are created with ``os.mkdir``, so their
permissions follow the umask.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import json
import os
import re
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from model.errors import ModelInputError
from model.experiment.columns import Entry, dictionary
from model.experiment.csvtext import csv_text

try:
    import fcntl
except ImportError:  # Windows: no advisory locks
    fcntl = None

TOOL = "surveillance-export-controls"
"""Written in every manifest: the mark of a folder this tool may replace."""
KINDS = ("comparison", "sweep", "calibration", "analysis")
MANIFEST = "manifest.json"
COLUMNS = "columns.csv"
RESULTS_DIR = Path("results")
CSV_ROWS = 20_000
"""Tables with at most this many rows also get a CSV copy."""
CSV_BLOCK = 2_000
"""Rows rendered as CSV text at a time, for digests and copies."""
VOLATILE = ("seconds",)
"""Columns left out of digests: they differ between identical runs."""
DATE_COLUMNS = ("date",)


class FolderExistsError(ModelInputError):
    """The results folder exists. ``options`` say what the caller may ask for instead: "resume"
    (continue the experiment stored there) and "force" (replace it: only folders this tool wrote)."""

    def __init__(self, folder: Path, problem: str, *, options: tuple[str, ...] = ()) -> None:
        self.folder, self.options = folder, options
        super().__init__(str(folder), problem)


class CannotWriteError(ModelInputError):
    """Writing a results folder failed (a full disk, a file-size limit, ...). ``options`` is
    ("resume",) when the runs stored so far are kept and the experiment can be continued."""

    def __init__(self, folder: Path, cause: str, kept: str, *, options: tuple[str, ...] = ()) -> None:
        self.folder, self.cause, self.kept, self.options = folder, cause, kept, options
        super().__init__(str(folder), f"cannot write the results folder ({cause}); {kept}")

    def at(self, folder: Path) -> CannotWriteError:
        """The same failure, named by the enclosing results folder ``folder`` of a calibration or an
        analysis (whose experiments are stored in subfolders), which is kept for a resume."""
        return CannotWriteError(folder, self.cause, "what was finished so far is stored: free space, then "
                                "resume it", options=("resume",))


def write_failure(exc: OSError) -> str:
    """What went wrong in a failed write, in words (pyarrow's errors carry the errno in their text)."""
    code = exc.errno
    if code is None:
        found = re.search(r"\[errno (\d+)\]", str(exc), re.IGNORECASE)
        code = int(found.group(1)) if found else None
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return "no space left on the device"
    if code == errno.EFBIG:
        return "a file would exceed the file-size limit, ulimit -f"
    return exc.strerror or " ".join(str(exc).split())[:160] or type(exc).__name__


def refuse_link(path: Path, what: str = "results folder") -> None:
    """A :class:`ModelInputError` if ``path`` is a symbolic link: this tool never writes through one."""
    if path.is_symlink():
        raise ModelInputError(str(path), f"is a symbolic link; a {what} is never written through one",
                              expected=f"the path it points to ({os.path.realpath(path)}) or a new name")


# --- names and places -------------------------------------------------------------------------

MAX_NAME_BYTES = 200
"""Longest name of a results folder, in bytes of UTF-8 (file systems allow 255, and the folder's
staging and backup names add to it)."""


def name_problem(name: str) -> str | None:
    """What keeps ``name`` from being a results folder's name under ``results/``, or None."""
    text = str(name)
    if (not text.strip() or text in (".", "..") or text.startswith(".") or "/" in text or "\\" in text
            or "\0" in text or Path(text).is_absolute() or ":" in text[:2]):
        return "not a plain folder name"
    if len(text.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        return f"too long for a folder name (at most {MAX_NAME_BYTES} bytes)"
    return None


def checked_name(name: str, key: str = "name") -> str:
    """``name`` if it is a plain folder name (no separators, not ``.``/``..``, not absolute, not
    hidden, not too long)."""
    if problem := name_problem(name):
        raise ModelInputError(key, problem, expected="a name without '/', '\\', a leading '.' or '..' "
                              "(results go under results/)", got=str(name))
    return str(name)


def results_folder(name: str, key: str = "name") -> Path:
    """``results/<name>`` for a name taken from a file, which can never leave ``results/``."""
    return RESULTS_DIR / checked_name(name, key)


# --- tables -----------------------------------------------------------------------------------

def digest(table: pd.DataFrame) -> str:
    """SHA-256 of a table's CSV text without its volatile columns: equal digests, identical numbers."""
    hasher = hashlib.sha256()
    for block in _csv_blocks(_stable(table)):
        hasher.update(block)
    return hasher.hexdigest()


def _stable(table: pd.DataFrame) -> pd.DataFrame:
    """The table :func:`digest` hashes: without its volatile columns."""
    return table.drop(columns=[c for c in VOLATILE if c in table])


def _csv_blocks(table: pd.DataFrame) -> Iterator[bytes]:
    """``table.to_csv(index=False)``, encoded, :data:`CSV_BLOCK` rows at a time (the same text, without
    holding all of it: each value's text does not depend on the others), rendered by
    :func:`model.experiment.csvtext.csv_text` where it can."""
    for start in range(0, max(len(table), 1), CSV_BLOCK):
        block = table.iloc[start:start + CSV_BLOCK]
        text = csv_text(block, header=start == 0)
        yield (block.to_csv(index=False, header=start == 0) if text is None else text).encode()


def _write_csv(table: pd.DataFrame, path: Path) -> str:
    """Write ``table``'s CSV text to ``path``; returns the text's SHA-256."""
    hasher = hashlib.sha256()
    with path.open("wb") as out:
        for block in _csv_blocks(table):
            hasher.update(block)
            out.write(block)
    return hasher.hexdigest()


def with_dates(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with its date columns as dates (ISO text and timestamps converted)."""
    for column in DATE_COLUMNS:
        if column in table and len(table):
            first = table[column].iloc[0]
            if not isinstance(first, dt.date) or isinstance(first, dt.datetime):
                table = table.assign(**{column: pd.to_datetime(table[column]).dt.date})
    return table


def write_table(folder: Path, name: str, table: pd.DataFrame) -> tuple[dict[str, Any], pd.DataFrame]:
    """Write ``name.parquet`` (and ``name.csv`` when small), each replaced atomically; returns its
    manifest entry (file, rows, digest of the table as stored, SHA-256 of the Parquet file) and the
    table as :func:`read_table` reads it. The table as stored is the Arrow table written, back in
    pandas: what reading the file gives, without decoding it again (tested), which spares the memory
    Arrow's allocator keeps after each read."""
    arrow = _in_parquet_units(pa.Table.from_pandas(with_dates(table.reset_index(drop=True)), preserve_index=False))
    path = folder / f"{name}.parquet"
    _replace(path, lambda tmp: write_parquet(arrow, tmp))
    sha256 = file_digest(path)
    stored = arrow.to_pandas()
    copy, written = folder / f"{name}.csv", []
    if len(stored) <= CSV_ROWS:
        _replace(copy, lambda tmp: written.append(_write_csv(stored, tmp)))
    same_text = written and not any(c in stored for c in VOLATILE)  # the copy is the digested text
    entry: dict[str, Any] = {"file": path.name, "rows": len(stored),
                             "digest": written[0] if same_text else digest(stored), "file_sha256": sha256}
    if written:
        entry |= {"csv": copy.name, "csv_digest": written[0]}
    return entry, _as_read(stored)


def _in_parquet_units(table: pa.Table) -> pa.Table:
    """``table`` with its times in seconds as milliseconds, as Parquet stores them (it has no unit of
    seconds; a column of missing dates comes out of pandas so): the table as stored is then the one
    read back."""
    fields = [field.with_type(pa.timestamp("ms", field.type.tz))
              if pa.types.is_timestamp(field.type) and field.type.unit == "s" else field for field in table.schema]
    return table.cast(pa.schema(fields, table.schema.metadata)) if fields != list(table.schema) else table


def write_parquet(table: pa.Table, path: Path, **options: Any) -> None:
    """Write ``table`` to ``path`` as Parquet, dictionary-encoding its text columns only: Arrow tries a
    dictionary for every column by default, which for columns of measured numbers (few repeats)
    took half the time of writing a comparison's time series and made the file 7% larger."""
    text = [field.name for field in table.schema
            if pa.types.is_string(field.type) or pa.types.is_large_string(field.type)
            or pa.types.is_dictionary(field.type)]
    pq.write_table(table, path, use_dictionary=text, **options)


def read_table(folder: Path, name: str, columns: list[str] | None = None) -> pd.DataFrame:
    """The table ``name`` of ``folder`` (a missing ``error`` is None, not NaN); a damaged or missing
    file is a :class:`ModelInputError` naming it."""
    path = folder / f"{name}.parquet"
    if not path.is_file():
        raise ModelInputError(str(path), "missing table", expected=f"the {name} table of a complete results folder")
    return _as_read(_read_parquet(path, columns))


def _as_read(table: pd.DataFrame) -> pd.DataFrame:
    """A stored table as :func:`read_table` gives it: a missing ``error`` is None, not NaN."""
    if "error" in table:
        table["error"] = table["error"].astype(object).where(table["error"].notna(), None)
    return table


def read_listed(folder: Path, manifest: Mapping[str, Any], name: str) -> pd.DataFrame:
    """The table ``name`` that ``manifest`` lists, checked against it: present, the file as written
    (its SHA-256, which folders written before it was recorded lack), readable, its rows."""
    entry = manifest.get("tables", {}).get(name)
    if entry is None:
        raise ModelInputError(str(folder / MANIFEST), f"missing table {name} (not listed in the manifest)",
                              expected=f"a complete {manifest.get('kind', 'results')} folder")
    path = folder / f"{name}.parquet"  # as read_table reads it
    if "file_sha256" in entry and path.is_file() and file_digest(path) != entry["file_sha256"]:
        raise ModelInputError(str(path), "changed since it was written (its SHA-256 differs from the manifest's)",
                              expected="the table as this tool wrote it: run the command that wrote the folder again")
    table = read_table(folder, name)
    if len(table) != entry.get("rows", len(table)):
        raise ModelInputError(str(folder / entry["file"]), f"holds {len(table)} rows, the manifest says "
                              f"{entry['rows']}", expected="the table as it was written")
    return table


def _read_parquet(path: Path, columns: list[str] | None = None) -> pd.DataFrame:
    try:
        return pd.read_parquet(path, columns=columns)
    except Exception as exc:  # pyarrow raises several types for damaged files
        reason = " ".join(str(exc).split())[:160]
        raise ModelInputError(str(path), f"not a readable Parquet table ({reason})",
                              expected="a table written by this tool") from None


def write_text(path: Path, text: str) -> None:
    """Write a text file of a results folder (e.g. ``summary.md``), replaced at once."""
    _replace(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _replace(path: Path, write: Callable[[Path], None]) -> None:
    """Write ``path`` through a temporary file beside it, so that it is replaced at once (a symbolic
    link in its place is replaced, never written through)."""
    temporary = _temporary(path)
    try:
        write(temporary)
        os.replace(temporary, path)
    except IsADirectoryError:
        raise ModelInputError(str(path), "is a folder", expected="a file this tool writes") from None
    finally:
        temporary.unlink(missing_ok=True)


TEMPORARY = re.compile(r"\..+\.\d+(-\d+)?\.tmp")
"""The names of ``_temporary`` files (a killed writer's are removed when its folder is resumed)."""


def _temporary(path: Path) -> Path:
    """A new name beside ``path`` to write it under: ``.<name>.<pid>.tmp``, numbered while taken."""
    number = 0
    while True:
        candidate = path.with_name(f".{path.name}.{os.getpid()}{f'-{number}' if number else ''}.tmp")
        if not os.path.lexists(candidate):
            return candidate
        number += 1


def write_tables(folder: Path, tables: Mapping[str, pd.DataFrame],
                 extra_columns: Mapping[str, Entry] | None = None, *,
                 as_read: dict[str, pd.DataFrame] | None = None) -> dict[str, dict[str, Any]]:
    """Every table, then ``columns.csv`` describing them; returns the manifest's ``tables`` entry.
    ``as_read``: if given, filled with each table as :func:`read_table` would read it back (kept only
    when asked: a large sweep's tables would otherwise be held twice)."""
    entries = {}
    for name, table in tables.items():
        entries[name], stored = write_table(folder, name, table)
        if as_read is not None:
            as_read[name] = stored
    columns = dictionary(tables, extra_columns)  # only column names, which Parquet keeps as they are
    _replace(folder / COLUMNS, lambda tmp: columns.to_csv(tmp, index=False))
    entries["columns"] = {"file": COLUMNS, "rows": len(columns), "digest": file_digest(folder / COLUMNS)}
    return entries


def manifest_tables(entries: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    """The manifest's entry for written tables: ``tables``, each with its file, rows and digest."""
    return {"tables": dict(entries)}


# --- manifests --------------------------------------------------------------------------------

def write_manifest(folder: Path, manifest: Mapping[str, Any]) -> None:
    """``manifest.json``, replaced atomically (marked as written by this tool)."""
    data = {"tool": TOOL, **manifest}
    _replace(folder / MANIFEST, lambda tmp: tmp.write_text(json.dumps(data, indent=2, default=str) + "\n"))


def folder_of(path: str | Path) -> Path:
    """The results folder ``path`` names: the folder itself, or the folder of its ``manifest.json``."""
    path = Path(path)
    return path.parent if path.name == MANIFEST and path.is_file() else path


def read_manifest(folder: str | Path, kinds: tuple[str, ...] = KINDS) -> dict[str, Any]:
    """The manifest of a results folder of one of ``kinds``, or one :class:`ModelInputError` saying
    what is wrong (no folder, no manifest, damaged, foreign, another kind)."""
    folder = folder_of(folder)
    if not folder.is_dir():
        raise ModelInputError(str(folder), "no such results folder", expected="a folder written by run.py")
    path = folder / MANIFEST
    if not path.is_file():
        what = "" if kinds == KINDS else " or ".join(kinds) + " "
        raise ModelInputError(str(folder), f"not a {what}results folder (no {MANIFEST})",
                              expected="a folder written by run.py")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ModelInputError(str(path), f"damaged manifest ({exc.msg} at line {exc.lineno})") from None
    except RecursionError:
        raise ModelInputError(str(path), "damaged manifest (nested too deep)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelInputError(str(path), f"unreadable manifest ({type(exc).__name__})") from None
    if not isinstance(manifest, dict) or manifest.get("kind") not in KINDS:
        raise ModelInputError(str(path), "not a manifest written by this tool",
                              expected=f"a JSON object with kind one of {', '.join(KINDS)}",
                              got=manifest.get("kind") if isinstance(manifest, dict) else type(manifest).__name__)
    if manifest["kind"] not in kinds:
        raise ModelInputError(str(folder / MANIFEST), f"a results folder of kind {manifest['kind']!r}",
                              expected="kind " + " or ".join(repr(k) for k in kinds))
    tables = manifest.get("tables", {})
    if not isinstance(tables, dict) or not all(isinstance(e, dict) and _in_folder(e.get("file"))
                                               and isinstance(e.get("digest"), str)
                                               and ("csv" not in e or _in_folder(e["csv"])) for e in tables.values()):
        raise ModelInputError(f"{path}: tables", "damaged list of tables",
                              expected="an object of {file, rows, digest} entries naming files of the folder")
    return manifest


def _in_folder(name: object) -> bool:
    """Whether ``name`` is a file name of the folder itself (no path, not ``.`` or ``..``)."""
    return isinstance(name, str) and name not in ("", ".", "..") and Path(name).name == name and "\0" not in name


def check_tables(folder: Path, manifest: Mapping[str, Any]) -> dict[str, str]:
    """Every file the manifest lists, re-read and checked against every field it records for it
    (digest, rows, the Parquet file's SHA-256, the CSV copy's digest): ``{file: what is wrong}``
    (empty when every one matches)."""
    differing = {}
    for entry in manifest.get("tables", {}).values():
        files = [(entry["file"], entry["digest"])]
        if entry.get("csv"):
            files.append((entry["csv"], entry.get("csv_digest")))
        for file, expected in files:
            path = folder / file
            if not path.is_file():
                differing[file] = "missing"
                continue
            try:
                problem = _listed_file_problem(path, entry, expected, file == entry["file"])
            except (ModelInputError, ValueError, OSError):
                problem = "unreadable"
            if problem:
                differing[file] = problem
    return differing


def _listed_file_problem(path: Path, entry: Mapping[str, Any], expected: str | None, main: bool) -> str | None:
    """What is wrong with one listed file (None: it is as the manifest says)."""
    parquet = path.suffix == ".parquet"
    table = _read_parquet(path) if parquet else None
    if parquet and main and "file_sha256" in entry and file_digest(path) != entry["file_sha256"]:
        return "changed since it was written (its SHA-256 differs from the manifest's)"
    if (digest(table) if table is not None else file_digest(path)) != expected:
        return "changed since it was written"
    if main:
        rows = len(table) if table is not None else len(pd.read_csv(path))
        if entry.get("rows") != rows or isinstance(entry.get("rows"), bool):
            return f"holds {rows} rows, the manifest says {entry.get('rows')!r}"
    return None


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes, read in blocks."""
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


# --- ownership, locks, staging ----------------------------------------------------------------

def owned(folder: Path) -> dict[str, Any] | None:
    """The manifest of ``folder`` if this tool wrote it, else None."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # RecursionError: JSON nested too deep
        return None
    if not isinstance(manifest, dict):
        return None
    ours = manifest.get("tool") == TOOL or (manifest.get("kind") in KINDS and "environment" in manifest)
    return manifest if ours else None


OWN_FILES = (MANIFEST, COLUMNS, "summary.md")
"""Files this tool writes into every kind of results folder besides the tables its manifest lists."""
KIND_FILES: dict[str, set[str]] = {kind: set() for kind in KINDS}
"""Further files a kind of results folder holds, named by their writers (:func:`own_files`)."""


def own_files(kind: str, *names: str) -> None:
    """Declare that results folders of ``kind`` hold the files ``names`` (e.g. a calibration's fit),
    so that replacing such a folder may delete them: a file no writer declared is never deleted."""
    KIND_FILES[kind].update(names)
PARTS = "parts"
"""The subfolder of runs stored while an experiment runs (see store.py)."""
PART = re.compile(r"part-\d{6}")
FIGURES = "figures"
DRAWN = ".drawn"
"""In a results folder's ``figures/``: the names of the files this tool drew there, one a line."""
CONTAINERS = ("runs",)
"""Subfolders of a results folder that hold results folders (an analysis's sweeps)."""
STAGING_MARK = ".surveillance-export-controls-staging"
"""The file inside a hidden staging or retired copy's folder that marks it as this tool's."""


def foreign_entries(folder: Path, manifest: Mapping[str, Any] | None = None) -> list[str]:
    """The entries of the results folder ``folder`` this tool did not write, as paths relative to it
    (empty when replacing the folder deletes nothing of anyone else's): everything but the manifest,
    the tables it lists with their CSV copies, ``columns.csv``, ``summary.md``, the files its kind's
    writers declared (:func:`own_files`), committed parts, the figures recorded in ``figures/.drawn``, subfolders that are results folders
    of this tool's holding nothing foreign, and this tool's temporary files. A symbolic link is
    never this tool's."""
    manifest = owned(folder) if manifest is None else manifest
    if manifest is None:
        return ["."]
    tables = manifest.get("tables", {}) if isinstance(manifest.get("tables"), dict) else {}
    listed = {*OWN_FILES, *KIND_FILES.get(manifest.get("kind"), ()),
              *(e.get(k) for e in tables.values() if isinstance(e, dict) for k in ("file", "csv"))}
    found: list[str] = []
    for entry in sorted(folder.iterdir()):
        name = entry.name
        if entry.is_symlink():
            found.append(name)
        elif entry.is_file() and (name in listed or TEMPORARY.fullmatch(name)):
            continue
        elif _real_dir(entry) and (name in (PARTS, FIGURES, *CONTAINERS) or _marked(entry) or owned(entry)):
            found += [f"{name}/{p}" for p in _foreign_inside(entry)]
        else:
            found.append(name)
    return found


def _foreign_inside(entry: Path) -> list[str]:
    """The foreign entries of a subfolder of a results folder (see :func:`foreign_entries`)."""
    if entry.name == PARTS:
        return [p.name for p in sorted(entry.iterdir()) if not stored_part(p)]
    if entry.name == FIGURES:
        try:
            drawn = set((entry / DRAWN).read_text(encoding="utf-8").splitlines())
        except (OSError, UnicodeDecodeError):
            drawn = set()
        return [p.name for p in sorted(entry.iterdir()) if p.name != DRAWN
                and not (p.name in drawn and p.is_file() and not p.is_symlink())]
    if _marked(entry):  # a killed write's staging copy: all of it this tool's
        return []
    if entry.name in CONTAINERS and not owned(entry):
        return [f"{p.name}/{f}" if f != "." else p.name for p in sorted(entry.iterdir())
                for f in (foreign_entries(p) if _real_dir(p) else ["."])]
    return foreign_entries(entry)


def stored_part(path: Path) -> bool:
    """Whether ``path`` in ``parts/`` is a part this tool stored (committed, or a killed write's)."""
    return (_real_dir(path) and bool(PART.fullmatch(path.name) or TEMPORARY.fullmatch(path.name))
            and all(f.is_file() and not f.is_symlink() for f in path.iterdir()))


def _real_dir(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def _marked(path: Path) -> bool:
    """Whether ``path`` is a hidden staging or retired copy's folder made by this tool."""
    return path.name.startswith(".") and _real_dir(path) and (path / STAGING_MARK).is_file()


def note_drawn(path: Path) -> None:
    """Record that this tool drew the figure file ``path``, when it is in a results folder's
    ``figures/`` (so that replacing the folder deletes it, and only it)."""
    folder = path.parent
    results = folder.parent
    if folder.name == FIGURES and ((results / MANIFEST).is_file() or (results.parent / STAGING_MARK).is_file()):
        ledger = folder / DRAWN
        refuse_link(ledger, "list of figures")
        with open(ledger, "a+", encoding="utf-8", errors="replace") as drawn:
            drawn.seek(0)
            if path.name not in drawn.read().splitlines():
                drawn.write(path.name + "\n")


def refuse_foreign(folder: Path, manifest: Mapping[str, Any] | None = None) -> None:
    """A :class:`FolderExistsError` naming what inside ``folder`` this tool did not write, if anything."""
    found = foreign_entries(folder, manifest)
    if found:
        shown = ", ".join(found[:5]) + (f" and {len(found) - 5} more" if len(found) > 5 else "")
        raise FolderExistsError(folder, f"holds files this tool did not write ({shown}); they are never "
                                "deleted: move them elsewhere, or write to another folder")


HOLDER_WAIT = 1.0
"""Seconds a refused writer waits for the lock holder's line (written just after it takes the lock)."""


def _holder(handle: Any) -> str:
    """Who holds a lock, from the line the holder writes just after taking it (a holder that has
    only just taken it is given :data:`HOLDER_WAIT` seconds to write it)."""
    deadline = time.monotonic() + HOLDER_WAIT
    while True:
        handle.seek(0)
        line = " ".join(handle.read().split())
        if line or time.monotonic() > deadline:
            return line or "another process"
        time.sleep(0.02)


LOCK_LINE = re.compile(r"pid \d+, ")
"""How the line a lock's holder writes begins (a lock file without it is not this tool's)."""


class FolderLock:
    """An exclusive lock on a results folder: ``flock`` on ``.<name>.lock`` beside it, so the lock
    dies with the process that holds it (a stale lock file never blocks)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder.with_name(f".{folder.name}.lock")
        self._handle: Any = None

    def acquire(self) -> FolderLock:
        if fcntl is None:
            return self
        while True:
            handle = self._open()
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                holder = _holder(handle)
                handle.close()
                raise ModelInputError(str(self.folder), f"another process is writing this results folder "
                                      f"({holder})", expected="one writer at a time") from None
            try:
                same = os.fstat(handle.fileno()).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:  # not a file its last holder removed meanwhile
                break
            handle.close()
        handle.seek(0)
        if not LOCK_LINE.match(handle.read(200) or "pid 0, "):  # empty: a holder killed at once
            handle.close()
            raise ModelInputError(str(self.path), "a file this tool did not write has the name of the results "
                                  "folder's lock; it is never replaced",
                                  expected="no such file beside the folder: move it, or write to another folder")
        handle.truncate(0)
        handle.write(f"pid {os.getpid()}, started {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M:%S} UTC: "
                     f"{' '.join(sys.argv)[:200]}\n")
        handle.flush()
        self._handle = handle
        return self

    def _open(self) -> Any:
        """The lock file, opened (created if need be); never through a symbolic link, never a
        folder, pipe or device of that name."""
        try:
            self.folder.parent.mkdir(parents=True, exist_ok=True)
            if os.path.lexists(self.path) and not stat.S_ISREG(os.lstat(self.path).st_mode):
                raise ModelInputError(str(self.path), "is not a lock file of this tool's (a folder, link or "
                                      "special file has its name); it is never replaced",
                                      expected="no such entry beside the folder: move it, or write to another folder")
            descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0), 0o666)
        except OSError as exc:
            raise ModelInputError(str(self.folder), f"cannot write the output folder ({exc.strerror})",
                                  expected="a writable location") from None
        return os.fdopen(descriptor, "a+", errors="replace")

    def release(self) -> None:
        if self._handle is not None:
            with contextlib.suppress(OSError):
                self.path.unlink()
            self._handle.close()
            self._handle = None

    def __enter__(self) -> FolderLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def clean_leftovers(folder: Path) -> list[Path]:
    """Remove the staging and retired copies of ``folder`` a killed write left beside it (call with
    the folder's lock held): hidden folders marked as this tool's (:data:`STAGING_MARK`), never a
    user's look-alike; returns what was removed."""
    removed = []
    if folder.parent.is_dir():
        for pattern in (f".{folder.name}.partial-*", f".{folder.name}.old-*"):
            for path in folder.parent.glob(pattern):
                if _marked(path):
                    shutil.rmtree(path, ignore_errors=True)
                    removed.append(path)
    return removed


def _aside(folder: Path, what: str) -> Path:
    """A new hidden folder beside ``folder``, ``.<name>.<what>-XXXXXXXX`` (a name no entry had),
    marked as this tool's: staging and retired copies are made inside it."""
    wrapper = Path(tempfile.mkdtemp(prefix=f".{folder.name}.{what}-", dir=folder.parent))
    try:
        (wrapper / STAGING_MARK).touch()
    except BaseException:
        shutil.rmtree(wrapper, ignore_errors=True)
        raise
    return wrapper


def check_writable(folder: Path) -> None:
    """A :class:`ModelInputError` unless ``folder`` could be created where it is."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        os.rmdir(tempfile.mkdtemp(prefix=f".{folder.name}.probe-", dir=folder.parent))
    except OSError as exc:
        raise ModelInputError(str(folder), f"cannot write the output folder ({exc.strerror})",
                              expected="a writable location") from None


def claim(folder: Path, kind: str, *, resume: bool = False, force: bool = False, resumable: bool = True) -> bool:
    """Decide what to do with ``folder`` before writing (the lock held): True to continue the
    experiment stored there (``resume``); False for a new folder (an empty one, or one this tool
    wrote, holding nothing else, that ``force`` replaces). Anything else is refused with
    :class:`FolderExistsError` (which offers ``resume`` only for a ``resumable`` kind of folder)."""
    if resume and force:
        raise ModelInputError("resume, force", "both given: resuming continues the folder, forcing replaces it",
                              expected="one of them")
    refuse_link(folder)
    clean_leftovers(folder)
    if not folder.exists():
        check_writable(folder)
        return False
    if not folder.is_dir():
        raise FolderExistsError(folder, "exists and is not a folder")
    if not any(p for p in folder.iterdir()):
        return False
    manifest = owned(folder)
    if manifest is None:
        raise FolderExistsError(folder, "exists and was not written by this tool (no manifest of ours); "
                                "it is never replaced")
    if manifest.get("kind") != kind:
        if resume:
            raise FolderExistsError(folder, f"holds a {manifest.get('kind')}, not a {kind}; cannot resume it",
                                    options=("force",))
        if not force:
            raise FolderExistsError(folder, "output folder exists", options=("force",))
    elif resume:
        return True
    elif not force:
        raise FolderExistsError(folder, "output folder exists", options=("resume", "force") if resumable else ("force",))
    refuse_foreign(folder, manifest)
    retire(folder)
    return False


def retire(folder: Path) -> None:
    """Remove a folder this tool wrote: moved into a new hidden folder beside it first, so it
    vanishes at once (and a killed removal is finished the next time)."""
    try:
        wrapper = _aside(folder, "old")
    except OSError:  # no room for even an empty folder (a full disk): removed where it is
        shutil.rmtree(folder, ignore_errors=True)
        return
    folder.rename(wrapper / folder.name)
    shutil.rmtree(wrapper, ignore_errors=True)


def write_atomically(out: Path, kind: str, fill: Callable[[Path], Mapping[str, Any]], *,
                     force: bool = False) -> Path:
    """Create ``out`` complete or not at all: ``fill`` writes into a staging folder beside it and
    returns the manifest, which is written last; then the folder is renamed into place. A failed
    write (a full disk) leaves nothing: :class:`CannotWriteError`."""
    with FolderLock(out):
        claim(out, kind, force=force, resumable=False)
        wrapper = None
        try:
            wrapper = _aside(out, "partial")
            staging = wrapper / out.name
            os.mkdir(staging)
            manifest = fill(staging)
            write_manifest(staging, {"kind": kind, **manifest})
            if out.exists():  # empty
                out.rmdir()
            staging.rename(out)
        except OSError as exc:
            raise CannotWriteError(out, write_failure(exc), "nothing was written") from None
        finally:
            if wrapper is not None:
                shutil.rmtree(wrapper, ignore_errors=True)
    return out


@contextlib.contextmanager
def staged_subfolder(folder: Path) -> Iterator[Path]:
    """A subfolder (e.g. ``analysis/``) written completely or not at all: yields a staging folder
    that replaces ``folder`` on success and is removed on failure. Only an empty folder, or one this
    tool wrote holding nothing else, is replaced (:class:`FolderExistsError` otherwise, before
    anything is written)."""
    refuse_link(folder, "folder of results")
    if folder.exists() and not (folder.is_dir() and (owned(folder) or not any(folder.iterdir()))):
        raise FolderExistsError(folder, "exists and was not written by this tool (no manifest of ours); "
                                "it is never replaced")
    if folder.exists() and owned(folder):
        refuse_foreign(folder)
    try:
        wrapper = _aside(folder, "partial")
        staging = wrapper / folder.name
        os.mkdir(staging)
    except OSError as exc:
        raise ModelInputError(str(folder), f"cannot write ({write_failure(exc)})",
                              expected="a writable results folder") from None
    try:
        yield staging
        if folder.exists():
            retire(folder)
        staging.rename(folder)
    except OSError as exc:
        raise CannotWriteError(folder, write_failure(exc), "nothing was written") from None
    finally:
        shutil.rmtree(wrapper, ignore_errors=True)
