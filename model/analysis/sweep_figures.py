"""Figures of a stored sweep, in the style of :mod:`model.analysis.plots` (palette, STYLE, ``save``).

- ``<metric>_by_parameter``: the metric against each parameter, with 95% bands (grid) or per-point
  means (sampled designs);
- ``heatmap``: the headline metrics over the first two parameters of a grid;
- ``sobol`` / ``morris``: sensitivity indices per parameter;
- ``coalition_marginal``: the reduction in leakage and in target capability from each added member.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from model.analysis import DEFAULT_FORMATS
from model.analysis.plots import CAPABILITY_LABEL, ROUTE_LABELS, STYLE, save
from model.analysis.plots import SCENARIO_PALETTE as LINES
from model.analysis.sweep_analysis import (
    SweepResults,
    coalition_steps,
    point_summary,
    read_results,
    sensitivity,
)
from model.errors import ModelInputError, closest
from model.experiment.metrics import interval

METRICS: dict[str, tuple[float, str, str]] = {
    "denial_effectiveness": (100, "Denial effectiveness (the headline measure)",
                             ("Denial effectiveness (%): 1 - capability / no-controls\ncapability, equal-weighted "
                              "over target regimes\n(unless the scenario's `headline` says otherwise)")),
    "denial_equal": (100, "Denial, equal-weighted", "Denial, equal-weighted over\ntarget regimes (%)"),
    "denial_population": (100, "Denial, population-weighted", "Denial, population-weighted over\ntarget regimes (%)"),
    "denial_importing": (100, "Denial, importing regimes only",
                         "Denial over target regimes without\nvendors of their own (%)"),
    "leakage_rate": (100, "Leakage rate", "Leakage rate (%)\nblocked acquisitions obtained by other routes"),
    "revenue_lost": (1e-9, "Revenue lost", "Revenue lost by controlling-country\nvendors (US$ bn)"),
    "revenue_lost_share": (100, "Revenue lost",
                           "Revenue lost by controlling-country\nvendors (% of their no-controls revenue)"),
    "share_gain_noncontrolling": (100, "Share gain of non-controlling vendors",
                                  "Market-share gain of non-controlling\nvendors (percentage points)"),
    "target_capability": (1, "Target-regime capability", CAPABILITY_LABEL),
    "baseline_target_capability": (1, "No-controls target-regime capability",
                                   "No-controls " + CAPABILITY_LABEL[0].lower() + CAPABILITY_LABEL[1:]),
    "world_capability": (1, "World capability", "World capability\n(population-weighted)"),
    "targets_capable": (1, "Capable target regimes", "Target regimes capable of\nmass surveillance (count)"),
    "years_to_capable": (1, "Years to capability", "Years until target regimes\nbecome capable (years)"),
    **{f"leakage_{route}": (100, f"Leakage via {label}", f"Leakage via {label} (%)")
       for route, label in ROUTE_LABELS.items()},
}
"""Per metric: the factor to its plotted unit, a short title, and its axis label (with the unit)."""


def metric_scale(metric: str) -> tuple[float, str, str]:
    """``(factor to plotted units, title, axis label)`` of ``metric`` (its name when unknown)."""
    text = metric.replace("_", " ")
    return METRICS.get(metric, (1, text[:1].upper() + text[1:], text))


def draw_sweep_figures(folder: Path, out: Path | None = None, only: str | None = None,
                       formats: Sequence[str] = DEFAULT_FORMATS) -> list[Path]:
    """Draw the figures of the finished sweep in ``folder`` into ``out`` (default ``folder/figures``);
    ``only`` names one figure. Returns the files written."""
    results = read_results(folder)
    makers = _makers(results)
    if only is not None and only not in makers:
        raise ModelInputError("only", "no such figure for this sweep", expected=" / ".join(makers), got=only,
                              suggestion=closest(only, list(makers)))
    out = out if out is not None else results.folder / "figures"
    paths = []
    for name, make in makers.items():
        if only in (None, name):
            paths += save(make(), out, name, formats)
    return paths


def _makers(results: SweepResults) -> dict[str, Any]:
    summary = point_summary(results)
    makers: dict[str, Any] = {f"{metric}_by_parameter": (lambda m=metric: by_parameter(results, summary, m))
                              for metric in results.headline()}
    if results.kind == "grid" and len(results.columns) >= 2:
        makers["heatmap"] = lambda: heatmap(results, results.headline())
    indices = sensitivity(results)
    if len(indices):
        makers[results.kind] = lambda: sensitivity_bars(indices, results.kind, results.labels,
                                                        results.headline())
    steps = coalition_steps(results)
    if len(steps):
        makers["coalition_marginal"] = lambda: coalition_marginal(steps, results)
    return makers


# --- values on an axis ----------------------------------------------------------------------

def _positions(results: SweepResults, column: str) -> tuple[dict[Any, float], list[str] | None]:
    """Where each stored value of ``column`` goes on an axis, and tick labels when categorical
    (member sets as 'USA', '+JPN', '+DEU'...)."""
    stored = list(dict.fromkeys(results.points[column]))
    if all(isinstance(v, (int, float, np.number)) and not isinstance(v, bool) for v in stored):
        return {v: float(v) for v in stored}, None
    if column in results.coalition_columns():
        stored.sort(key=lambda v: len(json.loads(v)))
        return {v: i for i, v in enumerate(stored)}, _set_ticks([json.loads(v) for v in stored])
    return {v: i for i, v in enumerate(stored)}, [_level_text(v) for v in stored]


def _set_ticks(sets: list[list[str]]) -> list[str]:
    ticks, previous = [], []
    for members in sets:
        added = [m for m in members if m not in previous]
        ticks.append("+".join(members) if not previous or len(added) != len(members) - len(previous)
                     else "+" + "+".join(added))
        previous = members
    return ticks


def _label(results: SweepResults, column: str) -> str:
    return results.labels.get(column, column)


def _wrap(text: str, width: int = 40) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


# --- 1. metric against each parameter ---------------------------------------------------------

def by_parameter(results: SweepResults, summary: pd.DataFrame, metric: str) -> Figure:
    """One panel per parameter: the metric's mean and 95% band against the parameter (a line per
    level of the other parameter in a two-parameter grid when it has few levels; otherwise pooled
    over the other parameters), or per-point means for a sampled design."""
    scale, title, ylabel = metric_scale(metric)
    n = len(results.columns)
    ncols = min(n, 3)
    nrows = -(-n // ncols)
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(nrows, ncols, figsize=(4.6 * ncols + 1.5, 3.8 * nrows), squeeze=False,
                                 sharey=True, layout="constrained")
        for ax, column in zip(axes.flat, results.columns):
            where, ticks = _positions(results, column)
            others = [c for c in results.columns if c != column]
            if results.kind != "grid":
                _scatter(ax, summary, column, metric, scale, where)
            elif len(others) == 1 and results.points[others[0]].nunique() <= len(LINES):
                _lines_by(ax, summary, column, others[0], metric, scale, where, _label(results, others[0]))
            else:
                _pooled(ax, results.runs, column, metric, scale, where, pooled=bool(others))
            if ticks is not None:
                ax.set_xticks(list(where.values()), ticks, rotation=30 if len(ticks) > 4 else 0, ha="right"
                              if len(ticks) > 4 else "center")
            ax.set_xlabel(_wrap(_label(results, column)))
        for ax in axes.flat[n:]:
            ax.set_visible(False)
        for ax in axes[:, 0]:
            ax.set_ylabel(ylabel)
        fig.suptitle(f"{title} across the sweep '{results.manifest['name']}'\n"
                     + ("mean over replications with 95% intervals" if results.kind == "grid"
                        else f"{results.kind} design: mean over replications at each point"), fontsize=11.5)
        return fig


def _scatter(ax: Axes, summary: pd.DataFrame, column: str, metric: str, scale: float, where: dict) -> None:
    x = summary[column].map(where)
    ax.scatter(x, scale * summary[metric], s=14, alpha=0.6, color=LINES[0], lw=0)


def _line(ax: Axes, table: pd.DataFrame, column: str, metric: str, scale: float, where: dict, colour: str,
          label: str | None) -> None:
    table = table.assign(x=table[column].map(where)).sort_values("x")
    ax.plot(table["x"], scale * table[metric], "o-", color=colour, lw=1.8, ms=4, label=label)
    ax.fill_between(table["x"], scale * table[f"{metric}_low"], scale * table[f"{metric}_high"], color=colour,
                    alpha=0.18, lw=0)


def _lines_by(ax: Axes, summary: pd.DataFrame, column: str, other: str, metric: str, scale: float,
              where: dict, other_label: str) -> None:
    for k, (level, group) in enumerate(summary.groupby(other, sort=True)):
        _line(ax, group, column, metric, scale, where, LINES[k % len(LINES)], _level_text(level))
    ax.legend(title=_wrap(other_label), loc="upper center", bbox_to_anchor=(0.5, -0.28), frameon=False,
              ncol=min(summary[other].nunique(), 4))


def _pooled(ax: Axes, runs: pd.DataFrame, column: str, metric: str, scale: float, where: dict,
            pooled: bool) -> None:
    rows = [(value, *interval(group[metric])) for value, group in runs.groupby(column, sort=False)]
    table = pd.DataFrame(rows, columns=[column, metric, f"{metric}_low", f"{metric}_high"])
    label = "pooled over the other parameters" if pooled else None
    _line(ax, table, column, metric, scale, where, LINES[0], label)
    if pooled:
        ax.legend(loc="upper left", bbox_to_anchor=(0, -0.22), frameon=False)


def _level_text(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value)).lower()
    if isinstance(value, str) and value.startswith("["):
        return "+".join(json.loads(value))
    return f"{value:g}" if isinstance(value, float) else str(value)


# --- 2. two-parameter heatmaps ----------------------------------------------------------------

def heatmap(results: SweepResults, metrics: Sequence[str]) -> Figure:
    """The mean of each metric over the first two parameters of a grid (pooled over any others)."""
    x, y = results.columns[:2]
    xs, xticks = _positions(results, x)
    ys, yticks = _positions(results, y)
    xorder, yorder = sorted(xs, key=xs.get), sorted(ys, key=ys.get)
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(1, len(metrics), figsize=(5.4 * len(metrics), 4.6), squeeze=False,
                                 layout="constrained")
        for ax, metric in zip(axes.flat, metrics):
            scale, title, label = metric_scale(metric)
            grid = (results.runs.groupby([y, x])[metric].mean().unstack(x)
                    .reindex(index=yorder, columns=xorder) * scale)
            image = ax.imshow(grid.to_numpy(float), origin="lower", aspect="auto", cmap="viridis")
            for (i, j), value in np.ndenumerate(grid.to_numpy(float)):
                if np.isfinite(value):
                    dark = image.norm(value) < 0.6
                    ax.text(j, i, f"{value:.3g}", ha="center", va="center", fontsize=8,
                            color="white" if dark else "black")
            ax.set_xticks(range(len(xorder)), xticks or [_level_text(v) for v in xorder])
            ax.set_yticks(range(len(yorder)), yticks or [_level_text(v) for v in yorder])
            ax.set_xlabel(_wrap(_label(results, x)))
            ax.set_ylabel(_wrap(_label(results, y)))
            ax.grid(False)
            ax.set_title(title)
            fig.colorbar(image, ax=ax, shrink=0.9).set_label(label)
        pooled = " (pooled over the other parameters)" if len(results.columns) > 2 else ""
        fig.suptitle(f"Mean over replications at each grid point{pooled}", fontsize=11.5)
        return fig


# --- 3. sensitivity indices -------------------------------------------------------------------

def sensitivity_bars(indices: pd.DataFrame, kind: str, labels: dict[str, str],
                     metrics: Sequence[str]) -> Figure:
    """Sobol first-order and total indices, or Morris mu* (with sigma), per parameter, for the
    ``metrics`` that have indices (else the first three that do)."""
    found = list(dict.fromkeys(indices["metric"]))
    metrics = [m for m in metrics if m in found] or found[:3]
    parameters = list(dict.fromkeys(indices["parameter"]))
    with plt.rc_context(STYLE):
        size = (4.4 * len(metrics) + 2.5, 0.45 * len(parameters) + 2.2)
        fig, axes = plt.subplots(1, len(metrics), figsize=size, sharey=True, squeeze=False,
                                 layout="constrained")
        y = np.arange(len(parameters))
        for ax, metric in zip(axes.flat, metrics):
            table = indices[indices["metric"] == metric].set_index("parameter").reindex(parameters)
            if kind == "sobol":
                for offset, (name, colour, text) in zip((-0.2, 0.2), (("S1", LINES[0], "first order (S1)"),
                                                                      ("ST", LINES[1], "total (ST)"))):
                    ax.barh(y + offset, table[name], height=0.38, color=colour, label=text,
                            xerr=table[f"{name}_conf"], error_kw={"lw": 0.9, "capsize": 2})
                ax.set_xlabel("Sobol index (share of output variance)")
            else:
                ax.barh(y, table["mu_star"], height=0.6, color=LINES[0], xerr=table["mu_star_conf"],
                        error_kw={"lw": 0.9, "capsize": 2}, label="mu* (mean |elementary effect|)")
                ax.plot(table["sigma"], y, "D", color=LINES[4], ms=5,
                        label="sigma (interactions, non-linearity)")
                ax.set_xlabel("Elementary effect\n(metric units per full parameter range)")
            ax.axvline(0, color="#000000", lw=0.8)
            ax.set_title(metric_scale(metric)[1])
        axes[0, 0].set_yticks(y, [labels.get(p, p) for p in parameters])
        axes[0, 0].invert_yaxis()
        axes[0, -1].legend(loc="upper left", bbox_to_anchor=(1.02, 1), frameon=False)
        name = "Sobol indices with 95% confidence intervals" if kind == "sobol" else "Morris screening"
        fig.suptitle(f"{name}, on per-point means over replications", fontsize=11.5)
        return fig


# --- 4. coalition sweeps ----------------------------------------------------------------------

def coalition_marginal(steps: pd.DataFrame, results: SweepResults) -> Figure:
    """Bars per added member: the reduction in the leakage rate and in target capability it brings
    (paired differences over replicates, with 95% intervals)."""
    panels = []
    if "leakage_rate_change" in steps:
        panels.append(("leakage_rate", -100,
                       "Reduction in leakage rate\n(percentage points; below 0: more leakage)"))
    if "denial_effectiveness_change" in steps:
        panels.append(("denial_effectiveness", 100,
                       "Reduction in target capability\n(percentage points of the no-controls level)"))
    elif "target_capability_change" in steps:
        panels.append(("target_capability", -1, "Reduction in target capability\n(capability units)"))
    column = steps["parameter"].iat[0]
    steps = steps[steps["parameter"] == column]
    others = [c for c in results.columns if c != column]
    groups = list(steps.groupby(others, sort=False)) if others else [((), steps)]
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(1, len(panels), figsize=(5.6 * len(panels) + 1.5, 4.4), squeeze=False,
                                 layout="constrained")
        width = 0.8 / len(groups)
        for ax, (metric, sign, label) in zip(axes.flat, panels):
            for k, (key, group) in enumerate(groups):
                x = np.arange(len(group)) - 0.4 + width * (k + 0.5)
                mean = sign * group[f"{metric}_change"].to_numpy()
                ends = sign * group[[f"{metric}_change_low", f"{metric}_change_high"]].to_numpy()
                error = [mean - ends.min(axis=1), ends.max(axis=1) - mean]
                levels = zip(others, np.atleast_1d(key))
                text = ", ".join(f"{o} = {_level_text(v)}" for o, v in levels) or None
                ax.bar(x, mean, width=width * 0.9, color=LINES[k % len(LINES)], label=text,
                       yerr=error, error_kw={"lw": 0.9, "capsize": 3})
            ax.set_xticks(np.arange(len(groups[0][1])), ["+" + a for a in groups[0][1]["added"]])
            ax.axhline(0, color="#000000", lw=0.8)
            ax.set_ylabel(label)
            ax.set_xlabel("Member added to the coalition")
            ax.set_title(label.splitlines()[0])
        if len(groups) > 1:
            axes[0, -1].legend(loc="upper left", bbox_to_anchor=(1.02, 1), frameon=False)
        fig.suptitle("What each added member contributes (paired differences between consecutive coalitions, "
                     "same seeds; 95% intervals)", fontsize=11.5)
        return fig
