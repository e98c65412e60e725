"""``analyze``: a finished sweep's analysis tables and figures, written next to its results."""

from __future__ import annotations

from pathlib import Path

from model.analysis.sweep_analysis import coalition_steps, point_summary, read_results, sensitivity


def analyze(folder: str | Path, *, figures: bool = True) -> list[Path]:
    """Write the analysis tables to ``folder/analysis/*.csv`` (and the figures to ``folder/figures/``);
    returns the files written."""
    results = read_results(folder)
    out = results.folder / "analysis"
    out.mkdir(exist_ok=True)
    tables = {"points": point_summary(results), "sensitivity": sensitivity(results),
              "coalition": coalition_steps(results)}
    written = []
    for name, table in tables.items():
        if len(table):
            table.to_csv(out / f"{name}.csv", index=False)
            written.append(out / f"{name}.csv")
    if figures:
        from model.analysis.sweep_figures import draw_sweep_figures

        written += draw_sweep_figures(results.folder)
    return written
