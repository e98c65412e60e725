"""The headline across the posterior: policies compared with their baselines at parameter sets drawn
from the calibration's posterior sample, so the intervals carry parameter and stochastic uncertainty.

Draw ``k`` is a particle resampled by weight from the posterior sample (``model/data/posterior.csv``)
with the seed of replicate ``k``; at it every scenario runs paired with its baseline on that seed
(common random numbers). Per policy and draw: denial at the horizon weighted three ways
(:func:`model.experiment.metrics.denial_measures`), denial at the target thresholds of
:data:`THRESHOLDS`, the equal-weighted denial as a time path, and cumulative denial over
:data:`CUMULATIVE` (1 - the sum over its steps of a regime's capability under the policy / in the
baseline, averaged over target regimes). Every run is measured at the lowest threshold, and a
higher threshold keeps the regimes at least that repressive: the threshold only chooses which
regimes are measured (``target_threshold``, docs/ODD.md 7.13), not what happens.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.calibration.spec import with_values
from model.dates import Calendar
from model.experiment.engine import RunRecord, RunSpec, execute, replicate_seed
from model.experiment.metrics import DEFAULT_HEADLINE, DENIAL_MEASURES, denial_measures, regime_metric_columns
from model.parameters import CALIBRATED_FILE
from model.scenario import Scenario
from model.simulation import RunEnd
from model.world.inputs import input_priors

POSTERIOR_SAMPLE = CALIBRATED_FILE.with_name("posterior.csv")
"""The shipped posterior sample (installed by ``calibrate --install``; its manifest beside it)."""
THRESHOLDS = (0.45, 0.50, 0.55)
"""Repression thresholds at which a regime counts as a target (the headline's is 0.5)."""
CUMULATIVE = (dt.date(2020, 1, 1), dt.date(2028, 12, 31))
"""The period of cumulative denial."""
RANKINGS = (("wassenaar", "unilateral_us"), ("global_with_china", "wassenaar"),
            ("echri_coalition", "unilateral_us_extraterritorial"))
"""Orderings whose posterior probability the headline reports: (more denial, less denial)."""
LEVEL = 0.90
"""Credible level of the intervals."""


@dataclass(frozen=True)
class Posterior:
    """A weighted sample of free-parameter values (columns ``parameters.<name>[.<key>]``, ``weight``)."""

    sample: pd.DataFrame

    @classmethod
    def load(cls, path: Path = POSTERIOR_SAMPLE) -> Posterior:
        return cls(pd.read_csv(path))

    @property
    def keys(self) -> list[str]:
        return [c for c in self.sample.columns if c != "weight"]

    def draw(self, n: int, seed: int) -> list[dict[str, float]]:
        """``n`` particles resampled by weight (systematic resampling: each particle about
        ``n x weight`` times)."""
        weights = self.sample["weight"].to_numpy(float)
        cumulative = np.cumsum(weights / weights.sum())
        points = (np.random.default_rng(seed).random() + np.arange(n)) / n
        rows = np.minimum(np.searchsorted(cumulative, points), len(weights) - 1)
        values = self.sample[self.keys].to_numpy(float)
        return [dict(zip(self.keys, values[row])) for row in rows]


def input_ranges() -> pd.DataFrame:
    """The input layer's ranges that no calibration target sees: every supplier's share of output
    made with US technology (``input_suppliers``, docs/ODD.md 7.15), with ``low < high``. They act on
    the extraterritorial rules only (the baseline is the same at any value), so their posterior is
    their prior, and each draw takes them from it, independently of the particle."""
    priors = input_priors()
    rows = priors[(priors["table"] == "input_suppliers") & (priors["low"] < priors["high"])]
    return rows.assign(supplier=rows["key"].str.removesuffix(".us_technology"))[["supplier", "low", "high"]]


def with_inputs(scenario: Scenario, us_technology: dict[str, float]) -> Scenario:
    """``scenario`` with the suppliers' US-technology shares set."""
    inputs = scenario.world.inputs.model_copy(update={"us_technology": us_technology})
    return scenario.model_copy(update={"world": scenario.world.model_copy(update={"inputs": inputs})})


def input_draws(n: int, seed: int, at: str = "prior") -> list[dict[str, float]]:
    """``n`` sets of the suppliers' US-technology shares: uniform over each range (``at="prior"``),
    or every supplier at the low or high end of its range (``at="low"``, ``"high"``)."""
    ranges = input_ranges()
    if at in ("low", "high"):
        return [dict(zip(ranges["supplier"], ranges[at].astype(float).tolist()))] * n
    rng = np.random.default_rng([seed, 1])
    return [dict(zip(ranges["supplier"], rng.uniform(ranges["low"], ranges["high"]).tolist())) for _ in range(n)]


def posterior_runs(scenarios: Sequence[Scenario], posterior: Posterior, *, draws: int, seed: int,
                   executor: Any = None, inputs: str = "prior") -> pd.DataFrame:
    """Per draw and policy scenario: the paired measures (see the module docstring); columns ``draw``,
    ``scenario``, ``denial_<measure>``, ``denial_equal_<threshold>``, ``cumulative_equal`` and
    ``path_<step>`` (equal-weighted denial at each step). The input layer's ranges are drawn with
    :func:`input_draws` (``inputs``: "prior", or "low" or "high" for a structural variant)."""
    policies = [s for s in scenarios if not s.policies.is_empty]
    lowest = min(THRESHOLDS)
    specs = []
    for k, (values, technology) in enumerate(zip(posterior.draw(draws, seed), input_draws(draws, seed, inputs))):
        for s in [policies[0].baseline(), *policies]:
            kwargs = with_inputs(s, technology).model_kwargs() | {
                "parameters": with_values(s.parameters, values), "target_threshold": lowest}
            specs.append(RunSpec(run_id=f"{k}:{s.name}", scenario=s.name, role="baseline" if s.policies.is_empty
                                 else "policy", replicate=k, seed=replicate_seed(seed, k), model_kwargs=kwargs,
                                 record_every=10**6, keep_regimes=True))
    records = {r.spec.run_id: r for r in execute(specs, executor)}
    failed = [r for r in records.values() if not r.ok]
    if failed:
        raise RuntimeError(f"{len(failed)} posterior run(s) failed; the first: {failed[0].error}")
    repression = _repression(policies[0])
    rows = []
    for k in range(draws):
        base = records[f"{k}:{policies[0].baseline().name}"]
        for s in policies:
            rows.append({"draw": k, "scenario": s.name, **paired_measures(records[f"{k}:{s.name}"], base, repression)})
    return pd.DataFrame(rows)


def _repression(scenario: Scenario) -> dict[str, float]:
    from model.simulation import world_for

    world = world_for(scenario.parameters, scenario.world)
    return dict(zip(world.iso3, world.repression.tolist()))


def paired_measures(policy: RunRecord, baseline: RunRecord, repression: dict[str, float]) -> dict[str, float]:
    """One draw's measures of a policy run against its baseline (both measured at the lowest threshold)."""
    regimes = regime_metric_columns(*(RunEnd.of_row(run.result.row()).regimes for run in (policy, baseline)))
    at = np.array([repression[iso3] for iso3 in regimes["iso3"]])
    headline = {name: values[at >= 0.5] for name, values in regimes.items()}
    out = dict(denial_measures(headline))
    for threshold in THRESHOLDS:
        out[f"denial_equal_{threshold:.2f}"] = denial_measures(
            {name: values[at >= threshold] for name, values in regimes.items()})["denial_equal"]
    path = _capability(policy, repression), _capability(baseline, repression)
    ratio = path[0] / path[1].where(path[1] > 0)
    for step, value in (1.0 - ratio).mean(axis=1).items():
        out[f"path_{step}"] = float(value)
    inside = _inside(policy, CUMULATIVE)
    totals = path[0].loc[inside].sum() / path[1].loc[inside].sum().where(lambda x: x > 0)
    out["cumulative_equal"] = float((1.0 - totals).mean())
    return out


def _capability(record: RunRecord, repression: dict[str, float]) -> pd.DataFrame:
    """``[step, regime]`` capability of the regimes at least as repressive as the headline's threshold."""
    table = record.regimes[[repression[iso3] >= 0.5 for iso3 in record.regimes["iso3"]]]
    return table.pivot(index="step", columns="iso3", values="capability")


def _inside(record: RunRecord, period: tuple[dt.date, dt.date]) -> np.ndarray:
    """Steps (regime-table rows' ``step``) whose dates fall in ``period``."""
    kwargs = record.spec.model_kwargs
    calendar = Calendar(kwargs["start_date"], kwargs["steps_per_year"])
    steps = np.arange(kwargs["horizon"])
    dates = np.array([calendar.date_of(int(t)) for t in steps])
    return steps[(dates >= period[0]) & (dates <= period[1])]


def credible(runs: pd.DataFrame, columns: Sequence[str], level: float = LEVEL) -> pd.DataFrame:
    """Per scenario and column: the median and the central ``level`` interval over draws."""
    tail = (1.0 - level) / 2
    grouped = runs.groupby("scenario", sort=False)[list(columns)]
    return pd.concat({"median": grouped.median(), "low": grouped.quantile(tail), "high": grouped.quantile(1 - tail)},
                     axis=1)


def ranking_probabilities(runs: pd.DataFrame, measure: str = "denial_equal") -> dict[tuple[str, str], float]:
    """For each of :data:`RANKINGS` present: the share of draws in which the first policy denies more."""
    wide = runs.pivot(index="draw", columns="scenario", values=measure)
    return {(a, b): float((wide[a] > wide[b]).mean()) for a, b in RANKINGS if a in wide and b in wide}


def seed_only(replications: pd.DataFrame, columns: Sequence[str], level: float = LEVEL) -> pd.DataFrame:
    """Per scenario: the central ``level`` interval over replications at the calibrated point (seed noise only)."""
    tail = (1.0 - level) / 2
    grouped = replications.groupby("scenario", sort=False)[list(columns)]
    return pd.concat({"low": grouped.quantile(tail), "high": grouped.quantile(1 - tail)}, axis=1)


def headline_table(runs: pd.DataFrame, replications: pd.DataFrame | None = None) -> str:
    """The posterior headline as text: per policy the median [90% credible interval] of each denial
    measure (the seed-only interval at the calibrated point beside it), then the ranking probabilities."""
    order = [DEFAULT_HEADLINE, *(m for m in DENIAL_MEASURES if m != DEFAULT_HEADLINE)]  # the headline first
    measures = [f"denial_{m}" for m in order]
    cred = credible(runs, measures)
    seeds = seed_only(replications, measures) if replications is not None else None
    width = max(len(s) for s in cred.index)
    head = "  ".join(f"{m + (' (headline)' if m == DEFAULT_HEADLINE else ''):>34}" for m in order)
    lines = [f"Denial across the posterior ({runs['draw'].nunique()} draws): median [{LEVEL:.0%} credible interval]"
             + (" (seed only)" if seeds is not None else ""), f"{'policy':<{width}}  {head}"]
    for name in cred.index:
        cells = []
        for m in measures:
            cell = (f"{100 * cred.loc[name, ('median', m)]:.2f}% [{100 * cred.loc[name, ('low', m)]:.2f}, "
                    f"{100 * cred.loc[name, ('high', m)]:.2f}]")
            if seeds is not None and name in seeds.index:
                cell += f" ({100 * seeds.loc[name, ('low', m)]:.2f}, {100 * seeds.loc[name, ('high', m)]:.2f})"
            cells.append(f"{cell:>34}")
        lines.append(f"{name:<{width}}  {'  '.join(cells)}")
    lines.append("")
    for (a, b), p in ranking_probabilities(runs).items():
        lines.append(f"P({a} denies more than {b}) = {p:.2f}")
    return "\n".join(lines)


def posterior_headline(scenarios: Sequence[Scenario], replications: pd.DataFrame | None, *, out: Path | None,
                       draws: int, seed: int, executor: Any = None, command: list[str] | None = None) -> str:
    """Run :func:`posterior_runs` at the shipped posterior, write its per-draw table to ``out/posterior/``
    (a results subfolder of kind "analysis") when ``out`` is given, and return :func:`headline_table`."""
    from model.experiment.results import (
        build_manifest,
        manifest_tables,
        staged_subfolder,
        write_manifest,
        write_tables,
    )

    runs = posterior_runs(scenarios, Posterior.load(), draws=draws, seed=seed, executor=executor)
    if out is not None:
        with staged_subfolder(out / "posterior") as staging:
            entries = write_tables(staging, {"posterior_draws": runs}, _columns(runs))
            settings = {"analysis": "posterior headline", "draws": draws, "seed": seed, "status": "complete",
                        "posterior": str(POSTERIOR_SAMPLE.name), "scenarios": [s.name for s in scenarios]}
            write_manifest(staging, build_manifest("analysis", settings, command or []) | manifest_tables(entries))
    return headline_table(runs, replications)


def _columns(runs: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """Descriptions of the per-draw table's columns."""
    out = {"draw": ("", "posterior draw (its seed is replicate k's)"),
           "cumulative_equal": ("share", f"equal-weighted cumulative denial {CUMULATIVE[0].year}-{CUMULATIVE[1].year}")}
    out |= {f"denial_equal_{t:.2f}": ("share", f"equal-weighted denial at the horizon, targets repression >= {t}")
            for t in THRESHOLDS}
    out |= {c: ("share", f"equal-weighted denial at step {c[5:]}") for c in runs if c.startswith("path_")}
    return out
