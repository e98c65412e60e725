"""Figures of the strategy analyses: Shapley bars with intervals, the stability map, the
cost-effectiveness frontier and PRIM's trade-off curve and box (house style of :mod:`model.plots`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from model.plots import SCENARIO_PALETTE, save, style

LAYER_NAMES = {"all": "all layers", "camera": "cameras", "algorithm_1n": "1:N algorithms",
               "training_data": "training data"}
OUTCOME_NAMES = {"denial_effectiveness": "Denial effectiveness (share of target capability denied)",
                 "revenue_lost": "Revenue lost by controlling-country vendors (US$ bn)"}


def shapley_bars(shapley: pd.DataFrame) -> Figure:
    """One panel per outcome: each partner's Shapley value per layer, with 95% intervals."""
    layers = list(dict.fromkeys(shapley["layer"]))
    first = shapley[(shapley["layer"] == layers[0]) & (shapley["outcome"] == "denial_effectiveness")]
    partners = list(first.sort_values("shapley", ascending=False)["partner"])
    with style():
        fig = Figure(figsize=(11, 0.45 * len(partners) * max(1, len(layers) * 0.6) + 2))
        axes = fig.subplots(1, 2, sharey=True)
        height = 0.8 / len(layers)
        for ax, outcome in zip(axes, OUTCOME_NAMES):
            scale = 1e-9 if outcome == "revenue_lost" else 1.0
            for k, layer in enumerate(layers):
                rows = shapley[(shapley["layer"] == layer) & (shapley["outcome"] == outcome)]
                rows = rows.set_index("partner").loc[partners]
                y = np.arange(len(partners)) + (k - (len(layers) - 1) / 2) * height
                error = np.vstack([rows["shapley"] - rows["shapley_low"], rows["shapley_high"] - rows["shapley"]])
                ax.barh(y, rows["shapley"] * scale, height=height * 0.9, xerr=error * scale,
                        color=SCENARIO_PALETTE[k % len(SCENARIO_PALETTE)], label=LAYER_NAMES[layer],
                        error_kw={"elinewidth": 1, "capsize": 2})
            ax.axvline(0, color="black", linewidth=0.8)
            ax.set_xlabel(OUTCOME_NAMES[outcome])
        axes[0].set_yticks(np.arange(len(partners)), partners)
        axes[0].invert_yaxis()
        method = shapley["method"].iloc[0]
        axes[0].set_title("What each partner adds to the denial", loc="left")
        axes[1].set_title("...and to the revenue its controls cost", loc="left")
        if len(layers) > 1:
            axes[1].legend(title="controlled layers", loc="lower right")
        fig.suptitle(f"Shapley values of potential partners ({method}; bars: 95% intervals over replicates"
                     + (" and permutation sampling)" if method == "sampled" else ")"), x=0.01, ha="left")
    return fig


def stability_map(formation: pd.DataFrame, membership: pd.DataFrame, players: Sequence[str]) -> Figure:
    """Per agreement variant: for each partner and weight on denial, the share of stable coalitions
    that include it (colour), the number of stable coalitions (top) and the accession outcome (dots)."""
    variants = list(dict.fromkeys(formation["variant"]))
    uniform = formation[formation["rule"] == "uniform"]
    weights = sorted(uniform["weight"].unique())
    with style():
        fig = Figure(figsize=(3.2 * len(variants) + 1.5, 0.42 * len(players) + 2.2))
        axes = np.atleast_1d(fig.subplots(1, len(variants), sharey=True, squeeze=False)[0])
        image = None
        for ax, variant in zip(axes, variants):
            grid = np.full((len(players), len(weights)), np.nan)
            shares = membership[membership["variant"] == variant]
            for _, row in shares.iterrows():
                grid[players.index(row["partner"]), weights.index(row["weight"])] = row["share_of_stable"]
            image = ax.imshow(grid, aspect="auto", cmap="Blues", vmin=0, vmax=1,
                              extent=(-0.5, len(weights) - 0.5, len(players) - 0.5, -0.5))
            rows = uniform[uniform["variant"] == variant]
            for j, w in enumerate(weights):
                at = rows[rows["weight"] == w]
                count = int((at["kind"] == "stable").sum())
                ax.text(j, -0.7, str(count), ha="center", va="bottom", fontsize=8)
                joined = at[at["kind"] == "accession"]["members"].iloc[0]
                for p in filter(None, joined.split("+")):
                    ax.plot(j, players.index(p), "o", color="#d95f02", markersize=4)
            ax.set_xticks(range(len(weights)), [f"{w:g}" for w in weights], fontsize=8)
            ax.set_xlabel("weight on denial (0: revenue only, 1: denial only)")
            ax.set_title(variant, loc="left", pad=16)
            ax.grid(False)
        axes[0].set_yticks(range(len(players)), players)
        fig.colorbar(image, ax=list(axes), label="share of stable coalitions that include the partner")
        fig.suptitle("Which coalitions are stable (numbers: how many) and where sequential accession ends "
                     "(dots)", x=0.01, ha="left")
    return fig


def coalition_figures(result, folder: Path, players: Sequence[str]) -> list[Path]:
    """Every figure of a coalitions analysis, as PNG and SVG in ``folder``."""
    paths = save(shapley_bars(result.shapley), folder, "shapley")
    if len(result.formation):
        paths += save(stability_map(result.formation, result.membership, list(players)), folder, "stability_map")
    return paths
