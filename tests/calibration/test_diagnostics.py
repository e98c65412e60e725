"""Diagnostics of the posterior sample, checked on hand-made samples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import TINY_TARGET

from model.calibration import CalibrationSpec
from model.calibration.diagnostics import (
    correlations,
    predictive_checks,
    prior_against_posterior,
    sample_size,
    strongest_pairs,
    weighted_quantile,
)
from model.calibration.headline import Posterior
from model.scenario import SCENARIO_DIR, load_scenario

SPEC = CalibrationSpec(
    settings={"horizon": 5},
    targets=[TINY_TARGET],
    free=[{"key": "parameters.budget_share", "low": 1e-4, "high": 5e-4},
          {"key": "parameters.price_sensitivity", "low": 2.0, "high": 8.0}],
)


def test_weighted_quantiles_by_hand():
    values, weights = np.array([3.0, 1.0, 2.0]), np.array([0.2, 0.5, 0.3])
    assert weighted_quantile(values, weights, 0.5) == 1.0  # 1.0 holds half the weight
    assert weighted_quantile(values, weights, 0.6) == 2.0
    assert weighted_quantile(values, weights, 0.95) == 3.0


def test_a_pinned_parameter_has_a_small_width_ratio_and_a_free_one_about_1():
    rng = np.random.default_rng(0)
    n = 2000
    sample = pd.DataFrame({"parameters.budget_share": rng.normal(3e-4, 1e-6, n),
                           "parameters.price_sensitivity": rng.uniform(2.0, 8.0, n), "weight": np.full(n, 1 / n)})
    table = prior_against_posterior(SPEC, Posterior(sample)).set_index("parameter")
    assert table.loc["budget_share", "width_ratio"] < 0.01
    assert table.loc["price_sensitivity", "width_ratio"] == pytest.approx(1.0, abs=0.05)
    assert table.loc["budget_share", "median"] == pytest.approx(3e-4, rel=1e-2)
    assert sample_size(Posterior(sample)) == pytest.approx(n)


def test_correlated_parameters_are_named_first():
    rng = np.random.default_rng(1)
    a = rng.normal(size=500)
    sample = pd.DataFrame({"parameters.a": a, "parameters.b": -a + 0.1 * rng.normal(size=500),
                           "parameters.c": rng.normal(size=500), "weight": np.full(500, 1 / 500)})
    matrix = correlations(Posterior(sample))
    assert np.allclose(np.diag(matrix), 1.0)
    top = strongest_pairs(matrix, n=1).iloc[0]
    assert (top["a"], top["b"]) == ("a", "b") and top["correlation"] < -0.9


def test_predictive_checks_simulate_at_posterior_draws():
    sample = Posterior(pd.DataFrame({"parameters.budget_share": [2.8e-4], "parameters.price_sensitivity": [4.0],
                                     "weight": [1.0]}))
    table = predictive_checks(SPEC, sample, load_scenario(SCENARIO_DIR / "baseline.toml"), draws=3, seed=2)
    row = table.iloc[0]
    assert row["draws"] == 3 and row["low"] <= row["median"] <= row["high"]
    assert 20e9 < row["median"] < 40e9  # spending is about GDP x budget share
