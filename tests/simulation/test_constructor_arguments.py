"""ControlRegimeModel's arguments get the bounds and messages of a scenario file (one validator)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from model import ControlRegimeModel, ModelInputError
from model.scenario import ScenarioError, load_scenario
from model.simulation import release


def refused(**arguments) -> ModelInputError:
    with pytest.raises(ModelInputError) as caught:
        ControlRegimeModel(**arguments)
    assert "\n" not in str(caught.value)
    return caught.value


@pytest.mark.parametrize(("arguments", "message"), [
    ({"policies": 3}, "policies: wrong type (expected a table or a string, got 3)"),
    ({"parameters": "x"}, "parameters: wrong type (expected a table, got 'x')"),
    ({"world": "x"}, "world: wrong type (expected a World or a table, got 'x')"),
    ({"start_date": "2020"}, "start_date: wrong type (expected a date, got '2020')"),
    ({"horizon": True}, "horizon: wrong type (expected an integer, got True)"),
    ({"horizon": 10**9}, "horizon: out of range (expected an integer in [1, 1200], got 1000000000)"),
    ({"start_date": dt.date(1800, 1, 1)}, ("start_date: out of range (expected a date in [1900-01-01, 2200-12-31], "
     "got datetime.date(1800, 1, 1))")),
    ({"start_date": dt.date(2190, 1, 1), "horizon": 100},
     "horizon: the run would reach 2214, after 2200-12-31; at most 44 steps from 2190-01-01 (got 100)"),
    ({"warmup": 50}, "horizon: must be more than warmup (50) (got 40)"),
    ({"steps_per_year": 0}, "steps_per_year: out of range (expected an integer in [1, 12], got 0)"),
    ({"parameters": {"layer_budget_shares": {"camera": 1.0}}},
     "parameters.layer_budget_shares.algorithm_1n: required key is missing (expected a number)"),
])
def test_bad_arguments_are_one_model_input_error(arguments, message):
    assert str(refused(**arguments)) == message  # AttributeError, or accepted, before


@pytest.mark.parametrize(("toml", "arguments"), [
    ("horizon = 1000000000\n", {"horizon": 10**9}),
    ("horizon = true\n", {"horizon": True}),
    ("start_date = 1800-01-01\n", {"start_date": dt.date(1800, 1, 1)}),
    ("warmup = 50\n", {"warmup": 50}),
    ("steps_per_year = 13\n", {"steps_per_year": 13}),
    ("target_threshold = 2.0\n", {"target_threshold": 2.0}),
    ("parameters = 'x'\n", {"parameters": "x"}),
])
def test_python_and_a_file_get_the_same_message(tmp_path, toml, arguments):
    path = tmp_path / "s.toml"
    path.write_text(toml)
    with pytest.raises(ScenarioError) as from_file:
        load_scenario(path)
    direct = refused(**arguments)
    assert (direct.key, direct.problem, direct.expected) == (from_file.value.key, from_file.value.problem,
                                                             from_file.value.expected)


def test_numpy_integers_and_partial_parameter_tables_are_accepted():
    model = ControlRegimeModel(horizon=np.int64(8), warmup=np.int64(2), steps_per_year=np.int64(4),
                               parameters={"price_sensitivity": 5.0}, policies="unilateral_us", rng=0)
    assert (model.horizon, model.warmup, model.params.price_sensitivity) == (8, 2, 5.0)
    assert type(model.horizon) is int
    release(model)
