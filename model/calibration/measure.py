"""A run's values of the calibration targets, and the loss of a set of runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from model.calibration.spec import Target


def measure(timeseries: pd.DataFrame, targets: Sequence[Target]) -> dict[str, float]:
    """Each target's observable in one run (a time series with a ``date`` column)."""
    columns = {c: timeseries[c].to_numpy(float) for t in targets for c in (*t.observable, *t.denominator)}
    return measure_columns(pd.to_datetime(timeseries["date"]).dt.date.to_numpy(), columns, targets)


def measure_columns(dates: Sequence[dt.date] | np.ndarray, columns: Mapping[str, np.ndarray],
                    targets: Sequence[Target]) -> dict[str, float]:
    """:func:`measure` from the steps' ``dates`` and the targets' ``columns`` (arrays, one value a step)."""
    dates = np.asarray(dates)
    out = {}
    for target in targets:
        rows = (dates >= target.start) & (dates <= target.end)
        inside = sum(np.asarray(columns[c], dtype=float)[rows] for c in target.observable)
        if target.denominator:
            inside = inside / sum(np.asarray(columns[c], dtype=float)[rows] for c in target.denominator)
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
