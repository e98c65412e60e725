"""A run's values of the calibration targets, and the loss of a set of runs."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from model.calibration.spec import Target


def measure(timeseries: pd.DataFrame, targets: Sequence[Target]) -> dict[str, float]:
    """Each target's observable in one run (a time series with a ``date`` column)."""
    dates = pd.to_datetime(timeseries["date"]).dt.date
    out = {}
    for target in targets:
        rows = (dates >= target.start) & (dates <= target.end)
        inside = timeseries.loc[rows, target.observable].sum(axis=1)
        if target.denominator:
            inside = inside / timeseries.loc[rows, target.denominator].sum(axis=1)
        out[target.name] = float(inside.sum() if target.aggregate == "sum" else inside.mean())
    return out


def loss(values: pd.Series | dict[str, float], targets: Sequence[Target]) -> float:
    """Sum over targets of ((model - value) / half-width of the tolerance)^2; NaN counts as far off."""
    total = 0.0
    for target in targets:
        model = values[target.name]
        scale = (target.high - target.low) / 2
        total += ((model - target.value) / scale) ** 2 if np.isfinite(model) else 1e6
    return total


def within(values: pd.Series | dict[str, float], targets: Sequence[Target]) -> dict[str, bool]:
    return {t.name: bool(t.low <= values[t.name] <= t.high) for t in targets}
