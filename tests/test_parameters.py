"""One merge of partial parameters over the defaults, for the model and for scenario files alike."""

from __future__ import annotations

import pytest

from model import ControlRegimeModel
from model.errors import ModelInputError
from model.parameters import ModelParameters, default_parameters, over_defaults
from model.scenario import SCENARIO_DIR, Scenario, ScenarioError


def test_a_nested_partial_table_merges_key_by_key():
    merged = over_defaults({"depreciation": {"camera": 0.3}, "learning_rate": 0.0})
    defaults = default_parameters()
    assert merged["depreciation"] == defaults.depreciation.model_dump() | {"camera": 0.3}
    assert merged["learning_rate"] == 0.0 and merged["budget_share"] == defaults.budget_share


def test_the_model_and_a_scenario_accept_the_same_partial_parameters():
    partial = {"depreciation": {"camera": 0.3}}
    model = ControlRegimeModel(parameters=partial, horizon=6, rng=1, collect_agents=False)
    scenario = Scenario.model_validate({"parameters": partial})
    assert model.params == scenario.parameters
    assert model.params.depreciation.camera == 0.3


def test_the_model_and_a_scenario_refuse_the_same_bad_value():
    bad = {"depreciation": {"camera": "fast"}}
    with pytest.raises(ModelInputError, match=r"depreciation\.camera"):
        ControlRegimeModel(parameters=bad, horizon=6, rng=1)
    with pytest.raises((ScenarioError, ModelInputError, ValueError), match="camera"):
        Scenario.model_validate({"parameters": bad})


@pytest.mark.parametrize("text, fragment", [
    ("[parameters]\nbudget_shar = 2e-4\n", "parameters.budget_shar: unknown key"),
    ("[parameters\nbudget_share = 2e-4\n", "not a calibrated-parameters file (TOMLDecodeError"),
    ("parameters = 3\n", "parameters: wrong type"),
])
def test_a_hand_edited_calibrated_file_is_one_input_error_for_every_command(tmp_path, monkeypatch, capsys, text,
                                                                          fragment):
    """Every run reads model/data/calibrated.toml; a mistake in it must not be a traceback."""
    from model import parameters
    from model.interfaces.cli import main

    damaged = tmp_path / "calibrated.toml"
    damaged.write_text(text)
    monkeypatch.setattr(parameters, "CALIBRATED_FILE", damaged)
    default_parameters.cache_clear()
    try:
        with pytest.raises(ModelInputError, match=fragment.replace(".", r"\.").replace("(", r"\(")):
            default_parameters()
        assert main(["validate", str(SCENARIO_DIR / "wassenaar.toml")]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and str(damaged) in err[0]
    finally:
        default_parameters.cache_clear()


def test_budget_shares_are_given_whole_and_sum_to_one():
    """A partial table kept the other layers' default shares: camera = 1.0 alone spent 40% more."""
    with pytest.raises(ModelInputError, match=r"layer_budget_shares.algorithm_1n: required key is missing"):
        ModelParameters(**over_defaults({"layer_budget_shares": {"camera": 1.0}}))
    with pytest.raises(ModelInputError, match=r"layer_budget_shares: the layers' shares of the budget must sum "
                       r"to 1 \(they sum to 3\)"):
        ModelParameters(layer_budget_shares={"camera": 1.0, "algorithm_1n": 1.0, "training_data": 1.0})
    with pytest.raises(ModelInputError, match="required key is missing"):
        ControlRegimeModel(parameters={"layer_budget_shares": {"camera": 1.0}})
    whole = over_defaults({"layer_budget_shares": {"camera": 0.5, "algorithm_1n": 0.3, "training_data": 0.2},
                           "depreciation": {"camera": 0.5}})
    assert ModelParameters(**whole).layer_budget_shares.as_tuple() == (0.5, 0.3, 0.2)
    assert ModelParameters(**whole).depreciation.algorithm_1n == ModelParameters().depreciation.algorithm_1n
