"""Paired comparisons of a policy run with its baseline run on the same seed (docs/ODD.md, 7.13)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import special  # not scipy.stats, 0.3 s to import; Mesa imports scipy.special anyway

from model.simulation.result import RunEnd
from model.vocabulary import ROUTES

DENIAL_MEASURES: dict[str, str] = {
    "population": "population-weighted mean of the target regimes' denial",
    "equal": "mean of the target regimes' denial, each regime counted once",
    "importing": "mean of the denial of the target regimes without vendors of their own",
}
"""The three ways of weighting denial over target regimes (``denial_<measure>``); a scenario's
``headline`` names the one reported as ``denial_effectiveness``."""

DEFAULT_HEADLINE = "equal"


def regime_metrics(policy: pd.DataFrame, baseline: pd.DataFrame) -> pd.DataFrame:
    """Per target regime of a policy run and its baseline (tidy tables of
    :meth:`model.simulation.RunEnd.regime_table`): ``denial`` = 1 - capability (policy) / (baseline)
    at the horizon (NaN where the baseline has none), and ``leakage_rate`` = leaked / blocked after
    the warm-up (NaN where nothing was blocked), with the policy run's population, ``own_vendors``,
    ``blocked`` and ``leaked``. Regimes of the policy run that are not targets in the baseline run
    are left out."""
    columns = regime_metric_columns(_columns(policy), _columns(baseline))
    return pd.DataFrame({**columns, "iso3": pd.Series(columns["iso3"], dtype=object)})


def regime_metric_columns(policy: Mapping[str, np.ndarray], baseline: Mapping[str, np.ndarray]
                          ) -> dict[str, np.ndarray]:
    """:func:`regime_metrics`'s columns from the regime columns of two runs (``RunEnd.regimes``)."""
    capability = dict(zip(baseline["iso3"], baseline["capability"]))
    base = np.array([capability.get(iso3, np.nan) for iso3 in policy["iso3"]], dtype=float)
    paired = ~np.isnan(base)
    both = {name: np.asarray(values)[paired] for name, values in policy.items()}
    base = base[paired]
    ratio = np.divide(both["capability"].astype(float), base, out=np.full(len(base), np.nan), where=base > 0)
    blocked = both["blocked"].astype(float)
    leaked = np.divide(both["leaked"].astype(float), blocked, out=np.full(len(base), np.nan), where=blocked > 0)
    return {"iso3": both["iso3"], "population": both["population"], "own_vendors": both["own_vendors"],
            "denial": 1.0 - ratio, "leakage_rate": leaked, "blocked": both["blocked"], "leaked": both["leaked"]}


def _columns(table: pd.DataFrame) -> dict[str, np.ndarray]:
    return {name: table[name].to_numpy() for name in table}


def denial_measures(regimes: pd.DataFrame | Mapping[str, np.ndarray]) -> dict[str, float]:
    """``denial_<measure>`` for each of :data:`DENIAL_MEASURES`: weighted means of the per-regime
    ``denial`` of :func:`regime_metrics` (weights: population; 1; 1 for regimes without vendors of
    their own, else 0). Regimes with an undefined denial are left out; NaN when none remain.
    ``regimes`` is a table of :func:`regime_metrics` or its columns (:func:`regime_metric_columns`)."""
    denial = np.asarray(regimes["denial"], dtype=float)
    weights = {
        "population": np.asarray(regimes["population"], dtype=float),
        "equal": np.ones(len(denial)),
        "importing": 1.0 - np.asarray(regimes["own_vendors"], dtype=float),
    }
    out = {}
    for measure in DENIAL_MEASURES:
        w = np.where(np.isfinite(denial), weights[measure], 0.0)
        out[f"denial_{measure}"] = float(np.nansum(w * denial) / w.sum()) if w.sum() > 0 else np.nan
    return out


@dataclass(frozen=True)
class Pair:
    """A policy run and its baseline on the same seed (their ends as stored), the countries that
    controlled exports in the policy run, and the denial measure that is the headline."""

    policy: RunEnd
    baseline: RunEnd
    controlling: tuple[str, ...] = ()
    headline: str = DEFAULT_HEADLINE

    @cached_property
    def denial(self) -> dict[str, float]:
        """:func:`denial_measures` of the pair's target regimes."""
        return denial_measures(regime_metric_columns(self.policy.regimes, self.baseline.regimes))

    @property
    def blocked(self) -> float:
        return self.policy.total("blocked_targets")

    def leaked_share(self, routes: tuple[str, ...]) -> float:
        """Of the blocked acquisitions, the share target regimes obtained by ``routes`` (NaN when none)."""
        blocked = self.blocked
        return sum(self.policy.total(f"leaked_{r}") for r in routes) / blocked if blocked > 0 else np.nan

    def controlling_revenue(self, end: RunEnd) -> float:
        """Post-warm-up revenue of the controlling countries' vendors in ``end`` (its nations' values)."""
        revenue = end.nation_values["revenue"]
        return sum(revenue.get(code, 0.0) for code in self.controlling)

    @cached_property
    def revenues(self) -> tuple[float, float]:
        """:meth:`controlling_revenue` of the policy run and of the baseline run."""
        return self.controlling_revenue(self.policy), self.controlling_revenue(self.baseline)


@dataclass(frozen=True)
class Metric:
    """One paired metric: its column ``name``, ``unit``, ``meaning`` (for ``columns.csv`` and the
    docs) and the function computing it from a :class:`Pair` (the EMA Workbench's ScalarOutcome)."""

    name: str
    unit: str
    meaning: str
    compute: Callable[[Pair], float]


METRICS: dict[str, Metric] = {}
"""Every paired metric, in the order of the ``replications`` table's columns."""


def register(metric: Metric) -> Metric:
    """Add ``metric`` to :data:`METRICS` (a name registered twice is refused)."""
    if metric.name in METRICS:
        raise ValueError(f"metric {metric.name!r} is registered twice")
    METRICS[metric.name] = metric
    return metric


def metric_names() -> list[str]:
    """Every metric a paired experiment records, in :data:`METRICS` order."""
    return list(METRICS)


def metric_table() -> str:
    """The registered metrics as a Markdown table (docs/sweeps.md keeps a copy; a test compares)."""
    rows = [f"| `{m.name}` | {m.unit} | {m.meaning} |" for m in METRICS.values()]
    return "\n".join(["| metric | unit | meaning |", "|---|---|---|", *rows])


def replicate_metrics(pair: Pair) -> dict[str, float]:
    """Every registered metric of one replicate (docs/ODD.md, 7.13)."""
    return {name: metric.compute(pair) for name, metric in METRICS.items()}


def _revenue_lost(pair: Pair) -> float:
    policy, baseline = pair.revenues
    return baseline - policy


def _revenue_lost_share(pair: Pair) -> float:
    base = pair.revenues[1]
    return _revenue_lost(pair) / base if base > 0 else np.nan


def _share_gain(pair: Pair) -> float:
    policy, baseline = pair.policy.nation_values["share"], pair.baseline.nation_values["share"]
    others = [code for code in policy if code not in pair.controlling]
    return sum(policy[code] for code in others) - sum(baseline[code] for code in others)


SHARE = "share 0-1"
CAPABILITY = "index (1 = world per-capita level at start)"  # docs/ODD.md 7.10: unbounded above
DENIAL = "share, at most 1 (below 0: above the baseline)"  # docs/ODD.md 7.13
for _metric in (
    Metric("target_capability", CAPABILITY, "population-weighted mean capability of target regimes",
           lambda pair: pair.policy.values["target_capability"]),
    Metric("baseline_target_capability", CAPABILITY, "target capability of the baseline run at the horizon",
           lambda pair: pair.baseline.values["target_capability"]),
    Metric("denial_effectiveness", DENIAL, "the denial measure the scenario's `headline` names",
           lambda pair: pair.denial[f"denial_{pair.headline}"]),
    Metric("denial_population", DENIAL, "population-weighted mean over target regimes of the regimes' denial",
           lambda pair: pair.denial["denial_population"]),
    Metric("denial_equal", DENIAL, "mean over target regimes of 1 - capability / baseline at the horizon",
           lambda pair: pair.denial["denial_equal"]),
    Metric("denial_importing", DENIAL, "mean denial over target regimes without vendors of their own",
           lambda pair: pair.denial["denial_importing"]),
    Metric("blocked", "effective units", "post-warm-up acquisitions of target regimes that controls blocked",
           lambda pair: pair.blocked),
    Metric("leakage_rate", SHARE, "of the blocked acquisitions, the share obtained by other routes",
           lambda pair: pair.leaked_share(ROUTES)),
    Metric("revenue_lost", "US$", "post-warm-up revenue lost by vendors of controlling countries", _revenue_lost),
    Metric("revenue_lost_share", "share of at most 1, negative when they gain",
           "revenue lost relative to the controlling vendors' baseline revenue (they gain when controls on "
           "rivals' inputs or procurement bans send buyers to them)", _revenue_lost_share),
    Metric("share_gain_noncontrolling", "share points, -1 to 1", "market-share gain of non-controlling countries' vendors",
           _share_gain),
    Metric("targets_capable", "countries", "target regimes at or above the capable threshold",
           lambda pair: pair.policy.values["targets_capable"]),
    Metric("baseline_targets_capable", "countries", "capable target regimes in the baseline at the horizon",
           lambda pair: pair.baseline.values["targets_capable"]),
    Metric("years_to_capable", "years", "mean time until target regimes became capable",
           lambda pair: pair.policy.values["years_to_capable"]),
    Metric("baseline_years_to_capable", "years", "years to capable in the baseline run",
           lambda pair: pair.baseline.values["years_to_capable"]),
    *(Metric(f"leakage_{route}", SHARE, f"part of the leakage rate through route {route}",
             lambda pair, route=route: pair.leaked_share((route,))) for route in ROUTES),
):
    register(_metric)


def half_width(std: np.ndarray | pd.Series, count: np.ndarray | pd.Series, level: float = 0.95):
    """Half-width of the Student-t interval of a mean (0 where fewer than two values)."""
    count = np.asarray(count, float)
    quantile = special.stdtrit(np.maximum(count - 1, 1), 0.5 + level / 2)  # Student t's quantile, as scipy.stats.t.ppf
    return np.where(count > 1, quantile * np.asarray(std, float) / np.sqrt(np.maximum(count, 1)), 0.0)


def interval(values: pd.Series, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and Student-t confidence interval over replicates (NaNs dropped)."""
    x = values.dropna().to_numpy(float)
    if len(x) == 0:
        return (np.nan, np.nan, np.nan)
    mean = float(x.mean())
    half = float(half_width(x.std(ddof=1) if len(x) > 1 else 0.0, len(x), level))
    return (mean, mean - half, mean + half)


def summarise(per_replication: pd.DataFrame, by: str | list[str] = "scenario") -> pd.DataFrame:
    """Mean and 95% interval of every metric column, one row per group: ``<metric>``,
    ``<metric>_low``, ``<metric>_high``, and ``replications``; each group's numbers are
    :func:`interval`'s of its values, computed for all groups of a size at once."""
    keys = [by] if isinstance(by, str) else list(by)
    metrics = [c for c in per_replication.select_dtypes("number") if c not in ("replicate", "seed", "point_id")]
    group = per_replication.groupby(keys, sort=False).ngroup().to_numpy()  # -1: a missing key, left out
    rows = np.flatnonzero(group >= 0)
    rows = rows[np.argsort(group[rows], kind="stable")]  # by group, each in its rows' order
    group = group[rows]
    n_groups = int(group[-1]) + 1 if len(group) else 0
    if not n_groups:
        return pd.DataFrame()
    first = rows[np.searchsorted(group, np.arange(n_groups))]
    out: dict[str, object] = {key: per_replication[key].to_numpy()[first].tolist() for key in keys}
    out["replications"] = np.bincount(group, minlength=n_groups)
    for metric in metrics:
        values = per_replication[metric].to_numpy(dtype=float, na_value=np.nan)[rows]
        out[metric], out[f"{metric}_low"], out[f"{metric}_high"] = _intervals(values, group, n_groups)
    return pd.DataFrame(out)


def _intervals(values: np.ndarray, group: np.ndarray, n_groups: int, level: float = 0.95
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`interval` of each group's values (``values`` ordered by ``group``): the groups of
    ``n`` values that are not NaN as the rows of one ``[groups, n]`` array, whose row means and
    deviations NumPy sums as it sums one group alone (the same pairwise summation, the same bits)."""
    kept = ~np.isnan(values)
    values, group = values[kept], group[kept]
    count = np.bincount(group, minlength=n_groups)
    start = np.concatenate([[0], np.cumsum(count)[:-1]])
    mean, half = np.full(n_groups, np.nan), np.full(n_groups, np.nan)
    for n in np.unique(count[count > 0]).tolist():
        which = np.flatnonzero(count == n)
        block = values[start[which, None] + np.arange(n)]
        mean[which] = block.mean(axis=1)
        std = block.std(axis=1, ddof=1) if n > 1 else np.zeros(len(which))
        half[which] = half_width(std, np.full(len(which), n), level)
    return mean, mean - half, mean + half
