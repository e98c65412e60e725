"""An analysis results folder: the sweeps it runs (each resumable) under ``runs/``, its tables as CSV,
its figures under ``figures/`` and a manifest whose ``status`` is "running" until the end.

    results/<analysis>/
      manifest.json      kind, the analysis file as read, seeds, versions, git commit, table digests
      runs/<game>/       one sweep results folder per set of designs (resumed with --resume)
      <table>.csv        the analysis tables
      figures/           PNG figures

A killed analysis keeps its finished runs; ``--resume`` continues it, ``--force`` starts again.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from model.errors import ModelInputError
from model.experiment.folders import check_output, write_json
from model.experiment.manifest import build_manifest, digest

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class AnalysisFolder:
    """An open analysis results folder."""

    path: Path
    kind: str

    @classmethod
    def open(cls, path: Path, kind: str, settings: dict[str, Any], command: list[str], *,
             resume: bool = False, force: bool = False) -> AnalysisFolder:
        """Start ``path`` (refused if it exists, unless ``force``) or continue it (``resume``: the
        stored analysis must be of the same kind; each of its sweeps resumes only with the same
        designs, so an analysis whose runs are stored can be redone with other formation weights)."""
        manifest = build_manifest(kind, {"status": "running", "settings": settings}, command, {})
        if path.exists() and resume:
            stored = _read_manifest(path)
            if stored.get("kind") != kind:
                raise ModelInputError(str(path), f"--resume: the folder holds a {stored.get('kind')} analysis",
                                      expected=f"a {kind} analysis folder, or --force to start again")
        elif path.exists() and force:
            _read_manifest(path)  # only ever delete an analysis folder
            shutil.rmtree(path)
        elif path.exists():
            raise ModelInputError(str(path), "results folder exists; add --resume to continue the analysis "
                                  "or --force to replace it")
        if not path.exists():
            check_output(path, force=False)
            path.mkdir(parents=True)
        folder = cls(path, kind)
        folder._write_manifest(manifest)
        return folder

    def runs(self, name: str) -> Path:
        """The sweep folder of the designs ``name``."""
        return self.path / "runs" / name

    def figures(self) -> Path:
        (self.path / "figures").mkdir(exist_ok=True)
        return self.path / "figures"

    def finish(self, tables: dict[str, pd.DataFrame], settings: dict[str, Any], command: list[str]) -> None:
        """Write the tables, then the complete manifest with their digests."""
        for name, table in tables.items():
            temporary = self.path / f".{name}.{os.getpid()}.tmp"
            table.to_csv(temporary, index=False)
            os.replace(temporary, self.path / f"{name}.csv")
        self._write_manifest(build_manifest(self.kind, {
            "status": "complete", "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "settings": settings}, command, {name: digest(t) for name, t in tables.items()}))

    def _write_manifest(self, manifest: dict[str, Any]) -> None:
        temporary = self.path / f".{MANIFEST}.{os.getpid()}.tmp"
        write_json(temporary, manifest)
        os.replace(temporary, self.path / MANIFEST)


def _read_manifest(path: Path) -> dict[str, Any]:
    try:
        return json.loads((path / MANIFEST).read_text())
    except (OSError, ValueError):
        raise ModelInputError(str(path), "exists and is not an analysis results folder",
                              expected="a new folder, or one written by an analysis") from None
