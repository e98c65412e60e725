"""A comparison's results folder: tables, manifest and figures — written atomically, read back."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from model import plots
from model.calendar import Calendar
from model.experiment import Comparison
from model.experiment.folders import write_atomically, write_json
from model.experiment.manifest import build_manifest, digest
from model.vocabulary import ROUTES

TABLES = {
    "summary": "summary.csv",
    "per_replication": "replications.csv",
    "timeseries": "timeseries.csv",
    "runs": "runs.csv",
    "flows": "flows.csv",
    "regimes": "regimes.csv",
}
FIGURES = ("capability_over_time", "leakage_by_route", "effectiveness")


def write_comparison(comparison: Comparison, out: Path, command: list[str], force: bool = False) -> Path:
    """Write tables, ``manifest.json`` and figures to ``out`` (refused if it exists, unless ``force``)."""
    digests = {name: digest(getattr(comparison, name)) for name in ("per_replication", "timeseries")}
    manifest = build_manifest("comparison", comparison.settings, command, digests)

    def fill(folder: Path) -> None:
        for attribute, filename in TABLES.items():
            getattr(comparison, attribute).to_csv(folder / filename, index=False)
        write_json(folder / "manifest.json", manifest)
        draw_figures(comparison, folder / "figures")

    return write_atomically(out, fill, force=force)


def read_comparison(folder: Path) -> Comparison:
    """The tables of a results folder written by :func:`write_comparison`."""
    tables = {name: pd.read_csv(folder / filename) for name, filename in TABLES.items()}
    settings = json.loads((folder / "manifest.json").read_text())
    return Comparison(settings=settings, **tables)


def draw_figures(comparison: Comparison, folder: Path, only: str | None = None,
                 formats: tuple[str, ...] = ("png", "svg")) -> list[Path]:
    """Draw the comparison's figures (or only the one named) into ``folder``."""
    first = next(iter(comparison.settings["scenarios"].values()))
    warmup_end = Calendar.from_settings(first).date_of(first["warmup"]).isoformat()
    makers = {
        "capability_over_time": lambda: plots.capability_over_time(comparison.timeseries, warmup_end),
        "leakage_by_route": lambda: plots.leakage_by_route(comparison.summary),
        "effectiveness": lambda: plots.effectiveness(comparison.summary),
    }
    paths = []
    for name, make in makers.items():
        if only in (None, name) and (name == "capability_over_time" or len(comparison.summary)):
            paths += plots.save(make(), folder, name, formats)
    return paths


def headline_table(summary: pd.DataFrame) -> str:
    """The printed table: per policy, effectiveness and leakage with 95% intervals, the leakage
    split by route, and revenue lost by controlling-country vendors."""
    def ci(row: pd.Series, metric: str, scale: float = 100, unit: str = "%") -> str:
        return (f"{row[metric] * scale:6.1f}{unit} [{row[f'{metric}_low'] * scale:5.1f}, "
                f"{row[f'{metric}_high'] * scale:5.1f}]")

    lines = [
        f"{'scenario':<32} {'denial effectiveness':<24} {'leakage rate':<24} {'revenue lost (US$ bn)':<24}",
        "-" * 106,
    ]
    for _, row in summary.iterrows():
        lines.append(f"{row['scenario']:<32} {ci(row, 'denial_effectiveness'):<24} {ci(row, 'leakage_rate'):<24} "
                     f"{ci(row, 'revenue_lost', 1e-9, ''):<24}")
    lines += ["", "Leakage by route (% of what controls blocked on the direct route):"]
    routes = [r for r in ROUTES if summary[f"leakage_{r}"].abs().max() >= 0.0005]
    lines.append(f"{'scenario':<32} " + " ".join(f"{r[:13]:>13}" for r in routes))
    for _, row in summary.iterrows():
        lines.append(f"{row['scenario']:<32} " + " ".join(f"{100 * row[f'leakage_{r}']:13.1f}" for r in routes))
    n = int(summary["replications"].iat[0]) if len(summary) else 0
    lines += ["", f"Means over {n} paired replications; [95% interval]. Denial effectiveness = "
              "1 - target capability / baseline at the horizon."]
    return "\n".join(lines)
