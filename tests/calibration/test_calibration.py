"""Calibration: the targets file, measuring runs against targets, the loss, and a small fit."""

from __future__ import annotations

import json
import tomllib

import numpy as np
import pandas as pd
import pytest
from conftest import TINY_FREE, TINY_TARGET

from model.calibration import CalibrationSpec, calibrate_into, load_spec, loss, measure, run_abc, within
from model.errors import ModelInputError
from model.scenario import SCENARIO_DIR, load_scenario


def spec(**settings) -> CalibrationSpec:
    return CalibrationSpec(
        settings={"horizon": 5, "population": 10, "simulations": 200, "generations": 2} | settings,
        targets=[TINY_TARGET],
        free=[TINY_FREE],
    )


def test_the_shipped_calibration_file_loads_and_names_real_parameters():
    shipped = load_spec()
    assert len(shipped.targets) >= 10
    assert {f.key for f in shipped.free} >= {"parameters.price_sensitivity", "parameters.budget_share"}


def test_an_unknown_free_parameter_is_named_with_a_suggestion(tmp_path):
    path = tmp_path / "cal.toml"
    path.write_text(
        '[[targets]]\nname = "x"\nobservable = ["spend_total"]\nstart = 2019-01-01\nend = 2019-12-31\n'
        'value = 1.0\nlow = 0.5\nhigh = 2.0\nsource = "s"\n'
        '[[free]]\nkey = "parameters.budget_shar"\nlow = 0.0\nhigh = 1.0\n'
    )
    with pytest.raises(ModelInputError, match=r"free\[0\]\.key.*'budget_shar'.*'budget_share'"):
        load_spec(path)


def test_measure_sums_flows_and_averages_levels_over_the_period():
    series = pd.DataFrame({
        "date": ["2018-10-01", "2019-01-01", "2019-04-01", "2019-07-01", "2019-10-01", "2020-01-01"],
        "spend_total": [100.0, 1.0, 2.0, 3.0, 4.0, 100.0],
        "share_A": [0.0, 0.1, 0.2, 0.3, 0.4, 0.0],
        "share_B": [0.0, 0.1, 0.1, 0.1, 0.1, 0.0],
    })
    level = TINY_TARGET | {"name": "level", "observable": ["share_A", "share_B"], "aggregate": "mean",
                      "value": 0.3, "low": 0.2, "high": 0.4}
    s = CalibrationSpec(targets=[TINY_TARGET, level], free=[{"key": "parameters.budget_share", "low": 0, "high": 1}])
    values = measure(series, s.targets)
    assert values == pytest.approx({"spending_2019": 10.0, "level": (0.2 + 0.3 + 0.4 + 0.5) / 4})
    # loss: ((10 - 30e9) / 3e9)^2 + ((0.35 - 0.3) / 0.1)^2
    assert loss(values, s.targets) == pytest.approx(((10 - 30e9) / 3e9) ** 2 + 0.25)
    assert within(values, s.targets) == {"spending_2019": False, "level": True}


def test_a_small_posterior_concentrates_where_spending_matches_and_is_resumed(tmp_path):
    base = load_scenario(SCENARIO_DIR / "baseline.toml")
    small = spec(population=12, simulations=300, generations=3)
    result = calibrate_into(small, base, seed=3, out=tmp_path / "cal", executor="serial", progress=False)
    key = "parameters.budget_share"
    assert len(result.particles) == 12 and result.generations["generation"].tolist() == [-1, 0, 1, 2]
    assert result.particles["weight"].sum() == pytest.approx(1.0)
    # spending is linear in the budget share: 30e9 +/- 3e9 pins it to about +/-10% of 2.8e-4
    mean = (result.particles[key] * result.particles["weight"]).sum()
    spread = np.sqrt((result.particles["weight"] * (result.particles[key] - mean) ** 2).sum())
    prior_spread = (4e-4 - 1.5e-4) / np.sqrt(12)
    assert spread < prior_spread / 2
    assert 27e9 <= result.best["spending_2019"] <= 33e9
    assert 0 < result.ess <= 12 and result.loss == pytest.approx(
        (result.particles["weight"] * result.particles["loss"]).sum())
    # thresholds fall generation by generation
    assert result.generations["epsilon"].is_monotonic_decreasing
    # a finished calibration resumed is read back, not re-run
    again = calibrate_into(small, base, seed=3, out=tmp_path / "cal", executor="serial", progress=False, resume=True)
    pd.testing.assert_frame_equal(again.particles, result.particles)
    assert again.simulations == result.simulations
    # a resume with other targets or another horizon is refused; a larger budget continues
    with pytest.raises(ModelInputError, match="cannot resume: calibration differ"):
        calibrate_into(spec(horizon=6), base, seed=3, out=tmp_path / "cal", executor="serial",
                       progress=False, resume=True)
    further = calibrate_into(spec(population=12, simulations=300, generations=4), base, seed=3, out=tmp_path / "cal",
                             executor="serial", progress=False, resume=True)
    assert len(further.generations) == 5
    pd.testing.assert_frame_equal(further.generations.iloc[:4], result.generations)


def test_one_generation_is_rejection_abc_with_equal_weights(tmp_path):
    base = load_scenario(SCENARIO_DIR / "baseline.toml")
    result = calibrate_into(spec(population=10, generations=1, acceptance=0.3, prior_sample=25), base, seed=2,
                            out=tmp_path / "cal", executor="serial", progress=False)
    assert np.allclose(result.particles["weight"], 0.1) and result.ess == pytest.approx(10)
    epsilon = result.generations["epsilon"].iat[-1]
    assert (result.particles["distance"] <= epsilon).all()
    # the threshold is the 30% quantile of a prior sample of prior_sample draws, counted among the
    # simulations: about a third of the later simulations are kept
    prior_sample = result.generations.set_index("generation").loc[-1]
    assert prior_sample["simulations"] == 25 and prior_sample["particles"] == 0
    assert result.simulations - 25 > 10 / 0.3 / 2
    manifest = json.loads((tmp_path / "cal" / "posterior.json").read_text())  # what produced the posterior
    assert (manifest["population"], manifest["acceptance"], manifest["prior_sample"]) == (10, 0.3, 25)
    assert manifest["simulations"] == result.simulations and manifest["method"] == "rejection ABC (pyabc)"


def test_an_interrupted_run_continues_from_its_last_generation(tmp_path):
    base = load_scenario(SCENARIO_DIR / "baseline.toml")
    first = run_abc(spec(population=10, generations=1), base, out=tmp_path, seed=1, progress=False)
    before, simulations = first.get_all_populations(), first.total_nr_simulations
    later = run_abc(spec(population=10, generations=2), base, out=tmp_path, seed=1, abc_id=first.id, progress=False)
    assert later.max_t == 1 and later.total_nr_simulations > simulations
    pd.testing.assert_frame_equal(later.get_all_populations().iloc[: len(before)].drop(columns="population_end_time"),
                                  before.drop(columns="population_end_time"))


def test_the_written_point_is_the_closest_particle_and_the_parameters_file_reads_it(tmp_path):
    base = load_scenario(SCENARIO_DIR / "baseline.toml")
    result = calibrate_into(spec(population=10, generations=1), base, seed=1, out=tmp_path / "cal",
                            executor="serial", progress=False)
    with (tmp_path / "cal" / "calibrated.toml").open("rb") as fh:
        written = tomllib.load(fh)
    assert written["parameters"] == {"budget_share": pytest.approx(result.best_values["parameters.budget_share"])}
    assert result.best["distance"] == result.particles["distance"].min()
    assert written["fit"]["targets_digest"] == spec().identity() != spec(horizon=6).identity()
    sample = pd.read_csv(tmp_path / "cal" / "posterior.csv")
    assert list(sample.columns) == ["parameters.budget_share", "weight"] and len(sample) == 10


def test_a_calibration_that_cannot_run_says_why(tmp_path):
    base = load_scenario(SCENARIO_DIR / "baseline.toml")
    with pytest.raises(ModelInputError, match="horizon"):  # horizon = warm-up: refused before any run
        calibrate_into(spec(horizon=4), base, seed=1, out=tmp_path / "cal", executor="serial", progress=False)


def test_budget_share_moves_world_spending_in_proportion_and_no_other_target():
    """Budgets, stocks and the world reference stock scale alike, so capability, shares and reach
    (ratios) do not move (docs/ODD.md 9, Calibration)."""
    from model import ControlRegimeModel
    from model.parameters import default_parameters

    shipped = load_spec()
    base = default_parameters()

    def targets(budget_share: float) -> dict[str, float]:
        params = base.model_copy(update={"budget_share": budget_share})
        run = ControlRegimeModel(parameters=params, rng=4, horizon=shipped.settings.horizon, collect_agents=False)
        return measure(run.run().timeseries(), shipped.targets)

    before, after = targets(base.budget_share), targets(1.5 * base.budget_share)
    assert after.pop("world_spending_2021") == pytest.approx(1.5 * before.pop("world_spending_2021"), rel=1e-9)
    assert after == pytest.approx(before, rel=1e-9, abs=1e-12)


def test_a_target_with_a_denominator_is_a_share_at_every_step_then_averaged():
    series = pd.DataFrame({
        "date": ["2019-01-01", "2019-04-01", "2020-01-01"],
        "share_A": [0.2, 0.6, 1.0],
        "share_B": [0.2, 0.2, 0.0],
    })
    share = TINY_TARGET | {"name": "a_among_ab", "observable": ["share_A"], "denominator": ["share_A", "share_B"],
                      "aggregate": "mean", "value": 0.5, "low": 0.4, "high": 0.9}
    s = CalibrationSpec(targets=[share], free=[{"key": "parameters.budget_share", "low": 0, "high": 1}])
    assert measure(series, s.targets) == pytest.approx({"a_among_ab": (0.5 + 0.75) / 2})
    assert s.columns == ["share_A", "share_B"]
