"""Paired comparisons of a policy run with its baseline run on the same seed (docs/ODD.md, 7.13)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from model.vocabulary import ROUTES


def replicate_metrics(
    policy_final: pd.Series, policy_report: dict[str, float],
    baseline_final: pd.Series, baseline_report: dict[str, float],
    controlling: tuple[str, ...],
) -> dict[str, float]:
    """Headline figures of one replicate from the last step (``*_final``) and the post-warm-up
    totals (``*_report``, see ``ControlRegimeModel.report``) of a policy run and its baseline.

    - ``denial_effectiveness`` = 1 - target capability (policy) / (baseline) at the horizon.
    - ``leakage_rate`` = of the acquisitions controls blocked on the direct route after the warm-up,
      the share target regimes still obtained by other routes; ``leakage_<route>`` splits it.
    - ``revenue_lost`` = baseline minus policy revenue of controlling-country vendors after the
      warm-up (US$), and ``revenue_lost_share`` relative to their baseline revenue.
    - ``share_gain_noncontrolling`` = market-share gain of vendors from non-controlling countries
      at the horizon (share points, 0-1).
    """
    blocked = policy_report["total_blocked_targets"]
    leaked = {route: policy_report[f"total_leaked_{route}"] for route in ROUTES}
    base_revenue = sum(baseline_report.get(f"total_revenue_{c}", 0.0) for c in controlling)
    lost = base_revenue - sum(policy_report.get(f"total_revenue_{c}", 0.0) for c in controlling)
    shares = [c for c in policy_final.index if c.startswith("share_") and c[6:] not in controlling]
    out = {
        "target_capability": policy_final["target_capability"],
        "baseline_target_capability": baseline_final["target_capability"],
        "denial_effectiveness": 1.0 - policy_final["target_capability"] / baseline_final["target_capability"],
        "blocked": blocked,
        "leakage_rate": sum(leaked.values()) / blocked if blocked > 0 else np.nan,
        "revenue_lost": lost,
        "revenue_lost_share": lost / base_revenue if base_revenue > 0 else np.nan,
        "share_gain_noncontrolling": policy_final[shares].sum() - baseline_final[shares].sum(),
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
