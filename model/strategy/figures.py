"""Figures of the strategy analyses: Shapley bars with intervals, the stability map, the
cost-effectiveness frontier and PRIM's trade-off curve and box (house style of :mod:`model.analysis.plots`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from model.analysis.plots import SCENARIO_PALETTE, save, style

LAYER_NAMES = {"all": "all layers", "camera": "cameras", "algorithm_1n": "1:N algorithms",
               "training_data": "training data"}
OUTCOME_NAMES = {"denial_effectiveness": "Denial effectiveness (share of target capability denied)",
                 "revenue_lost": "Revenue lost by controlling-country vendors (US$ bn)"}
SHAPLEY_REVENUE = "Revenue lost by controlling-country vendors (US$ bn;\nnegative: the partner's joining lowers it)"


def shapley_bars(shapley: pd.DataFrame) -> Figure:
    """One panel per outcome: each partner's Shapley value per layer, with 95% intervals."""
    layers = list(dict.fromkeys(shapley["layer"]))
    first = shapley[(shapley["layer"] == layers[0]) & (shapley["outcome"] == "denial_effectiveness")]
    partners = list(first.sort_values("shapley", ascending=False)["partner"])
    with style():
        fig = Figure(figsize=(11, 0.45 * len(partners) * max(1, len(layers) * 0.6) + 2), layout="constrained")
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
            ax.set_xlabel(SHAPLEY_REVENUE if outcome == "revenue_lost" else OUTCOME_NAMES[outcome])
        axes[0].set_yticks(np.arange(len(partners)), partners)
        axes[0].invert_yaxis()
        method = shapley["method"].iloc[0]
        axes[0].set_title("What each partner adds to the denial", loc="left")
        axes[1].set_title("...and to the revenue its controls cost", loc="left")
        if len(layers) > 1:
            fig.legend(*axes[0].get_legend_handles_labels(), title="controlled layers", loc="outside lower center",
                       ncols=len(layers))
        fig.suptitle(f"Shapley values of potential partners ({method}; bars: 95% intervals over replicates"
                     + (" and permutation sampling)" if method == "sampled" else ")"), x=0.01, ha="left")
    return fig


def stability_map(formation: pd.DataFrame, membership: pd.DataFrame, players: Sequence[str]) -> Figure:
    """Per agreement variant: for each partner and weight on denial, the share of stable coalitions
    that include it (colour), the number of stable coalitions (top) and the accession outcome (dots)."""
    formation = formation.fillna({"members": ""})  # the leader alone: no partners (empty in CSV)
    variants = list(dict.fromkeys(formation["variant"]))
    uniform = formation[formation["rule"] == "uniform"]
    weights = sorted(uniform["weight"].unique())
    with style():
        fig = Figure(figsize=(max(8.0, 3.4 * len(variants) + 2.0), 0.42 * len(players) + 2.6), layout="constrained")
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
                ax.text(j, -0.6, str(count), ha="center", va="bottom", fontsize=8, clip_on=False)
                joined = at[at["kind"] == "accession"]["members"].iloc[0]
                for p in filter(None, joined.split("+")):
                    ax.plot(j, players.index(p), "o", color="#d95f02", markersize=4)
            ax.set_xticks(range(len(weights)), [f"{w:g}" for w in weights], fontsize=8)
            ax.set_xlabel("weight on denial")
            ax.set_title(variant, loc="left", pad=18)
            ax.grid(False)
        axes[0].set_yticks(range(len(players)), players)
        fig.colorbar(image, ax=list(axes), label="share of stable coalitions that include the partner")
        fig.suptitle("Stable coalitions by weight on denial (0: own revenue only, 1: denial only)\n(colour: share "
                     "of the stable coalitions that include the partner; numbers: how many are stable; dots: "
                     "sequential accession)",
                     x=0.01, ha="left", fontsize=10)
    return fig


def coalition_figures(result, folder: Path, players: Sequence[str]) -> list[Path]:
    """Every figure of a coalitions analysis, as PNG and SVG in ``folder``."""
    paths = save(shapley_bars(result.shapley), folder, "shapley")
    if len(result.formation):
        paths += save(stability_map(result.formation, result.membership, list(players)), folder, "stability_map")
    return paths


ZOOM_WHEN = 3.0
"""The frontier figure adds a panel zoomed on the designs when a named regime lies this many times
the designs' range beyond them (a global agreement would otherwise squeeze every design into a line)."""


def frontier_figure(result) -> Figure:
    """Denial against revenue lost: every evaluated design (grey), the Pareto frontier (line, with
    95% intervals) and the named regimes (labelled diamonds). When a named regime lies far beyond
    the designs (:data:`ZOOM_WHEN`), a second panel shows the designs on their own scale."""
    designs, regimes = result.designs, result.regimes
    bn = 1e-9
    zoom = _zoom_limits(designs, regimes, bn)
    with style():
        fig = Figure(figsize=(15, 6) if zoom else (9, 6), layout="constrained")
        axes = fig.subplots(1, 2 if zoom else 1, squeeze=False)[0]
        for ax in axes:
            _draw_frontier(ax, result, bn)
            ax.set_xlabel(OUTCOME_NAMES["revenue_lost"])
        axes[0].set_ylabel(OUTCOME_NAMES["denial_effectiveness"])
        axes[0].legend(loc="best", fontsize=8)
        if zoom:
            axes[0].indicate_inset(bounds=(zoom[0][0], zoom[1][0], zoom[0][1] - zoom[0][0], zoom[1][1] - zoom[1][0]),
                                   inset_ax=None, edgecolor="#555555")
            axes[1].set_xlim(*zoom[0])
            axes[1].set_ylim(*zoom[1])
            axes[1].set_title("the evaluated designs with their intervals (boxed on the left), on their own scale",
                              loc="left", fontsize=10)
            axes[1].set_ylabel(OUTCOME_NAMES["denial_effectiveness"])
        fig.suptitle("Cost-effectiveness frontier: the most denial for the revenue given up", x=0.01, ha="left")
    return fig


def _draw_frontier(ax, result, bn: float) -> None:
    designs, regimes, front = result.designs, result.regimes, result.frontier
    ax.scatter(designs["revenue_lost"] * bn, designs["denial_effectiveness"], s=12, color="#bbbbbb",
               label=f"evaluated designs ({len(designs)})", zorder=1)
    ax.errorbar(front["revenue_lost"] * bn, front["denial_effectiveness"],
                xerr=[(front["revenue_lost"] - front["revenue_lost_low"]) * bn,
                      (front["revenue_lost_high"] - front["revenue_lost"]) * bn],
                yerr=[front["denial_effectiveness"] - front["denial_effectiveness_low"],
                      front["denial_effectiveness_high"] - front["denial_effectiveness"]],
                fmt="o-", color=SCENARIO_PALETTE[0], markersize=5, elinewidth=0.8, capsize=2,
                label=f"Pareto-efficient designs ({len(front)})", zorder=3)
    for k, row in enumerate(regimes.to_dict("records")):
        colour = SCENARIO_PALETTE[(k + 1) % len(SCENARIO_PALETTE)]
        ax.errorbar(row["revenue_lost"] * bn, row["denial_effectiveness"],
                    xerr=[[(row["revenue_lost"] - row["revenue_lost_low"]) * bn],
                          [(row["revenue_lost_high"] - row["revenue_lost"]) * bn]],
                    yerr=[[row["denial_effectiveness"] - row["denial_effectiveness_low"]],
                          [row["denial_effectiveness_high"] - row["denial_effectiveness"]]],
                    fmt="D", color=colour, markersize=8, elinewidth=0.8, capsize=2, zorder=4,
                    label=row["scenario"].replace("_", " "))


def _zoom_limits(designs: pd.DataFrame, regimes: pd.DataFrame,
                 bn: float) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """``((x0, x1), (y0, y1))`` around the designs, or None when every named regime lies near them."""
    if not len(designs) or not len(regimes):
        return None
    limits = []
    for column, scale in (("revenue_lost", bn), ("denial_effectiveness", 1.0)):
        low = designs.get(f"{column}_low", designs[column]).min() * scale  # the designs and their intervals
        high = designs.get(f"{column}_high", designs[column]).max() * scale
        span = max(high - low, abs(high) * 0.1, 1e-9)
        limits.append((low - 0.15 * span, high + 0.15 * span))
        outside = np.maximum(regimes[column] * scale - high, low - regimes[column] * scale).max()
        limits[-1] = (*limits[-1], outside > ZOOM_WHEN * span)
    if not any(far for *_, far in limits):
        return None
    return (limits[0][0], limits[0][1]), (limits[1][0], limits[1][1])


def prim_figure(result) -> Figure:
    """Left: PRIM's trade-off curve (coverage against density along the peeling, colour: inputs
    restricted), the chosen box circled. Right: the chosen box — each input's range within the data,
    restricted inputs in colour."""
    trajectory, box = result.trajectory, result.box
    with style():
        fig = Figure(figsize=(12, 4.8), layout="constrained")
        left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.2]})
        points = left.scatter(trajectory["coverage"], trajectory["density"], c=trajectory["res_dim"], cmap="viridis",
                              s=18, zorder=2)
        chosen = trajectory[trajectory["chosen"]].iloc[0]
        left.scatter([chosen["coverage"]], [chosen["density"]], s=160, facecolors="none", edgecolors="#D55E00",
                     linewidths=2, zorder=3, label=f"chosen box (step {int(chosen['id'])})")
        left.set_xlabel("coverage (share of the cases where the outcome holds that are in the box)")
        left.set_ylabel("density (share of the box's cases where it holds)")
        left.set_xlim(-0.02, 1.02)
        left.set_ylim(0, 1.02)
        left.legend(loc="lower left", fontsize=8)
        fig.colorbar(points, ax=left, label="inputs restricted", ticks=sorted(trajectory["res_dim"].unique()))
        numeric = box[box["low"].notna()].reset_index(drop=True)
        for k, row in numeric.iterrows():
            span = (row["data_high"] - row["data_low"]) or 1.0
            low, high = (row["low"] - row["data_low"]) / span, (row["high"] - row["data_low"]) / span
            right.barh(k, 1.0, left=0.0, color="#eeeeee", height=0.6)
            right.barh(k, high - low, left=low, height=0.6,
                       color=SCENARIO_PALETTE[0] if row["restricted"] else "#bbbbbb")
            right.text(low, k + 0.38, f"{row['low']:.3g}", ha="left", va="bottom", fontsize=8)
            right.text(high, k + 0.38, f"{row['high']:.3g}", ha="right", va="bottom", fontsize=8)
        right.set_yticks(range(len(numeric)), numeric["input"])
        right.set_xlim(0, 1)
        right.set_xticks([0, 1], ["data minimum", "data maximum"])
        right.invert_yaxis()
        right.set_title(f"The box: coverage {chosen['coverage']:.2f}, density {chosen['density']:.2f}",
                        loc="left")
        fig.suptitle(f"Where {result.outcome} (PRIM, {len(result.holds)} cases, {int(result.holds.sum())} "
                     "where it holds)", x=0.01, ha="left")
    return fig
