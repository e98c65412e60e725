"""Diagnostics of the posterior sample: prior against posterior per parameter, pairwise posterior
correlations, posterior predictive checks per target, and the effective sample size."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from model.calibration.headline import Posterior
from model.calibration.measure import measure
from model.calibration.posterior import effective_sample_size
from model.calibration.spec import CalibrationSpec, with_values
from model.experiment.engine import RunSpec, execute, replicate_seed
from model.parameters import ModelParameters
from model.scenario import Scenario

TAIL = 0.05
"""Each tail outside the reported intervals (90% intervals)."""


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The ``q`` quantile of ``values`` under ``weights`` (the inverse of the weighted empirical CDF)."""
    order = np.argsort(values)
    cumulative = np.cumsum(np.asarray(weights, dtype=float)[order])
    return float(np.asarray(values, dtype=float)[order][np.searchsorted(cumulative, q * cumulative[-1])])


def prior_against_posterior(spec: CalibrationSpec, posterior: Posterior) -> pd.DataFrame:
    """Per free parameter: its prior range, the posterior median and 90% interval, and how much the
    targets pin it: the posterior interval's width over the prior's (uniform: 90% of the range)."""
    weights = posterior.sample["weight"].to_numpy(float)
    rows = []
    for free in spec.free:
        if free.key not in posterior.sample:
            continue
        values = posterior.sample[free.key].to_numpy(float)
        low, median, high = (weighted_quantile(values, weights, q) for q in (TAIL, 0.5, 1 - TAIL))
        rows.append({"parameter": free.key.removeprefix("parameters."), "prior_low": free.low,
                     "prior_high": free.high, "median": median, "low": low, "high": high,
                     "width_ratio": (high - low) / ((1 - 2 * TAIL) * (free.high - free.low))})
    return pd.DataFrame(rows)


def correlations(posterior: Posterior) -> pd.DataFrame:
    """The weighted posterior correlation matrix of the free parameters."""
    values = posterior.sample[posterior.keys].to_numpy(float)
    matrix = np.cov(values, rowvar=False, aweights=posterior.sample["weight"].to_numpy(float))
    scale = np.sqrt(np.clip(np.diag(matrix), 1e-300, None))
    names = [k.removeprefix("parameters.") for k in posterior.keys]
    return pd.DataFrame(matrix / np.outer(scale, scale), index=names, columns=names)


def strongest_pairs(matrix: pd.DataFrame, n: int = 8) -> pd.DataFrame:
    """The ``n`` pairs with the largest absolute correlation."""
    upper = matrix.where(np.triu(np.ones(matrix.shape, dtype=bool), k=1)).stack()
    upper = upper.reindex(upper.abs().sort_values(ascending=False).index).head(n)
    return upper.rename("correlation").rename_axis(["a", "b"]).reset_index()


def predictive_checks(spec: CalibrationSpec, posterior: Posterior, baseline: Scenario, *, draws: int, seed: int,
                      executor: Any = None) -> pd.DataFrame:
    """Posterior predictive checks: ``draws`` new simulations of the baseline at particles resampled
    from the posterior (fresh seeds); per target the median and 90% interval of the simulated
    values, the public figure, and whether it falls inside the interval."""
    base = baseline.model_copy(update={"horizon": spec.settings.horizon}).model_kwargs()
    specs = [RunSpec(run_id=str(k), scenario="baseline", role="baseline", replicate=k, seed=replicate_seed(seed, k),
                     model_kwargs=base | {"parameters": with_values(ModelParameters(), values)})
             for k, values in enumerate(posterior.draw(draws, seed))]
    simulated = pd.DataFrame([measure(r.timeseries.reset_index(), spec.targets) for r in execute(specs, executor)
                              if r.ok])
    rows = []
    for t in spec.targets:
        low, median, high = simulated[t.name].quantile([TAIL, 0.5, 1 - TAIL])
        rows.append({"target": t.name, "value": t.value, "tolerance": (t.low, t.high), "median": median,
                     "low": low, "high": high, "covers": bool(low <= t.value <= high),
                     "in_tolerance": float(simulated[t.name].between(t.low, t.high).mean())})
    return pd.DataFrame(rows).assign(draws=len(simulated))


def sample_size(posterior: Posterior) -> float:
    """The effective sample size of the posterior sample's weights."""
    return effective_sample_size(posterior.sample["weight"].to_numpy(float))
