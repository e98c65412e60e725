"""``validate`` runs the checks the commands run, for every file kind: what a command refuses,
``validate`` refuses with the same line, and a refused file leaves no folder behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.interfaces.cli import main
from model.scenario import SCENARIO_DIR

CALIBRATION = """\
[settings]
horizon = 8
population = 10
simulations = 20
generations = 1

[[targets]]
name = "spend"
observable = ["spend_total"]
start = 2019-01-01
end = 2019-12-31
aggregate = "sum"
value = 24e9
low = 21.6e9
high = 26.4e9
source = "a test"

[[free]]
key = "parameters.budget_share"
low = 1e-4
high = 3e-4
"""

TARGET = CALIBRATION[CALIBRATION.index("[[targets]]"):CALIBRATION.index("[[free]]")]

SWEEP = f"""\
base = "{SCENARIO_DIR / 'unilateral_us.toml'}"
NAME
[[parameters]]
key = "world.hub_leakiness_scale"
values = [0.5, 1.0]
"""


def lines(capsys) -> list[str]:
    return capsys.readouterr().err.splitlines()


def refused_alike(capsys, tmp_path: Path, path: Path, command: list[str], expected: str) -> None:
    """``validate`` and ``command`` each print one error line containing ``expected``, the same
    line, exit 2 and leave no results folder."""
    assert main(["validate", str(path)]) == 2
    by_validate = lines(capsys)
    out = tmp_path / "out"
    assert main([*command, "--out", str(out)]) == 2
    by_command = lines(capsys)
    assert len(by_validate) == 1 and expected in by_validate[0], by_validate
    assert by_command == by_validate
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]


@pytest.mark.parametrize(("edit", "expected"), [
    (("low = 1e-4", "low = -1.0"), "free[0].low: outside parameters.budget_share's own range"),
    (("start = 2019-01-01\nend = 2019-12-31", "start = 2030-01-01\nend = 2030-12-31"),
     "targets[0].start: outside the calibration runs' dates"),
    (('observable = ["spend_total"]', 'observable = ["spend_totl"]'),
     "targets[0].observable[0]: unknown metric"),
    (("[[free]]", TARGET + "[[free]]"), "two targets named 'spend'"),
    (("low = 1e-4\nhigh = 3e-4", "low = 3e-4\nhigh = 1e-4"), "need low < high"),
])
def test_a_calibration_file_validate_accepted(tmp_path, capsys, edit, expected):
    """Each was accepted by validate; calibrate then ran (a target after the horizon: 'best loss 100 ...
    OUTSIDE') or failed after making its folder."""
    path = tmp_path / "cal.toml"
    path.write_text(CALIBRATION.replace(*edit))
    refused_alike(capsys, tmp_path, path, ["calibrate", "--file", str(path), "--workers", "1", "--quiet"],
                  expected)


def test_the_shipped_calibration_file_is_valid(capsys):
    assert main(["validate", "model/data/calibration.toml"]) == 0, capsys.readouterr().err


@pytest.mark.parametrize("name", ['"/abs"', '".."', '""', '".hidden"', f'"{"a" * 300}"', '"a\\u0000b"'])
def test_a_sweep_name_that_cannot_be_a_folder(tmp_path, capsys, name):
    path = tmp_path / "sw.toml"
    path.write_text(SWEEP.replace("NAME", f"name = {name}"))
    refused_alike(capsys, tmp_path, path, ["sweep", str(path), "--workers", "1", "--quiet"], "sw.toml: name: ")


@pytest.mark.parametrize(("text", "expected"), [
    ('name = ""\nhorizon = 8\n', "name: must be a label"),
    ('[[policies.national]]\njurisdiction = "USA"\nitems = []\n', "policies.national[0].items: too few entries"),
    ('horizon = "40"\n', "horizon: wrong type (expected an integer, got '40')"),
    ("[parameters.layer_budget_shares]\ncamera = 1.0\n", "layer_budget_shares.algorithm_1n: required key is missing"),
])
def test_a_scenario_validate_and_run_accepted(tmp_path, capsys, text, expected):
    path = tmp_path / "s.toml"
    path.write_text(text)
    refused_alike(capsys, tmp_path, path, ["run", str(path), "--workers", "1", "--quiet"], expected)


def test_a_coalitions_file_with_sampling_bounds_the_wrong_way(tmp_path, capsys):
    path = tmp_path / "co.toml"
    path.write_text(f'scenario = "{SCENARIO_DIR / "wassenaar.toml"}"\n[sampling]\nmin_permutations = 50\n'
                    "max_permutations = 20\n")
    refused_alike(capsys, tmp_path, path, ["coalitions", str(path), "--workers", "1", "--quiet"],
                  "sampling: min_permutations (50) is more than max_permutations (20)")
