"""Failed writes named by the results folder to resume: a full disk or a file-size limit in any
command that stores runs (run, compare, sweep, calibrate, the strategy analyses)."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def stored_in(folder: Path) -> Iterator[None]:
    """A failed write inside the results folder ``folder`` (a full disk, a file-size limit), in one
    of the experiments stored there (an analysis's sweeps) or in a calibration's database, named by
    ``folder``, the one to resume; a folder this command created that holds no manifest yet is removed."""
    from model.experiment.results import CannotWriteError, owned

    new = not folder.exists()
    try:
        yield
    except Exception as exc:
        cause = _write_cause(exc)
        if cause is None or (isinstance(exc, CannotWriteError) and exc.folder == folder):
            raise
        if new and folder.is_dir() and owned(folder) is None:
            shutil.rmtree(folder, ignore_errors=True)
            raise CannotWriteError(folder, cause, "nothing was stored: the folder is removed") from None
        raise CannotWriteError(folder, cause, "").at(folder) from None


def _write_cause(exc: BaseException) -> str | None:
    """What a failed write was, in words, or None when ``exc`` is not one: an operating-system or
    pyarrow ``OSError``, or SQLite's full or failing disk (under an ORM's error)."""
    from model.experiment.results import CannotWriteError, write_failure

    if isinstance(exc, CannotWriteError):
        return exc.cause
    if isinstance(exc, OSError):
        return write_failure(exc)
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, sqlite3.OperationalError) and ("full" in str(seen) or "I/O error" in str(seen)):
            return f"the database could not be written: {seen}; a full disk or a file-size limit"
        seen = seen.__cause__ or seen.__context__
    return None
