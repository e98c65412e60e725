"""A comparison's figures and printed headline table (its folder is written by :meth:`Comparison.save`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from model.dates import Calendar
from model.errors import ModelInputError, check_name
from model.experiment import Comparison
from model.vocabulary import ROUTES

FIGURES = ("capability_over_time", "leakage_by_route", "leakage_over_time", "effectiveness", "flow_map",
           "market_share", "regime_capability")
"""The figures of a comparison, in the order they are drawn (``python run.py plot --figure NAME``)."""
NEEDS_POLICY = frozenset({"leakage_by_route", "leakage_over_time", "effectiveness", "flow_map"})
"""Figures that compare policies with their baselines: skipped when a folder holds only baselines."""


def write_comparison(comparison: Comparison, out: Path, command: list[str], force: bool = False) -> Path:
    """Write the comparison's results folder (:meth:`Comparison.save`) and draw its figures into it."""
    comparison.save(out, force=force, command=command)
    draw_figures(comparison, out / "figures")
    return out


def draw_figures(comparison: Comparison, folder: Path, only: str | Sequence[str] | None = None,
                 formats: Sequence[str] = ("png", "svg"), *, dpi: float | None = None,
                 compact: bool = False) -> list[Path]:
    """Draw the comparison's figures (or only those named) into ``folder``; returns the files.
    ``dpi`` and ``compact`` are passed to :func:`model.analysis.plots.save`.

    Unknown figure names or formats raise :class:`ModelInputError`. Figures that need policy runs
    are skipped for a folder of baselines only (an error when asked for by name).
    """
    from model.analysis import plots  # matplotlib only when drawing: the command line starts faster

    wanted = [only] if isinstance(only, str) else list(only) if only is not None else list(FIGURES)
    for name in wanted:
        check_name(name, FIGURES, "figure", "figure")
    for fmt in formats:
        check_name(fmt, plots.FORMATS, "format", "figure format")
    settings = comparison.settings.get("scenarios", {})
    order = list(settings)
    warmup_end = None
    if settings:
        first = next(iter(settings.values()))
        warmup_end = Calendar.from_settings(first).date_of(first["warmup"]).isoformat()
    ts = comparison.timeseries
    has_policy = len(comparison.summary) > 0 and "policy" in set(ts["role"])
    dates = ts.drop_duplicates("step").set_index("step")["date"].to_dict()
    targets = list(comparison.regimes["iso3"].unique()) if len(comparison.regimes) else None
    makers = {
        "capability_over_time": lambda: plots.capability_over_time(ts, warmup_end, order=order),
        "leakage_by_route": lambda: plots.leakage_by_route(comparison.summary, order=order),
        "leakage_over_time": lambda: plots.leakage_over_time(ts, warmup_end, order=order),
        "effectiveness": lambda: plots.effectiveness(comparison.summary, order=order),
        "flow_map": lambda: plots.flow_map(comparison.flows, targets=targets, order=order),
        "market_share": lambda: plots.market_share(ts, warmup_end, order=order),
        "regime_capability": lambda: plots.regime_capability(comparison.regimes, dates=dates,
                                                             warmup_end=warmup_end, order=order),
    }
    paths = []
    for name in FIGURES:
        if name not in wanted:
            continue
        if name in NEEDS_POLICY and not has_policy:
            if only is not None:
                raise ModelInputError(f"figure {name}", "needs a policy scenario; these results hold only "
                                      "baselines")
            continue
        if name == "regime_capability" and not len(comparison.regimes):
            continue
        paths += plots.save(makers[name](), Path(folder), name, formats, dpi=dpi, compact=compact)
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
    lines += ["", (f"Means over {n} paired replications; [95% interval]. Denial effectiveness = "
                   "1 - target capability / baseline at the horizon.")]
    return "\n".join(lines)
