"""The headline as a function of US reach over Chinese vendors' inputs (docs/ODD.md 7.15).

How much of a Chinese vendor's bought components the United States can reach (made in the US, or
abroad with US technology, what a foreign-direct-product rule reaches) is the input layer's most
uncertain number: the share of foreign chips made with US tools and design software ranges from about
0.5 to 1 (model/data/README.md, I3). :func:`reach_sweep` runs each policy at several values of
``world.inputs.us_technology_scale`` (which scales every non-US supplier's US-technology share), each
point paired with its own baseline, and :func:`reach_figure` draws denial against the resulting
reach. ``scenarios/sweeps/us_reach.toml`` is the same sweep for the unilateral scenario as a sweep file.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from model import data
from model.analysis.plots import denial_axis, save, scenario_colours
from model.experiment import interval, sweep
from model.formatting import percent_interval
from model.scenario import SCENARIO_DIR
from model.vocabulary import ITEMS
from model.world.inputs import InputOverrides, build_inputs

POLICIES = ("unilateral_us_finished_goods", "unilateral_us", "unilateral_us_extraterritorial", "wassenaar",
            "global_with_china")
SCALES = (0.0, 0.55, 0.8, 1.0, 1.11)
"""Multipliers of the suppliers' US-technology shares: 0 (only US-made components within reach), the
sourced range of I3 (0.5/0.9 to 1/0.9 of the Chinese makers' 0.9), and the default 1."""
KEY = "world.inputs.us_technology_scale"
COLOUR_ORDER = ("unilateral_us", "unilateral_us_extraterritorial", "echri_coalition", "wassenaar", "global_with_china")
"""The headline comparison's policies in its order, so each policy has its colour there (others follow)."""
POLICY_LABELS = {"unilateral_us_finished_goods": "unilateral US, finished goods only", "unilateral_us": "unilateral US",
                 "unilateral_us_extraterritorial": "US + extraterritorial rules", "wassenaar": "Wassenaar-like agreement",
                 "global_with_china": "global agreement with China"}
"""How the README's table names the policies."""


def chinese_reach(scale: float) -> float:
    """The share of Chinese vendors' bought components (by value, over the items they sell) that are
    made in the US or with US technology, with the suppliers' US-technology shares scaled by ``scale``."""
    vendors = data.vendors()
    inputs = build_inputs(vendors, InputOverrides(us_technology_scale=scale))
    china = (vendors["home_iso3"] == "CHN").to_numpy()
    sells = np.array([[item in str(items).split(";") for item in ITEMS] for items in vendors["items"]])[china]
    bought = inputs.cost[:, :-1].sum(axis=1)  # [I]: the items' bought components
    reached = (inputs.us_technology_content[china] * sells).sum()
    return float(reached / (bought[None, :] * sells).sum())


def reach_sweep(policies: Sequence[str] = POLICIES, scales: Sequence[float] = SCALES, *, replications: int = 6,
                executor: Any = "processes", out: str | Path = "results/us_reach") -> pd.DataFrame:
    """Denial (equal-weighted, the headline) per policy and scale: mean and 95% interval over paired
    replications, with the reach share of each scale; each policy's sweep is kept in ``out/<policy>``."""
    out = Path(out)
    rows = []
    for policy in policies:
        runs = sweep(SCENARIO_DIR / f"{policy}.toml", {KEY: list(scales)}, replications=replications,
                     executor=executor, out=out / policy, name=policy, progress=False)
        for scale, group in runs.groupby(KEY):
            mean, low, high = interval(group["denial_effectiveness"])
            rows.append({"policy": policy, "us_technology_scale": scale, "reach": chinese_reach(scale),
                         "denial": mean, "denial_low": low, "denial_high": high, "replications": len(group)})
    table = pd.DataFrame(rows)
    table.to_csv(out / "us_reach.csv", index=False)
    save(reach_figure(table), out, "us_reach", ("png",))
    return table


def reach_markdown(table: pd.DataFrame) -> str:
    """The README's table: a row per policy, a column per reach share (the default tables' and the
    US-made parts' named), cells ``mean% [low, high]``."""
    scales = sorted(table["us_technology_scale"].unique())
    names = {0.0: " (US-made parts only)", 1.0: " (default tables)"}
    reach = table.drop_duplicates("us_technology_scale").set_index("us_technology_scale")["reach"]
    header = ["policy", *(f"{100 * reach[s]:.0f}%{names.get(float(s), '')}" for s in scales)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for policy, group in table.groupby("policy", sort=False):
        cells = group.set_index("us_technology_scale")
        lines.append("| " + " | ".join([POLICY_LABELS.get(policy, policy), *(
            percent_interval(*cells.loc[s, ["denial", "denial_low", "denial_high"]]) for s in scales)]) + " |")
    return "\n".join(lines)


def reach_figure(table: pd.DataFrame) -> Figure:
    """Denial per policy (95% interval as a band) against the share of Chinese vendors' inputs in US
    reach, in the house style: the scenario colours and the denial axis of the comparison figures."""
    colours = scenario_colours([*COLOUR_ORDER, *table["policy"].unique()])
    figure = Figure(figsize=(7.0, 4.4), layout="constrained")
    ax = figure.subplots()
    counts = set(table["replications"]) if "replications" in table else set()
    if len(counts) == 1:
        ax.set_title(f"mean and 95% interval over {counts.pop()} paired replications per point", loc="left",
                     fontsize=9)
    for policy, group in table.groupby("policy", sort=False):
        points = group.sort_values("reach")
        x = 100 * points["reach"].to_numpy()
        ax.plot(x, 100 * points["denial"], marker="o", label=policy, color=colours[policy])
        ax.fill_between(x, 100 * points["denial_low"], 100 * points["denial_high"], alpha=0.2,
                        color=colours[policy])
    default = table.loc[np.isclose(table["us_technology_scale"], 1.0), "reach"]
    if not default.empty:
        ax.axvline(100 * default.iloc[0], color="grey", linestyle=":", label="default tables")
    ax.set_xlabel("Chinese vendors' bought components within US reach (% of value)")
    denial_axis(ax, 100 * table[["denial_low", "denial", "denial_high"]].to_numpy().ravel(),
                "Denial, equal-weighted over target regimes\n(the headline measure)")
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.02, 0.5))
    return figure


if __name__ == "__main__":  # python -m model.analysis.us_reach [REPLICATIONS] [OUT]: the sweep, its figure, the table
    import sys

    arguments = sys.argv[1:]
    result = reach_sweep(replications=int(arguments[0]) if arguments else 6,
                         out=arguments[1] if len(arguments) > 1 else "results/us_reach")
    print(reach_markdown(result))
