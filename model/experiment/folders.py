"""Results folders, written atomically: a folder appears complete or not at all."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from model.errors import ModelInputError


def check_output(out: Path, force: bool) -> None:
    """Refuse an existing folder (unless ``force``) or a place we cannot write, before any work."""
    if out.exists() and not force:
        raise ModelInputError(str(out), "output folder exists; add --force to replace it")
    parent = out.parent if out.parent != Path("") else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryDirectory(dir=parent).cleanup()
    except OSError as exc:
        raise ModelInputError(str(out), f"cannot write the output folder ({exc.strerror})",
                              expected="a writable location") from None


def write_atomically(out: Path, fill: Callable[[Path], None], force: bool = False) -> Path:
    """Create ``out`` by letting ``fill`` write into a temporary sibling, then renaming it into place."""
    check_output(out, force)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    try:
        fill(staging)
        if out.exists():
            retired = out.with_name(f".{out.name}.old-{os.getpid()}")
            out.rename(retired)
            staging.rename(out)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, default=str) + "\n")
