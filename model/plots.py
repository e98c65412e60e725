"""Publication figures from stored results tables (they never re-simulate).

One style throughout: the Okabe-Ito colour-blind-safe palette, fonts readable at the saved size,
titles, axis labels with units, legends outside the data. Every figure is saved as PNG and SVG.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from model.experiment.metrics import interval  # noqa: E402
from model.vocabulary import ROUTES  # noqa: E402

OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"]
ROUTE_COLOURS = dict(zip(ROUTES, ["#999999", "#0072B2", "#E69F00", "#CC79A7", "#D55E00", "#56B4E9",
                                  "#009E73", "#F0E442"]))
ROUTE_LABELS = {
    "legal": "legal (licensed or home vendors)",
    "foreign_availability": "foreign availability",
    "transshipment": "transshipment via hubs",
    "extraterritorial_gap": "extraterritorial gap",
    "illicit": "illicit (enforcement failure)",
    "conversion": "1:1 converted to 1:N",
    "public_copies": "public dataset copies",
    "domestic": "domestic industry",
}
STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "font.size": 10.5,
    "axes.titlesize": 12,
    "axes.labelsize": 10.5,
    "legend.fontsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
}
CAPABILITY_LABEL = "Target-regime capability\n(population-weighted; 1 = world per-capita level 2019)"


def scenario_colours(names: Sequence[str]) -> dict[str, str]:
    """A stable colour per scenario; baselines are black."""
    colours, palette = {}, iter([c for c in OKABE_ITO[:-1] if c != "#F0E442"] * 3)  # no yellow lines
    for name in names:
        colours[name] = "#000000" if name == "baseline" or name.endswith(":baseline") else next(palette)
    return colours


def save(fig: Figure, folder: Path, name: str, formats: Sequence[str] = ("png", "svg")) -> list[Path]:
    """Save ``fig`` as ``folder/name.<format>`` for each format and close it."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in formats:
        path = folder / f"{name}.{fmt}"
        fig.savefig(path, bbox_inches="tight")
        paths.append(path)
    plt.close(fig)
    return paths


def _band(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Mean and 95% interval of ``column`` across replicates, per date."""
    rows = [(date, *interval(group[column])) for date, group in frame.groupby("date", sort=True)]
    return pd.DataFrame(rows, columns=["date", "mean", "low", "high"]).assign(date=lambda d: pd.to_datetime(d["date"]))


def capability_over_time(timeseries: pd.DataFrame, warmup_end: str | None = None) -> Figure:
    """Target capability per scenario with 95% bands (left) and the paired reduction (right)."""
    with plt.rc_context(STYLE):
        fig, (level, change) = plt.subplots(1, 2, figsize=(12, 4.6), layout="constrained")
        names = list(dict.fromkeys(timeseries["scenario"]))
        colours = scenario_colours(names)
        base = timeseries[timeseries["role"] == "baseline"]
        for name in names:
            runs = timeseries[timeseries["scenario"] == name]
            band = _band(runs, "target_capability")
            style = "--" if colours[name] == "#000000" else "-"
            level.plot(band["date"], band["mean"], style, color=colours[name], label=name, lw=1.8)
            level.fill_between(band["date"], band["low"], band["high"], color=colours[name], alpha=0.18, lw=0)
            if runs["role"].iat[0] == "policy":
                paired = runs.merge(base[["replicate", "step", "target_capability"]],
                                    on=["replicate", "step"], suffixes=("", "_baseline"))
                paired["reduction"] = 100 * (1 - paired["target_capability"] / paired["target_capability_baseline"])
                band = _band(paired, "reduction")
                change.plot(band["date"], band["mean"], color=colours[name], label=name, lw=1.8)
                change.fill_between(band["date"], band["low"], band["high"], color=colours[name], alpha=0.18, lw=0)
        for ax in (level, change):
            if warmup_end:
                ax.axvline(pd.Timestamp(warmup_end), color="#555555", lw=0.8, ls=":")
                ax.annotate("controls may start", (pd.Timestamp(warmup_end), 1), xycoords=("data", "axes fraction"),
                            xytext=(3, -12), textcoords="offset points", fontsize=8.5, color="#555555")
            ax.set_xlabel("Date (quarters)")
        level.set_ylabel(CAPABILITY_LABEL)
        level.set_title("Surveillance capability of target regimes")
        change.set_ylabel("Reduction vs. baseline, same seeds (%)")
        change.set_title("Denial relative to the no-controls baseline")
        change.axhline(0, color="#000000", lw=0.8)
        level.legend(loc="upper left", bbox_to_anchor=(0, -0.16), ncol=3, frameon=False)
        fig.suptitle("Mean over replications with 95% intervals", fontsize=9.5, color="#444444")
        return fig


def leakage_by_route(summary: pd.DataFrame) -> Figure:
    """Stacked bars: of what controls blocked on the direct route, the share obtained by each route."""
    routes = [r for r in ROUTES if f"leakage_{r}" in summary and summary[f"leakage_{r}"].abs().max() > 1e-4]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(10, 0.6 * len(summary) + 2.4), layout="constrained")
        y = np.arange(len(summary))
        left = np.zeros(len(summary))
        for route in routes:
            share = 100 * summary[f"leakage_{route}"].fillna(0).to_numpy()
            ax.barh(y, share, left=left, color=ROUTE_COLOURS[route], label=ROUTE_LABELS[route], height=0.6,
                    edgecolor="white", lw=0.5)
            left += share
        for yi, total, low, high in zip(y, 100 * summary["leakage_rate"], 100 * summary["leakage_rate_low"],
                                        100 * summary["leakage_rate_high"]):
            ax.errorbar(total, yi, xerr=[[total - low], [high - total]], color="#000000", capsize=3, lw=1)
            ax.annotate(f"{total:.0f}%", (high, yi), xytext=(6, 0), textcoords="offset points", va="center")
        ax.set_yticks(y, summary["scenario"])
        ax.invert_yaxis()
        ax.set_xlim(0, 110)
        ax.set_xlabel("Share of blocked acquisitions that target regimes still obtained (%)")
        ax.set_title("Leakage by route: where the blocked capability came from instead")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, title="route")
        return fig


def effectiveness(summary: pd.DataFrame) -> Figure:
    """Dot and whisker: denial effectiveness and leakage rate per scenario with 95% intervals."""
    panels = [("denial_effectiveness", "Denial effectiveness (%)\n1 - capability / baseline at the horizon"),
              ("leakage_rate", "Leakage rate (%)\nblocked acquisitions obtained by other routes")]
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(1, 2, figsize=(11, 0.5 * len(summary) + 2.2), sharey=True, layout="constrained")
        colours = scenario_colours(summary["scenario"])
        y = np.arange(len(summary))
        for ax, (metric, label) in zip(axes, panels):
            mean = 100 * summary[metric].to_numpy()
            low, high = 100 * summary[f"{metric}_low"].to_numpy(), 100 * summary[f"{metric}_high"].to_numpy()
            for yi, m, lo, hi, name in zip(y, mean, low, high, summary["scenario"]):
                ax.errorbar(m, yi, xerr=[[m - lo], [hi - m]], fmt="o", color=colours[name], capsize=4, ms=7)
            ax.set_xlabel(label)
            ax.axvline(0, color="#000000", lw=0.8)
        axes[0].set_yticks(y, summary["scenario"])
        axes[0].invert_yaxis()
        fig.suptitle("Effectiveness of each control regime (mean and 95% interval over replications)")
        return fig
