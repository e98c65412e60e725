"""Figures of the strategy analyses: Shapley bars with intervals, the stability map, the
cost-effectiveness frontier and PRIM's trade-off curve and box (house style of :mod:`model.analysis.plots`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from model.analysis import plots
from model.analysis.plots import SCENARIO_PALETTE, SYMLOG_BELOW, percent_log_ticks, style
from model.formatting import percent

FORMATS = ("png", "svg")
"""The analyses' figures (bars, a stability map, a frontier, PRIM's trajectory) are small and cheap to
draw, and ``plot`` does not redraw them, so they are drawn as PNG and SVG."""


def save(fig: Figure, folder: Path, name: str) -> list[Path]:
    """``fig`` as ``folder/name`` in :data:`FORMATS`."""
    return plots.save(fig, folder, name, FORMATS)


LAYER_NAMES = {"all": "all layers", "camera": "cameras", "algorithm_1n": "1:N algorithms",
               "training_data": "training data"}
OUTCOME_NAMES = {"denial_effectiveness": "Denial effectiveness (share of target capability denied)",
                 "revenue_lost": "Revenue lost by controlling-country vendors (US$ bn)"}
SHAPLEY_LABELS = {"denial_effectiveness": "Denial effectiveness added (percentage points of the headline measure)",
                  "revenue_lost": "Revenue lost by controlling-country vendors (US$ bn;\nnegative: the partner's joining "
                                  "lowers it)"}
SHAPLEY_SCALES = {"denial_effectiveness": 100.0, "revenue_lost": 1e-9}
"""Axis units of the Shapley figure: denial (a share 0-1) in percentage points, as the README's table."""


def _over(replications: int | None) -> str:
    """`` over 10 replicates`` (nothing when not known)."""
    return f" over {replications} replicates" if replications else " over replicates"


def shapley_bars(shapley: pd.DataFrame, replications: int | None = None) -> Figure:
    """One panel per outcome: each partner's Shapley value per layer, with 95% intervals over the
    ``replications`` (common seeds); denial in percentage points. A value of exactly zero is marked "0" (a bar too short to see is not a
    missing one) and a value not computed "n/c"; a layer whose every value is zero gets no bars and
    no legend entry, and is named in the title instead."""
    layers = list(dict.fromkeys(shapley["layer"]))
    first = shapley[(shapley["layer"] == layers[0]) & (shapley["outcome"] == "denial_effectiveness")]
    partners = list(first.sort_values("shapley", ascending=False)["partner"])
    zero = [layer for layer in layers if len(layers) > 1 and (shapley.loc[shapley["layer"] == layer, "shapley"] == 0).all()]
    drawn = [layer for layer in layers if layer not in zero]
    with style():
        fig = Figure(figsize=(11, 0.45 * len(partners) * max(1, len(drawn) * 0.6) + 2.3), layout="constrained")
        axes = fig.subplots(1, 2, sharey=True)
        height = 0.8 / len(drawn)
        for ax, outcome in zip(axes, OUTCOME_NAMES):
            scale = SHAPLEY_SCALES[outcome]
            for k, layer in enumerate(drawn):
                rows = shapley[(shapley["layer"] == layer) & (shapley["outcome"] == outcome)]
                rows = rows.set_index("partner").reindex(partners)
                y = np.arange(len(partners)) + (k - (len(drawn) - 1) / 2) * height
                value = rows["shapley"].to_numpy(float)
                error = np.vstack([value - rows["shapley_low"], rows["shapley_high"] - value])
                colour = SCENARIO_PALETTE[layers.index(layer) % len(SCENARIO_PALETTE)]
                shown = np.isfinite(value) & (value != 0)
                ax.barh(y[shown], value[shown] * scale, height=height * 0.9, xerr=error[:, shown] * scale,
                        color=colour, label=LAYER_NAMES[layer], error_kw={"elinewidth": 1, "capsize": 2})
                for yi, v in zip(y, value):
                    if not np.isfinite(v) or v == 0:
                        ax.annotate("n/c" if not np.isfinite(v) else "0", (0, yi), xytext=(3, 0),
                                    textcoords="offset points", va="center", fontsize=8, color=colour)
            ax.axvline(0, color="black", linewidth=0.8)
            ax.set_xlabel(SHAPLEY_LABELS[outcome])
        axes[0].set_yticks(np.arange(len(partners)), partners)
        axes[0].invert_yaxis()
        method = shapley["method"].iloc[0]
        axes[0].set_title("What each partner adds to the denial", loc="left")
        axes[1].set_title("...and to the revenue its controls cost", loc="left")
        if len(layers) > 1:  # one patch per drawn layer in its bars' colour (a panel may have none of its bars)
            key = [Patch(facecolor=SCENARIO_PALETTE[layers.index(layer) % len(SCENARIO_PALETTE)],
                         label=LAYER_NAMES[layer]) for layer in drawn]
            fig.legend(handles=key, title="controlled layers (0: exactly zero; n/c: not computed)",
                       loc="outside lower center", ncols=len(drawn))
        note = ("\nevery partner adds exactly 0 when only " + " or ".join(LAYER_NAMES[z] for z in zero)
                + " are controlled (no bars)") if zero else ""
        fig.suptitle(f"Shapley values of potential partners ({method}; whiskers: 95% intervals{_over(replications)}"
                     + (" and permutation sampling)" if method == "sampled" else ")") + note, x=0.01, ha="left")
    return fig


STABLE_SHARES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
"""Class limits of the stability map's colours when partners are in some but not all stable coalitions."""


def stability_map(formation: pd.DataFrame, membership: pd.DataFrame, players: Sequence[str],
                  replications: int | None = None) -> Figure:
    """Per agreement variant: for each partner and weight on denial, the share of stable coalitions
    that include it (colour), the number of stable coalitions (top) and the accession outcome (dots),
    from payoffs averaged over ``replications``.
    Colours are discrete: two (in / not in) when every share is 0 or 1, else classes of
    :data:`STABLE_SHARES` with a stepped colour bar."""
    formation = formation.fillna({"members": ""})  # the leader alone: no partners (empty in CSV)
    variants = list(dict.fromkeys(formation["variant"]))
    uniform = formation[formation["rule"] == "uniform"]
    weights = sorted(uniform["weight"].unique())
    shares = membership["share_of_stable"].dropna()
    binary = bool(shares.isin([0.0, 1.0]).all())
    bounds = (-0.5, 0.5, 1.5) if binary else STABLE_SHARES
    cmap = matplotlib.colors.ListedColormap(
        matplotlib.colormaps["Blues"](np.linspace(0.08, 0.9, len(bounds) - 1)))
    norm = matplotlib.colors.BoundaryNorm(bounds, cmap.N)
    with style():
        fig = Figure(figsize=(max(8.0, 3.4 * len(variants) + 2.0), 0.42 * len(players) + 2.8), layout="constrained")
        axes = np.atleast_1d(fig.subplots(1, len(variants), sharey=True, squeeze=False)[0])
        image = None
        for ax, variant in zip(axes, variants):
            grid = np.full((len(players), len(weights)), np.nan)
            rows = membership[membership["variant"] == variant]
            for _, row in rows.iterrows():
                grid[players.index(row["partner"]), weights.index(row["weight"])] = row["share_of_stable"]
            image = ax.imshow(grid, aspect="auto", cmap=cmap, norm=norm,
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
        accession = Line2D([], [], ls="", marker="o", color="#d95f02", markersize=5,
                           label="joins in sequential accession")
        if binary:
            fig.legend(handles=[Patch(facecolor=cmap(1), label="in the stable coalition"),
                                Patch(facecolor=cmap(0), edgecolor="#bbbbbb", label="not in it"), accession],
                       loc="outside lower center", ncols=3, frameon=False)
        else:
            fig.colorbar(image, ax=list(axes), ticks=STABLE_SHARES, spacing="proportional",
                         label="share of stable coalitions that include the partner")
            fig.legend(handles=[accession], loc="outside lower center", frameon=False)
        fig.suptitle("Stable coalitions by weight on denial (0: own revenue only, 1: denial only)\n(colour: "
                     + ("whether the partner is in the stable coalition" if binary else
                        "share of the stable coalitions that include the partner")
                     + "; numbers: how many coalitions are stable; blank: none; payoffs: means"
                     + _over(replications) + ")", x=0.01, ha="left", fontsize=10)
    return fig


def coalition_figures(result, folder: Path, players: Sequence[str], replications: int | None = None) -> list[Path]:
    """Every figure of a coalitions analysis, as PNG and SVG in ``folder``."""
    paths = save(shapley_bars(result.shapley, replications), folder, "shapley")
    if len(result.formation):
        paths += save(stability_map(result.formation, result.membership, list(players), replications), folder,
                      "stability_map")
    return paths


ZOOM_WHEN = 3.0
"""The frontier figure adds a panel zoomed on the designs when a named regime lies this many times
the designs' range beyond them (a global agreement would otherwise squeeze every design into a line)."""


DENIAL_AXIS = "Denial effectiveness, equal-weighted over target regimes (%)"
"""The frontier's y axis: the headline measure in percent, as the README's tables."""


def frontier_figure(result, replications: int | None = None) -> Figure:
    """Denial against revenue lost: every evaluated design (grey), the Pareto frontier (line, with
    95% intervals over ``replications``) and the named regimes (labelled diamonds), denial in %. When a named regime lies
    far beyond the designs (:data:`ZOOM_WHEN`), the first panel's denial axis is logarithmic above
    0.1% and a second panel shows the designs on their own linear scale; one legend serves both."""
    designs, regimes = result.designs, result.regimes
    bn = 1e-9
    zoom = _zoom_limits(designs, regimes, bn)
    with style():
        fig = Figure(figsize=(15, 6.4) if zoom else (9, 6.4), layout="constrained")
        axes = fig.subplots(1, 2 if zoom else 1, squeeze=False)[0]
        for ax in axes:
            _draw_frontier(ax, result, bn)
            ax.set_xlabel(OUTCOME_NAMES["revenue_lost"])
            ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:.3g}%"))
        axes[0].set_ylabel(DENIAL_AXIS)
        fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=3, frameon=False,
                   fontsize=9)
        if zoom:
            axes[0].set_yscale("symlog", linthresh=SYMLOG_BELOW, linscale=0.6)
            percent_log_ticks(axes[0].yaxis)
            axes[0].set_ylabel(DENIAL_AXIS + f"\n(logarithmic above {SYMLOG_BELOW:g}%, linear below)")
            axes[0].set_title("every design and named regime", loc="left", fontsize=10)
            axes[1].set_xlim(*zoom[0])
            axes[1].set_ylim(*zoom[1])
            axes[1].set_title("the evaluated designs with their intervals, on their own linear scale", loc="left",
                              fontsize=10)
            axes[1].set_ylabel(DENIAL_AXIS)
        fig.suptitle("Cost-effectiveness frontier: the most denial for the revenue given up\n"
                     f"(means{_over(replications)} on common seeds; whiskers: 95% intervals)", x=0.01, ha="left")
    return fig


def _draw_frontier(ax, result, bn: float) -> None:
    designs, regimes, front = result.designs, result.regimes, result.frontier
    pct = 100.0
    ax.scatter(designs["revenue_lost"] * bn, designs["denial_effectiveness"] * pct, s=12, color="#bbbbbb",
               label=f"evaluated designs ({len(designs)})", zorder=1)
    ax.errorbar(front["revenue_lost"] * bn, front["denial_effectiveness"] * pct,
                xerr=[(front["revenue_lost"] - front["revenue_lost_low"]) * bn,
                      (front["revenue_lost_high"] - front["revenue_lost"]) * bn],
                yerr=[(front["denial_effectiveness"] - front["denial_effectiveness_low"]) * pct,
                      (front["denial_effectiveness_high"] - front["denial_effectiveness"]) * pct],
                fmt="o-", color=SCENARIO_PALETTE[0], markersize=5, elinewidth=0.8, capsize=2,
                label=f"Pareto-efficient designs ({len(front)})", zorder=3)
    for k, row in enumerate(regimes.to_dict("records")):
        colour = SCENARIO_PALETTE[(k + 1) % len(SCENARIO_PALETTE)]
        ax.errorbar(row["revenue_lost"] * bn, row["denial_effectiveness"] * pct,
                    xerr=[[(row["revenue_lost"] - row["revenue_lost_low"]) * bn],
                          [(row["revenue_lost_high"] - row["revenue_lost"]) * bn]],
                    yerr=[[(row["denial_effectiveness"] - row["denial_effectiveness_low"]) * pct],
                          [(row["denial_effectiveness_high"] - row["denial_effectiveness"]) * pct]],
                    fmt="D", color=colour, markersize=8, elinewidth=0.8, capsize=2, zorder=4,
                    label=f"{row['scenario'].replace('_', ' ')}: {percent(row['denial_effectiveness'])}")


def _zoom_limits(designs: pd.DataFrame, regimes: pd.DataFrame,
                 bn: float) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """``((x0, x1), (y0, y1))`` around the designs (y in %), or None when every named regime lies near them."""
    if not len(designs) or not len(regimes):
        return None
    limits = []
    for column, scale in (("revenue_lost", bn), ("denial_effectiveness", 100.0)):
        low = designs.get(f"{column}_low", designs[column]).min() * scale  # the designs and their intervals
        high = designs.get(f"{column}_high", designs[column]).max() * scale
        span = max(high - low, abs(high) * 0.1, 1e-9)
        limits.append((low - 0.15 * span, high + 0.15 * span))
        outside = np.maximum(regimes[column] * scale - high, low - regimes[column] * scale).max()
        limits[-1] = (*limits[-1], outside > ZOOM_WHEN * span)
    if not any(far for *_, far in limits):
        return None
    return (limits[0][0], limits[0][1]), (limits[1][0], limits[1][1])


def prim_figure(result, replicates: int | None = None) -> Figure:
    """Left: PRIM's trade-off curve (coverage against density along the peeling; colour and marker:
    the number of inputs restricted, one legend entry per count), the chosen box circled; the
    coverage axis is fitted to the boxes (when every box has the same coverage, density is drawn
    against the peeling step instead, and the title gives the coverage). Right: the chosen box, each input's range within the
    data's (grey: the data's range; blue: restricted), its limits written beside the input's name.
    ``replicates``: the runs each case (a design point) is the mean of, for the title."""
    trajectory, box = result.trajectory, result.box
    with style():
        fig = Figure(figsize=(12, 4.8), layout="constrained")
        left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.2]})
        markers = "osD^v<>"
        low = float(trajectory["coverage"].min())
        flat = float(trajectory["coverage"].max()) - low < 0.005  # every box covers the same: show the peeling
        x = "id" if flat else "coverage"
        for k, count in enumerate(sorted(trajectory["res_dim"].unique())):
            rows = trajectory[trajectory["res_dim"] == count]
            left.scatter(rows[x], rows["density"], s=22, zorder=2, marker=markers[k % len(markers)],
                         color=SCENARIO_PALETTE[k % len(SCENARIO_PALETTE)],
                         label=f"{int(count)} input{'s' if count != 1 else ''} restricted")
        chosen = trajectory[trajectory["chosen"]].iloc[0]
        left.scatter([chosen[x]], [chosen["density"]], s=160, facecolors="none", edgecolors="#D55E00",
                     linewidths=2, zorder=3, label=f"chosen box (step {int(chosen['id'])})")
        left.set_ylabel("density (share of the box's cases where it holds)")
        if flat:
            left.set_xlabel("peeling step (each box a part of the one before)")
            left.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
            left.set_title(f"every box along the peeling has coverage {low:.2f} (the share of the cases where the "
                           "outcome holds\nthat are in the box), so density is shown by step", loc="left", fontsize=9)
        else:
            left.set_xlabel("coverage (share of the cases where the outcome holds\nthat are in the box)")
            start = max(0.0, low - 0.1 * max(1.0 - low, 0.1))
            left.set_xlim(start, 1.0 + 0.03 * (1.0 - start))
        for points in left.collections:
            points.set_clip_on(False)
        left.set_ylim(0, 1.05)
        left.legend(loc="lower left", fontsize=8)
        if low > 0.9 and not flat:
            left.set_title(f"every box along the peeling covers at least {low:.2f}", loc="left", fontsize=9)
        numeric = box[box["low"].notna()].reset_index(drop=True)
        for k, row in numeric.iterrows():
            span = (row["data_high"] - row["data_low"]) or 1.0
            start, end = (row["low"] - row["data_low"]) / span, (row["high"] - row["data_low"]) / span
            right.barh(k, 1.0, left=0.0, color="#eeeeee", height=0.6)
            right.barh(k, end - start, left=start, height=0.6,
                       color=SCENARIO_PALETTE[0] if row["restricted"] else "#bbbbbb")
        right.set_yticks(range(len(numeric)), [
            f"{row['input']}\n{row['low']:.3g} to {row['high']:.3g}" + ("" if row["restricted"] else " (all)")
            for _, row in numeric.iterrows()], fontsize=9)
        right.set_xlim(0, 1)
        right.set_xticks([0, 1], ["data minimum", "data maximum"])
        right.invert_yaxis()
        right.grid(False)
        right.set_title(f"The box: coverage {chosen['coverage']:.2f}, density {chosen['density']:.2f}",
                        loc="left")
        right.legend(handles=[Patch(facecolor=SCENARIO_PALETTE[0], label="restricted by the box"),
                              Patch(facecolor="#bbbbbb", label="not restricted"),
                              Patch(facecolor="#eeeeee", label="outside the box")],
                     loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
        cases = (f"{len(result.holds)} design points, each the mean of {replicates} runs" if replicates else
                 f"{len(result.holds)} cases")
        fig.suptitle(f"Where {result.outcome} (PRIM, {cases}; {int(result.holds.sum())} where it holds)",
                     x=0.01, ha="left")
    return fig
