"""An analysis results folder, written with the experiment engine's one writer
(:mod:`model.experiment.folders`): the sweeps it runs (each resumable) under ``runs/``, its tables
(Parquet, CSV copies, ``columns.csv``), ``figures/`` and a manifest of kind "analysis" whose
``status`` is "running" until the end.

    results/<analysis>/
      manifest.json      kind "analysis", the analysis ("coalitions", "frontier"), the file as read,
                         seeds, versions, git commit, every table's digest
      runs/<game>/       one sweep results folder per set of designs (resumed with --resume)
      <table>.parquet    the analysis tables (and .csv copies), described in columns.csv
      figures/           PNG and SVG figures

The folder is locked while the analysis runs. A killed analysis keeps its finished runs;
``--resume`` continues it (each sweep resumes only with the same designs, so an analysis whose runs
are stored can be redone with other formation weights; the manifest is replaced only when it
finishes), ``--force`` replaces it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from model.errors import ModelInputError
from model.experiment.results import (
    FolderLock,
    build_manifest,
    claim,
    manifest_tables,
    owned,
    write_manifest,
    write_tables,
)

KIND = "analysis"

COLUMNS: dict[str, tuple[str, str]] = {
    "layer": ("", "the controlled layers of the game: 'all' (the scenario's) or one layer"),
    "outcome": ("", "the outcome valued: denial_effectiveness (0-1) or revenue_lost (US$)"),
    "partner": ("ISO3", "a potential partner of the leader"),
    "shapley": ("outcome's unit", "Shapley value: mean marginal contribution over orders of joining"),
    "shapley_low": ("outcome's unit", "lower end of the 95% interval of the Shapley value"),
    "shapley_high": ("outcome's unit", "upper end of the 95% interval of the Shapley value"),
    "standard_error": ("outcome's unit", "permutation-sampling standard error (0 when exact)"),
    "banzhaf": ("outcome's unit", "Banzhaf index: mean marginal contribution over coalitions without the partner"),
    "rank": ("", "rank of the partner's Shapley value in its game (1 = largest)"),
    "method": ("", "exact (every coalition) or sampled (random orders)"),
    "permutations": ("", "random orders drawn (sampled values)"),
    "stopped": ("", "why sampling stopped: tolerance or budget"),
    "sum_of_values": ("outcome's unit", "sum of the partners' Shapley values"),
    "grand_minus_leader_alone": ("outcome's unit", "v(all partners) - v(leader alone): what the values sum to"),
    "leader_alone": ("outcome's unit", "the outcome of the leader alone"),
    "grand_coalition": ("outcome's unit", "the outcome of the leader with every partner"),
    "coalition": ("", "coalition as a bit mask over the partners (bit i: the i-th partner)"),
    "members": ("", "the partners in the coalition, '+'-separated (empty: the leader alone)"),
    "size": ("", "number of partners in the coalition"),
    "variant": ("", "agreement variant of the formation analysis"),
    "weight": ("0-1", "weight on denial in the payoff (NaN: weights from a data column)"),
    "rule": ("", "uniform weight, or revealed:<column> (weights from a membership column)"),
    "kind": ("", "stable (internally and externally stable) or accession (sequential accession)"),
    "share_of_stable": ("0-1", "share of the stable coalitions that include the partner"),
    "stable_count": ("", "number of stable coalitions"),
    "design_id": ("", "design number, in the order evaluated"),
    "label": ("", "the design in words"),
    "partners": ("", "partners joining the leader, '+'-separated"),
    "layers": ("", "controlled layers, '+'-separated"),
    "enforcement": ("0-1", "enforcement of the agreement and national controls"),
    "extraterritorial": ("", "US extraterritorial rules on"),
    "no_undercut": ("", "no-undercut commitment on"),
    "pareto": ("", "on the cost-effectiveness frontier (no evaluated design beats it on both means)"),
}
"""Meanings of the analysis tables' columns (``columns.csv``); outcomes use the engine's dictionary."""


@dataclass(frozen=True)
class AnalysisFolder:
    """An open analysis results folder (its lock held until :func:`open_analysis` exits)."""

    path: Path
    analysis: str
    manifest: dict[str, Any]

    def runs(self, name: str) -> Path:
        """The sweep folder of the designs ``name``."""
        return self.path / "runs" / name

    def figures(self) -> Path:
        (self.path / "figures").mkdir(exist_ok=True)
        return self.path / "figures"

    def finish(self, tables: Mapping[str, pd.DataFrame]) -> None:
        """Write the tables (and columns.csv), then the complete manifest with their digests."""
        losses = {c: ("0-1", (f"revenue lost by {c.removeprefix('loss_share_')}'s vendors, as a share of their "
                      "no-controls revenue (negative: they gained)"))
                  for t in tables.values() for c in t.columns if c.startswith("loss_share_")}
        written = write_tables(self.path, {n: t.reset_index(drop=True) for n, t in tables.items()},
                               COLUMNS | losses)
        write_manifest(self.path, {**self.manifest, "status": "complete",
                                   "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                                   **manifest_tables(written)})


@contextlib.contextmanager
def open_analysis(path: Path, analysis: str, settings: dict[str, Any], command: list[str], *,
                  resume: bool = False, force: bool = False) -> Iterator[AnalysisFolder]:
    """Start ``path`` (an existing folder is refused unless ``resume`` or ``force``) or continue it,
    holding its lock throughout. A new folder gets a "running" manifest at once; a resumed one keeps
    its manifest until :meth:`AnalysisFolder.finish`, so a refused or failed resume (its runs stored
    with other settings, or damaged) leaves it as it was."""
    manifest = build_manifest(KIND, {"analysis": analysis, **settings}, command)
    with FolderLock(path):
        if claim(path, KIND, resume=resume, force=force):
            stored = (owned(path) or {}).get("analysis")
            if stored != analysis:
                raise ModelInputError(str(path), f"--resume: the folder holds a {stored} analysis",
                                      expected=f"a {analysis} analysis folder, or --force to start again")
        else:
            os.makedirs(path, exist_ok=True)
            write_manifest(path, {**manifest, "status": "running"})
        yield AnalysisFolder(path, analysis, manifest)
