"""Paired comparisons of a policy run with its baseline run on the same seed (MODEL.md, 'Comparisons')."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from model.vocabulary import ROUTES


def paired_metrics(
    policy: pd.DataFrame, baseline: pd.DataFrame, warmup: int, controlling: tuple[str, ...]
) -> dict[str, float]:
    """Headline figures of one replicate from two time series indexed by step.

    - ``denial_effectiveness`` = 1 - target capability (policy) / (baseline) at the horizon.
    - ``leakage_rate`` = of the acquisitions controls blocked on the direct route after the warm-up,
      the share target regimes still obtained by other routes; ``leakage_<route>`` splits it.
    - ``revenue_lost`` = baseline minus policy revenue of controlling-country vendors after the
      warm-up (US$), and ``revenue_lost_share`` relative to their baseline revenue.
    - ``share_gain_noncontrolling`` = market-share gain of vendors from non-controlling countries
      at the horizon (share points, 0-1).
    """
    post_p, post_b = policy.loc[policy.index >= warmup], baseline.loc[baseline.index >= warmup]
    last_p, last_b = policy.iloc[-1], baseline.iloc[-1]
    blocked = post_p["blocked_targets"].sum()
    leaked = {route: post_p[f"leaked_{route}"].sum() for route in ROUTES}
    revenue_cols = [f"revenue_{c}" for c in controlling if f"revenue_{c}" in policy]
    share_cols = [c for c in policy if c.startswith("share_") and c[6:] not in controlling]
    base_revenue = post_b[revenue_cols].to_numpy().sum()
    lost = base_revenue - post_p[revenue_cols].to_numpy().sum()
    out = {
        "target_capability": last_p["target_capability"],
        "baseline_target_capability": last_b["target_capability"],
        "denial_effectiveness": 1.0 - last_p["target_capability"] / last_b["target_capability"],
        "blocked": blocked,
        "leakage_rate": sum(leaked.values()) / blocked if blocked > 0 else np.nan,
        "revenue_lost": lost,
        "revenue_lost_share": lost / base_revenue if base_revenue > 0 else np.nan,
        "share_gain_noncontrolling": last_p[share_cols].sum() - last_b[share_cols].sum(),
        "targets_capable": last_p["targets_capable"],
        "baseline_targets_capable": last_b["targets_capable"],
    }
    for route, amount in leaked.items():
        out[f"leakage_{route}"] = amount / blocked if blocked > 0 else np.nan
    return out


def interval(values: pd.Series, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and Student-t confidence interval over replicates (NaNs dropped)."""
    x = values.dropna().to_numpy(float)
    if len(x) == 0:
        return (np.nan, np.nan, np.nan)
    mean = float(x.mean())
    if len(x) == 1 or np.allclose(x, mean):
        return (mean, mean, mean)
    half = stats.t.ppf(0.5 + level / 2, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x))
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
