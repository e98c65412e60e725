"""The three denial measures and the per-regime table (model.experiment.metrics)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import TINY_COUNTRIES, TINY_HUBS, TINY_PARAMS, TINY_VENDORS

from model import ControlRegimeModel, ModelParameters, NationalControl, PolicySet, build_world
from model.experiment.metrics import Pair, denial_measures, regime_metrics, replicate_metrics
from model.simulation import RunEnd


def regimes(capability: dict[str, float], population: dict[str, float], own: set[str]) -> pd.DataFrame:
    return pd.DataFrame({"iso3": list(capability), "capability": list(capability.values()),
                         "blocked": 1.0, "leaked": 0.5, "population": [population[c] for c in capability],
                         "own_vendors": [float(c in own) for c in capability]})


def test_measures_by_hand():
    baseline = regimes({"AAA": 1.0, "BBB": 2.0, "CCC": 4.0}, {"AAA": 1, "BBB": 1, "CCC": 2}, {"CCC"})
    policy = baseline.assign(capability=[0.5, 2.0, 3.0])  # denial 0.5, 0, 0.25
    per_regime = regime_metrics(policy, baseline)
    np.testing.assert_allclose(per_regime["denial"], [0.5, 0.0, 0.25])
    np.testing.assert_allclose(per_regime["leakage_rate"], 0.5)
    measures = denial_measures(per_regime)
    assert measures["denial_population"] == pytest.approx((0.5 + 0.0 + 2 * 0.25) / 4)
    assert measures["denial_equal"] == pytest.approx(0.75 / 3)
    assert measures["denial_importing"] == pytest.approx(0.25)  # CCC hosts vendors: left out


def test_equal_populations_make_population_and_equal_weighting_agree():
    """Run the tiny world (targets XXA and XXB, both population 1) under a US control."""
    params = ModelParameters(**(TINY_PARAMS | {"unrest_shock_probability": 0.3}))  # regimes differ by their shocks
    world = build_world(params, countries=TINY_COUNTRIES, vendors=TINY_VENDORS, hubs=TINY_HUBS)
    control = PolicySet(national=[NationalControl(jurisdiction="USA", items=["camera", "algorithm_1n"])])

    def run(policies):
        model = ControlRegimeModel(world=world, parameters=params, policies=policies, horizon=10, rng=4).run()
        return RunEnd.of_row({**model.timeseries().iloc[-1].to_dict(), **model.result().row()})

    policy, baseline = run(control), run(PolicySet())
    metrics = replicate_metrics(Pair(policy, baseline, ("USA",)))
    per_regime = regime_metrics(policy.regime_table(), baseline.regime_table())
    assert sorted(per_regime["iso3"]) == ["XXA", "XXB"]
    assert per_regime["denial"].nunique() == 2 and (per_regime["denial"] > 0).all()
    assert metrics["denial_population"] == pytest.approx(metrics["denial_equal"], rel=1e-12)
    assert metrics["denial_effectiveness"] == metrics["denial_equal"]  # the default headline
    assert metrics["denial_importing"] == pytest.approx(metrics["denial_equal"], rel=1e-12)  # no target hosts vendors


def test_the_scenario_key_chooses_the_headline_and_every_folder_gets_a_per_regime_table():
    from model.experiment import compare
    from model.scenario import SCENARIO_DIR, load_scenario

    base = load_scenario(SCENARIO_DIR / "unilateral_us.toml").model_copy(update={"horizon": 6})
    scenarios = [base.model_copy(update={"name": name, "headline": name})
                 for name in ("population", "equal", "importing")]
    result = compare(scenarios, replications=2, executor="serial", progress=False)
    summary = result.summary.set_index("scenario")
    for name in ("population", "equal", "importing"):
        assert summary.loc[name, "headline"] == name
        assert summary.loc[name, "denial_effectiveness"] == summary.loc[name, f"denial_{name}"]
    assert summary["denial_equal"].nunique() == 1  # the same runs: only the headline differs
    per_regime = result.per_regime
    assert set(per_regime["scenario"]) == set(summary.index)
    targets = per_regime[per_regime["scenario"] == "equal"]
    assert targets["iso3"].is_unique and {"CHN", "RUS"} <= set(targets["iso3"])
    assert targets.set_index("iso3").loc[["CHN", "RUS"], "own_vendors"].eq(1).all()
    assert (targets["denial_low"] <= targets["denial"]).all() and (targets["denial"] <= targets["denial_high"]).all()
    assert summary.loc["equal", "denial_equal"] == pytest.approx(targets["denial"].mean(), rel=1e-9)
