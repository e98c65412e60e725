"""``analyze``: a finished sweep's analysis tables and figures, written next to its results."""

from __future__ import annotations

from pathlib import Path

from model.analysis.sweep_analysis import coalition_steps, point_summary, read_results, sensitivity
from model.errors import ModelInputError
from model.experiment.folders import manifest_tables, staged_subfolder, write_manifest, write_tables
from model.experiment.manifest import build_manifest


def analyze(folder: str | Path, *, figures: bool = True) -> list[Path]:
    """Write the analysis tables to ``folder/analysis/`` (a results folder of kind "analysis",
    written completely or not at all) and the figures to ``folder/figures/``; returns the files
    written."""
    results = read_results(folder)
    drawn = results.folder / "figures"
    if figures and drawn.exists() and not drawn.is_dir():
        raise ModelInputError(str(drawn), "exists and is not a folder", expected="a folder for the figures, or "
                              "--no-figures")
    tables = {"points": point_summary(results), "sensitivity": sensitivity(results),
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
