"""The headline against US reach: the reach share and its figure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from model.analysis.us_reach import SCALES, chinese_reach, reach_figure
from model.world import build_world


def test_reach_grows_with_the_us_technology_share_from_the_us_made_parts_to_all():
    reach = [chinese_reach(s) for s in SCALES]
    assert np.all(np.diff(reach) > 0) and reach[-1] <= 1.0
    world = build_world()
    china = world.vendor_home == world.country_index["CHN"]
    bought = world.inputs.cost[:, :-1].sum(axis=1)
    us_made = (world.inputs.us_origin_content[china] * world.sells[china]).sum()
    assert reach[0] == pytest.approx(us_made / (bought[None, :] * world.sells[china]).sum())


def test_the_figure_draws_one_line_and_band_per_policy():
    table = pd.DataFrame({"policy": ["a", "a", "b", "b"], "us_technology_scale": [0.0, 1.0] * 2,
                          "reach": [0.6, 0.97] * 2, "denial": [0.01, 0.02, 0.3, 0.31],
                          "denial_low": [0.009, 0.019, 0.29, 0.30], "denial_high": [0.011, 0.021, 0.31, 0.32]})
    ax = reach_figure(table).axes[0]
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels[:2] == ["a", "b"] and "default tables" in labels and len(ax.collections) == 2
    assert ax.get_yscale() == "symlog"  # 1% beside 30%: the comparison figures' logarithmic denial axis
    assert ax.yaxis.get_major_formatter()(10.0, 0) == "10%"
    assert ax.get_lines()[0].get_color() != ax.get_lines()[1].get_color()


def test_the_readme_table_has_a_row_per_policy_and_a_column_per_reach():
    from model.analysis.us_reach import reach_markdown

    table = pd.DataFrame({"policy": ["unilateral_us"] * 2 + ["wassenaar"] * 2, "us_technology_scale": [0.0, 1.0] * 2,
                          "reach": [0.59, 0.97] * 2, "denial": [0.0341, 0.0447, 0.0569, 0.0684],
                          "denial_low": [0.0338, 0.0443, 0.0565, 0.068], "denial_high": [0.0344, 0.045, 0.0573, 0.0688],
                          "replications": 6})
    lines = reach_markdown(table).splitlines()
    assert lines[0] == "| policy | 59% (US-made parts only) | 97% (default tables) |"
    assert lines[2] == "| unilateral US | 3.4% [3.4, 3.4] | 4.5% [4.4, 4.5] |"
    assert lines[3].startswith("| Wassenaar-like agreement | 5.7% [5.7, 5.7] |")
    assert "6 paired replications" in reach_figure(table).axes[0].get_title(loc="left")


def test_the_figure_gives_each_policy_its_colour_in_the_headline_figures():
    from model.analysis.plots import scenario_colours
    from model.analysis.us_reach import COLOUR_ORDER

    table = pd.DataFrame({"policy": ["unilateral_us_finished_goods", "unilateral_us", "wassenaar"],
                          "us_technology_scale": 1.0, "reach": 0.97, "denial": [0.002, 0.04, 0.08],
                          "denial_low": [0.002, 0.04, 0.08], "denial_high": [0.002, 0.04, 0.08]})
    lines = {line.get_label(): line.get_color() for line in reach_figure(table).axes[0].get_lines()}
    headline = scenario_colours(["baseline", *COLOUR_ORDER])
    assert lines["unilateral_us"] == headline["unilateral_us"] and lines["wassenaar"] == headline["wassenaar"]
    assert lines["unilateral_us_finished_goods"] not in headline.values()
