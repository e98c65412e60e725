"""``analyze``: a finished sweep's analysis tables and figures, written next to its results."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

from model.analysis.sweep_analysis import (
    coalition_steps,
    feature_scores,
    feature_scoring_missing,
    point_summary,
    read_results,
    sensitivity,
)
from model.errors import ModelInputError
from model.experiment.results import (
    build_manifest,
    manifest_tables,
    staged_subfolder,
    write_manifest,
    write_tables,
)


def analyze(folder: str | Path, *, figures: bool = True) -> list[Path]:
    """Write the analysis tables to ``folder/analysis/`` (a results folder of kind "analysis",
    written completely or not at all) and the figures to ``folder/figures/``; returns the files
    written. The tables: per-point summaries, Sobol or Morris indices (sampled designs), feature
    scores (any design, with the extra ``strategy``; without it a ``UserWarning`` says so) and
    coalition steps."""
    results = read_results(folder)
    drawn = results.folder / "figures"
    if figures and drawn.exists() and not drawn.is_dir():
        raise ModelInputError(str(drawn), "exists and is not a folder", expected="a folder for the figures, or "
                              "--no-figures")
    missing = feature_scoring_missing()
    if missing:
        warnings.warn(missing, UserWarning, stacklevel=2)
    tables = {"points": point_summary(results), "sensitivity": sensitivity(results),
              "feature_scores": pd.DataFrame() if missing else feature_scores(results),
              "coalition": coalition_steps(results)}
    tables = {name: table for name, table in tables.items() if len(table)}
    labels = {column: ("", f"sweep parameter {label}") for column, label in results.labels.items()}
    out = results.folder / "analysis"
    with staged_subfolder(out) as staging:
        entries = write_tables(staging, tables, labels)
        settings = {"status": "complete", "sweep": results.manifest.get("name")}
        write_manifest(staging, build_manifest("analysis", settings, []) | manifest_tables(entries))
    written = [out / entry.get("csv", entry["file"]) for name, entry in entries.items() if name != "columns"]
    if figures:
        from model.analysis.sweep_figures import draw_sweep_figures

        written += draw_sweep_figures(results.folder)
    return written
