"""Text reports of the strategy analyses: what the commands print, and the Markdown the README's
"What the model says" section is made of (``--readme``)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pandas as pd

from model.errors import ModelInputError
from model.formatting import interval, percent, percent_interval


def ranking(shapley: pd.DataFrame, layer: str = "all") -> pd.DataFrame:
    """Partners by Shapley value for denial in ``layer`` (the first layer when absent), with their
    value for revenue lost."""
    layer = layer if layer in set(shapley["layer"]) else shapley["layer"].iloc[0]
    rows = shapley[shapley["layer"] == layer]
    denial = rows[rows["outcome"] == "denial_effectiveness"].set_index("partner")
    revenue = rows[rows["outcome"] == "revenue_lost"].set_index("partner")
    table = pd.DataFrame({
        "partner": denial.index,
        "denial (points)": [interval(v, lo, hi, scale=100, signed=True) for v, lo, hi in
                            zip(denial["shapley"], denial["shapley_low"], denial["shapley_high"])],
        "revenue lost (US$ m)": [f"{v / 1e6:,.0f} [{lo / 1e6:,.0f}, {hi / 1e6:,.0f}]" for v, lo, hi in zip(
            revenue.loc[denial.index, "shapley"], revenue.loc[denial.index, "shapley_low"],
            revenue.loc[denial.index, "shapley_high"])],
        "value": denial["shapley"].to_numpy(),
    })
    return table.sort_values("value", ascending=False, ignore_index=True).drop(columns="value")


def frontier_rows(designs: pd.DataFrame, regimes: pd.DataFrame) -> pd.DataFrame:
    """The Pareto-efficient designs, cheapest first, then the named regimes."""
    def fmt(row: pd.Series) -> tuple[str, str]:
        denial = percent_interval(row["denial_effectiveness"], row["denial_effectiveness_low"],
                                  row["denial_effectiveness_high"])
        revenue = interval(row["revenue_lost"], row["revenue_lost_low"], row["revenue_lost_high"], scale=1e-9)
        return denial, revenue

    rows = []
    for text, group in designs[designs["pareto"]].groupby(designs[designs["pareto"]].apply(fmt, axis=1), sort=False):
        label = group.iloc[0]["label"] + (f" (and {len(group) - 1} more with these outcomes)" if len(group) > 1 else "")
        rows.append((group.iloc[0]["revenue_lost"], "design: " + label, *text))
    rows = [row[1:] for row in sorted(rows)]
    rows += [("regime: " + r["scenario"], *fmt(r)) for _, r in regimes.iterrows()]
    return pd.DataFrame(rows, columns=["design", "denial effectiveness", "revenue lost (US$ bn)"])


def markdown(table: pd.DataFrame) -> str:
    head = "| " + " | ".join(table.columns) + " |"
    rule = "|" + "|".join("---" for _ in table.columns) + "|"
    body = ["| " + " | ".join(str(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def print_coalitions(result) -> str:
    """Print the ranking per layer and the efficiency check; return the Markdown summary."""
    for layer in dict.fromkeys(result.shapley["layer"]):
        print(f"\nShapley values of partners, layer: {layer} (95% intervals)")
        print(ranking(result.shapley, layer).to_string(index=False))
    print("\nEfficiency: the values sum to the grand coalition minus the leader alone")
    print(result.efficiency.to_string(index=False))
    first = result.shapley.iloc[0]
    check = result.efficiency.iloc[0]
    lines = [
        (f"Shapley values of each potential partner of the leader's agreement ({first['method']}, "
        f"layer: {first['layer']}; 95% intervals over replicates): the denial effectiveness it adds, in "
        "percentage points, and the revenue its joining costs controlling-country vendors. They sum to "
        f"the grand coalition's denial minus the leader alone's ({percent(check['grand_coalition'])} - "
        f"{percent(check['leader_alone'])})."),
        "",
        markdown(ranking(result.shapley, first["layer"])),
        "",
        "![Shapley values of potential partners](docs/figures/shapley.png)",
    ]
    if len(result.formation):
        stable = result.formation[(result.formation["kind"] == "stable") & (result.formation["rule"] == "uniform")]
        print(f"\nFormation: {len(stable)} stable coalitions over all variants and weights (formation.csv)")
        lines += ["", formation_sentence(result.formation),
                  "", "![Stable coalitions by weight on denial](docs/figures/stability_map.png)"]
    return "\n".join(lines)


def formation_sentence(formation: pd.DataFrame) -> str:
    """The largest stable coalition per weight, for the scenario's own agreement."""
    rows = formation[(formation["rule"] == "uniform") & (formation["kind"] == "stable")
                     & (formation["variant"] == formation["variant"].iloc[0])]
    parts = []
    for weight, group in rows.groupby("weight"):
        largest = group.sort_values("size", ascending=False).iloc[0]
        members = largest["members"] if isinstance(largest["members"], str) and largest["members"] else "none"
        parts.append(f"{weight:g}: {members}")
    return ("Largest stable coalition of partners by weight on denial (payoff = weight x denial - "
            "(1 - weight) x own revenue-loss share): " + "; ".join(parts) + ".")


def print_frontier(result) -> str:
    """Print the frontier and the regimes; return the Markdown summary."""
    table = frontier_rows(result.designs, result.regimes)
    print(f"\n{len(result.designs)} designs evaluated; the frontier and the named regimes:")
    print(table.to_string(index=False))
    return "\n".join([
        (f"The cost-effectiveness frontier of {len(result.designs)} evaluated agreement designs: the most "
        "denial effectiveness for the revenue controlling-country vendors lose (95% intervals), and the "
        "named regimes on the same seeds."),
        "",
        markdown(table),
        "",
        "![Cost-effectiveness frontier](docs/figures/frontier.png)",
    ])


def print_discovery(result) -> None:
    chosen = result.trajectory[result.trajectory["chosen"]].iloc[0]
    print(f"\nWhere {result.outcome}: {int(result.holds.sum())} of {len(result.holds)} cases")
    print(f"PRIM box (coverage {chosen['coverage']:.2f}, density {chosen['density']:.2f}):")
    print(result.box[result.box["restricted"]].to_string(index=False))
    print("\nCART leaves:")
    print(result.cart.to_string(index=False))


def check_readme(readme: Path) -> str:
    """The text of ``readme`` if it is a readable, writable UTF-8 file (checked before the analysis
    runs, and again when it is updated); else one :class:`ModelInputError` naming --readme."""
    try:
        text = readme.read_text(encoding="utf-8")
    except OSError as exc:
        raise _readme_error(readme, exc.strerror or str(exc)) from None
    except UnicodeError:
        raise _readme_error(readme, "not UTF-8 text") from None
    if not os.access(readme, os.W_OK):
        raise _readme_error(readme, "not writable")
    return text


def _readme_error(readme: Path, reason: str) -> ModelInputError:
    return ModelInputError("--readme", f"cannot update this file ({reason})",
                           expected="an existing, writable Markdown file such as README.md", got=str(readme))


def update_readme(readme: Path, section: str, text: str, figures: list[Path], docs_figures: Path) -> None:
    """Replace the text between ``<!-- section:start -->`` and ``<!-- section:end -->`` in ``readme``
    and copy ``figures`` to ``docs_figures``."""
    content = check_readme(readme)
    start, end = f"<!-- {section}:start -->", f"<!-- {section}:end -->"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.DOTALL)
    block = f"{start}\n{text.strip()}\n{end}"
    content = pattern.sub(lambda _: block, content) if pattern.search(content) else content + "\n" + block + "\n"
    try:
        readme.write_text(content, encoding="utf-8")
        docs_figures.mkdir(parents=True, exist_ok=True)
        for figure in figures:
            shutil.copy(figure, docs_figures / figure.name)
    except OSError as exc:
        raise _readme_error(readme, f"{exc.strerror or exc}: {exc.filename}") from None
