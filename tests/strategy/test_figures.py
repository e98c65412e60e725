"""The strategy figures, drawn from small hand-made tables: legends list only drawn series,
discrete values get discrete colours, and axis units match the text (denial in % or points)."""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib.colors
import numpy as np
import pandas as pd
from matplotlib.container import BarContainer

from model.strategy import figures


def _legend_texts(fig) -> set[str]:
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    return {t.get_text() for legend in legends for t in legend.get_texts()}


def test_shapley_bars_mark_zero_and_uncomputed_values_and_list_only_drawn_layers() -> None:
    rows = []
    for outcome in ("denial_effectiveness", "revenue_lost"):
        for layer, values in (("all", [7.6e-4, 4e-4]), ("camera", [1.1e-4, 0.0]), ("training_data", [0.0, 0.0]),
                              ("algorithm_1n", [6.6e-4, np.nan])):
            for partner, value in zip(("JPN", "FRA"), values):
                rows.append({"layer": layer, "outcome": outcome, "partner": partner, "shapley": value,
                             "shapley_low": value * 0.9, "shapley_high": value * 1.1, "method": "exact"})
    fig = figures.shapley_bars(pd.DataFrame(rows), replications=10)
    fig.draw_without_rendering()
    assert "95% intervals over 10 replicates" in fig.get_suptitle()
    denial = fig.axes[0]
    assert "percentage points" in denial.get_xlabel()
    assert max(abs(x) for x in denial.get_xlim()) < 1  # 0.076 points, not 0.00076 of a share
    assert _legend_texts(fig) == {"all layers", "cameras", "1:N algorithms"}  # training data has no bar
    marks = [t.get_text() for t in denial.texts]
    assert marks.count("0") == 1 and marks.count("n/c") == 1  # FRA cameras; FRA algorithms
    assert "exactly 0 when only training data" in fig.get_suptitle()  # all zero: named, no empty slots


def test_shapley_key_has_each_layers_bar_colour_when_a_panel_has_none_of_its_bars() -> None:
    rows = [{"layer": layer, "outcome": outcome, "partner": "DEU", "shapley": value, "shapley_low": value,
             "shapley_high": value, "method": "exact"}
            for layer, denial, revenue in (("all", 2e-3, 1e9), ("training_data", 0.0, -4e8))
            for outcome, value in (("denial_effectiveness", denial), ("revenue_lost", revenue))]
    fig = figures.shapley_bars(pd.DataFrame(rows))
    bars = {c.get_label(): c.patches[0].get_facecolor() for c in fig.axes[1].containers
            if isinstance(c, BarContainer) and c.patches}
    key = {patch.get_label(): patch.get_facecolor() for patch in fig.legends[0].get_patches()}
    assert key == bars and set(key) == {"all layers", "training data"}


def _formation(shares: list[float]) -> tuple[pd.DataFrame, pd.DataFrame]:
    formation = pd.DataFrame({"variant": "v", "rule": "uniform", "weight": [0.0, 1.0, 0.0, 1.0],
                              "kind": ["stable", "stable", "accession", "accession"],
                              "members": ["", "DEU", "", "DEU"]})
    membership = pd.DataFrame({"variant": "v", "partner": ["DEU", "DEU", "SWE", "SWE"],
                               "weight": [0.0, 1.0, 0.0, 1.0], "share_of_stable": shares})
    return formation, membership


def test_stability_map_with_zero_or_one_has_a_two_entry_key_not_a_continuous_bar() -> None:
    fig = figures.stability_map(*_formation([0.0, 1.0, 0.0, 0.0]), ["DEU", "SWE"], replications=7)
    assert "payoffs: means over 7 replicates" in fig.get_suptitle()
    assert not [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
    assert {"in the stable coalition", "not in it"} <= _legend_texts(fig)


def test_stability_map_with_shares_has_a_stepped_colour_bar() -> None:
    fig = figures.stability_map(*_formation([0.0, 0.5, 0.25, 1.0]), ["DEU", "SWE"])
    image = fig.axes[0].images[0]
    assert isinstance(image.norm, matplotlib.colors.BoundaryNorm)
    assert len(figures.STABLE_SHARES) - 1 == image.cmap.N


def test_prim_gives_each_count_of_restricted_inputs_its_own_legend_entry() -> None:
    trajectory = pd.DataFrame({"id": range(4), "coverage": [1.0, 1.0, 0.98, 0.95], "density": [0.5, 0.6, 0.8, 0.9],
                               "res_dim": [0, 1, 1, 2], "chosen": [False, False, True, False]})
    box = pd.DataFrame({"input": ["a", "b"], "low": [0.1, 0.0], "high": [0.3, 1.0], "data_low": [0.0, 0.0],
                        "data_high": [1.0, 1.0], "restricted": [True, False]})
    result = SimpleNamespace(trajectory=trajectory, box=box, outcome="x > 1", holds=pd.Series([True, False]))
    fig = figures.prim_figure(result, replicates=7)
    assert "2 design points, each the mean of 7 runs" in fig.get_suptitle()
    left, right = fig.axes[:2]
    assert not [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
    assert {"0 inputs restricted", "1 input restricted", "2 inputs restricted"} <= _legend_texts(fig)
    assert left.get_xlim()[0] > 0.5  # fitted to the boxes, not 0-1 with every point at the edge
    assert [t.get_text() for t in right.get_yticklabels()] == ["a\n0.1 to 0.3", "b\n0 to 1 (all)"]
    assert not right.texts  # the limits are in the labels, not written over the bars


def test_frontier_shows_denial_in_percent_with_one_legend_for_both_panels() -> None:
    def table(denial, revenue, **extra):
        frame = pd.DataFrame({"denial_effectiveness": denial, "revenue_lost": revenue, **extra})
        for column in ("denial_effectiveness", "revenue_lost"):
            frame[f"{column}_low"], frame[f"{column}_high"] = frame[column] * 0.95, frame[column] * 1.05
        return frame

    designs = table([0.001, 0.003, 0.004], [1e8, 2e8, 5e8])
    regimes = table([0.0015, 0.32], [3e8, 1.2e9], scenario=["unilateral_us", "global_with_china"])
    fig = figures.frontier_figure(SimpleNamespace(designs=designs, regimes=regimes, frontier=designs), replications=10)
    assert "means over 10 replicates on common seeds" in fig.get_suptitle()
    overview, zoom = fig.axes[:2]
    assert "(%)" in overview.get_ylabel() and "(%)" in zoom.get_ylabel()
    assert zoom.get_ylim()[1] < 1 and overview.get_yscale() == "symlog"  # 0.4%, not 0.004
    assert len(fig.legends) == 1 and "global with china: 32.0%" in _legend_texts(fig)


def test_prim_draws_density_by_peeling_step_when_every_box_has_the_same_coverage() -> None:
    trajectory = pd.DataFrame({"id": range(3), "coverage": 1.0, "density": [0.5, 0.8, 1.0], "res_dim": [0, 1, 1],
                               "chosen": [False, False, True]})
    box = pd.DataFrame({"input": ["a"], "low": [0.1], "high": [0.3], "data_low": [0.0], "data_high": [1.0],
                        "restricted": [True]})
    result = SimpleNamespace(trajectory=trajectory, box=box, outcome="x > 1", holds=pd.Series([True, False]))
    left = figures.prim_figure(result).axes[0]
    assert "peeling step" in left.get_xlabel() and "coverage 1.00" in left.get_title(loc="left")
    assert left.get_xlim()[0] < 0 < 2 < left.get_xlim()[1]  # the steps, not a sliver at coverage 1
