"""The Scenario object: defaults, model arguments, baseline and the resolved round trip."""

from __future__ import annotations

import datetime as dt
import inspect
import json

import pytest

from model.errors import ModelInputError
from model.parameters import default_parameters
from model.policy import NationalControl, PolicySet
from model.scenario import SCENARIO_DIR, Scenario, ScenarioError, load_scenario
from model.scenario.schema import DEFAULT_SEED
from model.simulation import ControlRegimeModel
from model.world import WorldOverrides


def test_defaults():
    s = Scenario()
    assert (s.horizon, s.steps_per_year, s.warmup, s.replications) == (40, 4, 4, 20)
    assert s.start_date == dt.date(2019, 1, 1) and s.target_threshold == 0.5 and s.seed == DEFAULT_SEED
    assert s.parameters == default_parameters()
    assert s.world == WorldOverrides() and s.policies == PolicySet()


def test_model_kwargs_are_the_model_arguments_but_rng():
    own = set(inspect.signature(ControlRegimeModel.__init__).parameters)
    own -= {"self", "rng", "seed", "collect_agents", "setups"}
    kwargs = Scenario().model_kwargs()
    assert set(kwargs) == own
    model = ControlRegimeModel(**kwargs, rng=0, collect_agents=False)
    assert model.params == default_parameters() and model.horizon == 40


def test_partial_parameters_keep_the_other_defaults_even_inside_nested_tables():
    s = Scenario.model_validate({"parameters": {"hub_markup": 0.2, "depreciation": {"camera": 0.25}}})
    defaults = default_parameters()
    assert s.parameters.hub_markup == 0.2
    assert s.parameters.depreciation.camera == 0.25
    assert s.parameters.depreciation.training_data == defaults.depreciation.training_data
    restored = {"hub_markup": defaults.hub_markup, "depreciation": defaults.depreciation}
    assert s.parameters.model_copy(update=restored) == defaults


def test_policy_times_take_steps_or_dates():
    s = Scenario.model_validate(
        {"policies": {"national": [{"jurisdiction": "USA", "start": 8, "end": dt.date(2025, 1, 1)}]}}
    )
    assert s.policies.national[0].start == 8 and s.policies.national[0].end == dt.date(2025, 1, 1)


def test_horizon_must_follow_the_warmup():
    with pytest.raises(ModelInputError, match=r"horizon.*more than warmup"):
        Scenario(horizon=4, warmup=4)


def test_baseline_drops_the_policies_only():
    s = load_scenario(SCENARIO_DIR / "wassenaar.toml", validate=False)
    b = s.baseline()
    assert b.name == "wassenaar:baseline" and b.policies == PolicySet()
    assert b.model_copy(update={"name": s.name, "policies": s.policies}) == s
    assert b.sources is s.sources


@pytest.mark.parametrize("name", ["baseline", "us_eu", "unilateral_us_extraterritorial", "wassenaar_cameras"])
def test_resolved_round_trip_is_exact(name):
    s = load_scenario(SCENARIO_DIR / f"{name}.toml", validate=False)
    data = s.resolved()
    assert json.loads(json.dumps(data)) == data  # plain JSON data
    assert set(data["parameters"]) == set(type(s.parameters).model_fields)  # every parameter filled in
    again = Scenario.from_resolved(json.loads(json.dumps(data)))
    assert again == s and again.resolved() == data
    assert again.sources is None


def test_resolved_keeps_steps_and_dates_apart():
    control = NationalControl(jurisdiction="USA", start=8, end=dt.date(2026, 1, 1))
    s = Scenario(policies=PolicySet(national=[control]))
    data = s.resolved()
    [written] = data["policies"]["national"]
    assert written["start"] == 8 and written["end"] == "2026-01-01"
    assert Scenario.from_resolved(data) == s


def test_from_resolved_refuses_bad_data_with_a_scenario_error():
    data = Scenario(name="x").resolved()
    data["parameters"]["hub_markup"] = -1
    with pytest.raises(ScenarioError, match=r"^<resolved scenario x>: parameters\.hub_markup: out of range"):
        Scenario.from_resolved(data)
