"""Ambiguous input is refused (the same scenario twice, a member listed twice, an empty file), and
where several instruments meeting is meaningful (controls of one jurisdiction) the documented rule holds."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from model import NationalControl, PolicySet
from model.dates import Calendar
from model.errors import ModelInputError
from model.experiment import compare
from model.interfaces.cli import main
from model.policy.schedule import PolicySchedule
from model.scenario import SCENARIO_DIR, ScenarioError, load_scenario, load_scenarios
from model.vocabulary import ITEM_INDEX


def test_the_same_file_twice_is_refused_however_it_is_spelled(tmp_path):
    path = SCENARIO_DIR / "unilateral_us.toml"
    for twice in ([path, path], [path, SCENARIO_DIR / ".." / SCENARIO_DIR.name / path.name]):
        with pytest.raises(ScenarioError, match="the same file is given twice"):
            load_scenarios(twice)


def test_two_files_with_one_name_are_refused(tmp_path, capsys):
    for parent in ("baseline", "unilateral_us"):
        shutil.copy(SCENARIO_DIR / f"{parent}.toml", tmp_path)
    (tmp_path / "other.toml").write_text('name = "unilateral_us"\nextends = "unilateral_us.toml"\n')
    assert main(["compare", str(SCENARIO_DIR / "unilateral_us.toml"), str(tmp_path / "other.toml"),
                 "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "other.toml: name: a second scenario named 'unilateral_us'" in err  # both files named
    assert str(SCENARIO_DIR / "unilateral_us.toml") in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", ["baseline", "x:baseline"])
def test_a_scenario_with_policies_may_not_take_the_baselines_name(tmp_path, name, capsys):
    """Found by fuzzing: its runs and its baseline's were stored under one label (a traceback)."""
    (tmp_path / "b.toml").write_text(f'name = "{name}"\nextends = "{SCENARIO_DIR / "unilateral_us.toml"}"\n')
    assert main(["run", str(tmp_path / "b.toml"), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "b.toml: name: names the no-controls runs" in err and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_compare_refuses_two_scenarios_with_one_name_from_python():
    scenario = load_scenario(SCENARIO_DIR / "unilateral_us.toml")
    with pytest.raises(ModelInputError, match="a second scenario named"):
        compare([scenario, scenario.model_copy(update={"horizon": 12})], replications=1, progress=False)


@pytest.mark.parametrize("text", ["", "# only a comment\n\n"])
def test_a_file_that_sets_nothing_is_refused(tmp_path, text):
    (tmp_path / "empty.toml").write_text(text)
    with pytest.raises(ScenarioError, match=r"empty\.toml: the file sets nothing \(no keys\)"):
        load_scenario(tmp_path / "empty.toml")


def test_a_description_alone_is_a_baseline(tmp_path):
    (tmp_path / "calm.toml").write_text('description = "No controls."\n')
    assert load_scenario(tmp_path / "calm.toml").policies.is_empty


def test_an_agreement_member_listed_twice_is_refused(tmp_path):
    (tmp_path / "bad.toml").write_text('[[policies.agreements]]\nname = "a"\nmembers = ["USA", "FRA", '
                                       '{country = "USA", enforcement = 0.2}]\n')
    with pytest.raises(ScenarioError, match=r"policies\.agreements\[0\]: member 'USA' is listed twice"):
        load_scenario(tmp_path / "bad.toml")


def test_two_agreements_with_one_name_are_refused(tmp_path):
    (tmp_path / "bad.toml").write_text('[[policies.agreements]]\nname = "a"\nmembers = ["USA"]\n'
                                       '[[policies.agreements]]\nname = "a"\nmembers = ["FRA"]\n')
    with pytest.raises(ScenarioError, match=r"policies: two agreements are named 'a'"):
        load_scenario(tmp_path / "bad.toml")


def test_two_controls_of_one_jurisdiction_combine_cell_by_cell(tiny_world, tiny_params):
    """The rule docs/scenarios.md states: licence where any requires it, lowest approval, highest
    enforcement, re-export control if any asks."""
    cameras = NationalControl(jurisdiction="USA", items=["camera"], approval_probability=0.5,
                              enforcement=0.3, reexport_control=False)
    both = NationalControl(jurisdiction="USA", items=["camera", "algorithm_1n"], approval_probability=0.2,
                           enforcement=0.9, reexport_control=True)

    def state(*controls):
        schedule = PolicySchedule(tiny_world, PolicySet(national=list(controls)), tiny_params, Calendar(),
                                  warmup=4, horizon=8)
        return schedule.state(4)

    usa = list(tiny_world.exporters).index(tiny_world.country_index["USA"])
    target = tiny_world.country_index["XXA"]
    camera, algorithm, data = (ITEM_INDEX[i] for i in ("camera", "algorithm_1n", "training_data"))
    alone = state(cameras)
    assert alone.approval[usa, target, camera] == 0.5 and alone.enforcement[usa, target, camera] == 0.3
    combined = state(cameras, both)
    assert combined.requires[usa, target, camera] and combined.requires[usa, target, algorithm]
    assert not combined.requires[usa, target, data]
    assert combined.approval[usa, target, camera] == 0.2 and combined.enforcement[usa, target, camera] == 0.9
    assert state(both, cameras).approval.tolist() == combined.approval.tolist()  # order does not matter


def test_validate_refuses_what_running_refuses_of_a_name(tmp_path, capsys):
    (tmp_path / "b.toml").write_text(f'name = "baseline"\nextends = "{SCENARIO_DIR / "unilateral_us.toml"}"\n')
    assert main(["validate", str(tmp_path / "b.toml")]) == 2
    assert "b.toml: name: names the no-controls runs" in capsys.readouterr().err


def test_a_policy_free_scenario_of_any_name_is_the_baseline_of_its_figures(tmp_path):
    """Found by fuzzing: a policy-free scenario not named 'baseline' crashed the map (no panel)."""
    (tmp_path / "calm.toml").write_text(f'name = "calm"\nextends = "{SCENARIO_DIR / "baseline.toml"}"\n'
                                        "horizon = 5\nreplications = 1\n")
    out = tmp_path / "out"
    assert main(["run", str(tmp_path / "calm.toml"), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    assert (out / "figures" / "regime_map.png").is_file()
    assert pd.read_parquet(out / "runs.parquet").empty  # no policy runs: a comparison's runs lists those
    assert set(pd.read_parquet(out / "baselines.parquet")["scenario"]) == {"baseline"}
