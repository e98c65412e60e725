"""Paired comparisons of a policy run with its baseline run on the same seed (docs/ODD.md, 7.13)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from model.vocabulary import ROUTES

REGIME_FIELDS = ("capability", "blocked", "leaked", "population", "own_vendors")
"""Per target regime, what a run's report holds as ``regime_<field>_<ISO3>``."""

DENIAL_MEASURES: dict[str, str] = {
    "population": "population-weighted mean of the target regimes' denial",
    "equal": "mean of the target regimes' denial, each regime counted once",
    "importing": "mean of the denial of the target regimes without vendors of their own",
}
"""The three ways of weighting denial over target regimes (``denial_<measure>``); a scenario's
``headline`` names the one reported as ``denial_effectiveness``."""

DEFAULT_HEADLINE = "equal"


def regime_table(report: Mapping[str, float]) -> pd.DataFrame:
    """A run's per-regime figures as a tidy table: one row per target regime (``iso3``), one
    column per :data:`REGIME_FIELDS` (from the ``regime_<field>_<ISO3>`` keys of its report)."""
    return _table(regime_columns(report))


def regime_metrics(policy: pd.DataFrame, baseline: pd.DataFrame) -> pd.DataFrame:
    """Per target regime of a policy run and its baseline (tidy tables of :func:`regime_table`):
    ``denial`` = 1 - capability (policy) / (baseline) at the horizon (NaN where the baseline has
    none), and ``leakage_rate`` = leaked / blocked after the warm-up (NaN where nothing was
    blocked), with the policy run's population, ``own_vendors``, ``blocked`` and ``leaked``.
    Regimes of the policy run that are not targets in the baseline run are left out."""
    return _table(regime_metric_columns(_columns(policy), _columns(baseline)))


def regime_columns(report: Mapping[str, float]) -> dict[str, np.ndarray]:
    """:func:`regime_table`'s columns as arrays (``iso3`` of objects, the fields as floats)."""
    rows: dict[str, dict[str, float]] = {}
    for key, value in report.items():
        prefix, _, iso3 = key.rpartition("_")
        if prefix.startswith("regime_") and prefix[7:] in REGIME_FIELDS:
            rows.setdefault(iso3, {})[prefix[7:]] = value
    columns = {"iso3": np.array(list(rows), dtype=object),
               **{name: np.array([row.get(name, np.nan) for row in rows.values()], dtype=float)
                  for name in REGIME_FIELDS}}
    target = ~np.isnan(columns["capability"])  # NaN: not a target of this run
    return {name: values[target] for name, values in columns.items()}


def regime_metric_columns(policy: Mapping[str, np.ndarray], baseline: Mapping[str, np.ndarray]
                          ) -> dict[str, np.ndarray]:
    """:func:`regime_metrics`'s columns from the columns of two regime tables (:func:`regime_columns`)."""
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


def _table(columns: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """A regime table from its columns, ``iso3`` kept as Python strings (object dtype)."""
    return pd.DataFrame({**columns, "iso3": pd.Series(columns["iso3"], dtype=object)})


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


def replicate_metrics(
    policy_final: Mapping[str, float], policy_report: Mapping[str, float],
    baseline_final: Mapping[str, float], baseline_report: Mapping[str, float],
    controlling: tuple[str, ...], headline: str = DEFAULT_HEADLINE,
) -> dict[str, float]:
    """Headline figures of one replicate from the last step (``*_final``: a time-series row, as a
    Series or a dict) and the post-warm-up totals (``*_report``, see ``ControlRegimeModel.report``)
    of a policy run and its baseline.

    - ``denial_population``, ``denial_equal``, ``denial_importing`` (:func:`denial_measures`):
      denial over target regimes weighted three ways; ``denial_effectiveness`` is the ``headline``
      one. A regime's denial is 1 - its capability (policy) / (baseline) at the horizon.
    - ``leakage_rate`` = of the acquisitions controls blocked on the direct route after the warm-up,
      the share target regimes still obtained by other routes; ``leakage_<route>`` splits it.
    - ``revenue_lost`` = baseline minus policy revenue of controlling-country vendors after the
      warm-up (US$), and ``revenue_lost_share`` relative to their baseline revenue.
    - ``share_gain_noncontrolling`` = market-share gain of vendors from non-controlling countries
      at the horizon (share points, 0-1).
    """
    blocked = policy_report["total_blocked_targets"]
    leaked = {route: policy_report[f"total_leaked_{route}"] for route in ROUTES}
    measures = denial_measures(regime_metric_columns(regime_columns(policy_report), regime_columns(baseline_report)))
    base_revenue = sum(baseline_report.get(f"total_revenue_{c}", 0.0) for c in controlling)
    lost = base_revenue - sum(policy_report.get(f"total_revenue_{c}", 0.0) for c in controlling)
    shares = [c for c in policy_final.keys() if c.startswith("share_") and c[6:] not in controlling]  # noqa: SIM118 (a Series iterates over its values)
    out = {
        "target_capability": policy_final["target_capability"],
        "baseline_target_capability": baseline_final["target_capability"],
        "denial_effectiveness": measures[f"denial_{headline}"],
        **measures,
        "blocked": blocked,
        "leakage_rate": sum(leaked.values()) / blocked if blocked > 0 else np.nan,
        "revenue_lost": lost,
        "revenue_lost_share": lost / base_revenue if base_revenue > 0 else np.nan,
        "share_gain_noncontrolling": sum(policy_final[c] for c in shares) - sum(baseline_final[c] for c in shares),
        "targets_capable": policy_final["targets_capable"],
        "baseline_targets_capable": baseline_final["targets_capable"],
        "years_to_capable": policy_report["years_to_capable"],
        "baseline_years_to_capable": baseline_report["years_to_capable"],
    }
    for route, amount in leaked.items():
        out[f"leakage_{route}"] = amount / blocked if blocked > 0 else np.nan
    return out


def half_width(std: np.ndarray | pd.Series, count: np.ndarray | pd.Series, level: float = 0.95):
    """Half-width of the Student-t interval of a mean (0 where fewer than two values)."""
    from scipy import stats  # imported when used: run workers, which import this layer, never need it

    count = np.asarray(count, float)
    quantile = stats.t.ppf(0.5 + level / 2, np.maximum(count - 1, 1))
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
    ``<metric>_low``, ``<metric>_high``, and ``replications``."""
    metrics = [c for c in per_replication.select_dtypes("number") if c not in ("replicate", "seed", "point_id")]
    rows = []
    for key, group in per_replication.groupby(by, sort=False):
        row = dict(zip([by] if isinstance(by, str) else by, key if isinstance(key, tuple) else (key,)))
        row["replications"] = len(group)
        for metric in metrics:
            row[metric], row[f"{metric}_low"], row[f"{metric}_high"] = interval(group[metric])
        rows.append(row)
    return pd.DataFrame(rows)
