"""Bad analysis files and options: one ``error:`` line naming the file and key, exit code 2, nothing
written — for each of coalitions, frontier and discover — and property tests of the condition parser."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.interfaces.cli import main
from model.scenario import SCENARIO_DIR, ScenarioError
from model.strategy.discovery import parse_condition

SCENARIO = SCENARIO_DIR / "echri_coalition.toml"
UNILATERAL = SCENARIO_DIR / "unilateral_us.toml"
COALITIONS = f'scenario = "{SCENARIO}"\nreplications = 1\nhorizon = 6\ncandidates = ["DEU", "SWE"]\n'
FRONTIER = f'scenario = "{SCENARIO}"\nreplications = 1\nhorizon = 6\n[space]\npartners = ["DEU"]\n'


def run_bad(tmp_path: Path, capsys, command: str, text: str, *expected: str) -> None:
    path = tmp_path / "analysis.toml"
    path.write_text(text)
    out = tmp_path / "out"
    assert main([command, str(path), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err and "Traceback" not in err
    assert str(path) in err
    for piece in expected:
        assert piece in err
    assert not out.exists()


@pytest.mark.parametrize(("text", "expected"), [
    (COALITIONS.replace('"SWE"', '"SWD"'), ("candidates[1]", "unknown exporting country", "'SWE'")),
    (COALITIONS.replace('"SWE"', '"USA"'), ("candidates[1]", "leader is always a member")),
    (COALITIONS + 'leader = "GBR"\n', ("leader", "no vendors")),
    (COALITIONS + "[formation]\nweight = 1.5\n", ("formation.weight", "out of range")),
    (COALITIONS + "[formation]\nweights = [0.5, -0.1]\n", ("formation.weights[1]", "out of range")),
    (COALITIONS + 'agreement = "echr"\n', ("agreement", "unknown agreement", "'echri'")),
    (COALITIONS + 'metod = "exact"\n', ("metod", "unknown key", "'method'")),
    (COALITIONS.replace("replications = 1", "replications = 0"), ("replications", "out of range")),
    (COALITIONS.replace('["DEU", "SWE"]', '["DEU", "SWE", "FRA"]') + 'method = "sampled"\n[formation]\n',
     ("formation", "every coalition")),
    (COALITIONS + 'layers = ["all", "camera", "all"]\n', ("layers", "'all' is listed twice")),
    (COALITIONS + 'leader = "usa"\n', ("leader", "no vendors", "did you mean 'USA'")),
    (COALITIONS.replace('["DEU", "SWE"]', '["USA"]') + 'leader = "DEU"\n',
     ("leader", "'echri' of the scenario is led by USA", "did you mean 'USA'")),
    (COALITIONS + 'name = "../../escaped"\n', ("name", "not a plain name", "'../../escaped'")),
    (COALITIONS + f'name = "{"x" * 300}"\n', ("name", "too long", "at most 100")),
    (COALITIONS + '[formation]\n[[formation.variants]]\nname = "../../../escaped"\n',
     ("formation.variants[0].name", "not a plain name")),
    (COALITIONS + '[formation]\n[[formation.variants]]\nname = "a\\u0000b"\n',
     ("formation.variants[0].name", "not a plain name")),
    (COALITIONS + '[formation]\n[[formation.variants]]\nname = "v"\n[[formation.variants]]\nname = "v"\n',
     ("formation.variants", "two variants are named 'v'")),
    (COALITIONS + '[formation]\n[[formation.variants]]\nname = "as in the scenario"\n',
     ("formation.variants", "'as in the scenario'")),
    (COALITIONS + "[formation]\nweights = [0.5, 0.5]\n", ("formation.weights", "0.5 is listed twice")),
    (COALITIONS + "[sampling]\nmax_permutations = 9223372036854775807\n",
     ("sampling.max_permutations", "out of range")),
])
def test_bad_coalitions_files(tmp_path, capsys, text, expected):
    run_bad(tmp_path, capsys, "coalitions", text, *expected)


@pytest.mark.parametrize(("text", "expected"), [
    (FRONTIER + "enforcement = []\n", ("space.enforcement", "empty design space")),
    (FRONTIER + "layers = []\n", ("space.layers", "empty design space")),
    (FRONTIER.replace('["DEU"]', '["DEU", "XYZ"]'), ("space.partners[1]", "unknown exporting country")),
    (FRONTIER + "enforcement = [0.5, 2.0]\n", ("space.enforcement[1]", "out of range")),
    (FRONTIER + 'layers = ["camera", "algorithm_11"]\n', ("space.layers[1]", "not an allowed value")),
    (FRONTIER.replace("[space]", 'regimes = ["nowhere.toml"]\n[space]'), ("regimes[0]", "file not found")),
    (FRONTIER.replace("[space]", f'regimes = ["{SCENARIO_DIR / "baseline.toml"}"]\n[space]'),
     ("regimes[0]", "without controls")),
    (FRONTIER.replace("[space]", f'regimes = ["{UNILATERAL}", "{UNILATERAL}"]\n[space]'),
     ("regimes", "is listed twice")),
    (FRONTIER.replace("[space]", f'regimes = ["{UNILATERAL}", "{SCENARIO_DIR}/../scenarios/unilateral_us.toml"]'
                      '\n[space]'), ("regimes[1]", "same scenario as regimes[0]")),
    (FRONTIER + "enforcement = [0.5, 0.5]\n", ("space.enforcement", "0.5 is listed twice")),
    (FRONTIER + 'layers = ["camera", "camera"]\n', ("space.layers", "'camera' is listed twice")),
    (FRONTIER.replace("[space]", 'leader = "XXA"\n[space]'), ("leader", "no vendors")),
    (FRONTIER + '[search]\nmethod = "nsga2"\npopulation = 9223372036854775807\n',
     ("search.population", "out of range")),
    (FRONTIER + "[search]\ngenerations = 1000000000\n", ("search.generations", "out of range")),
    (FRONTIER.replace('["DEU"]', '["DEU", "SWE", "CHN", "JPN", "FRA", "KOR", "ISR", "TWN", "RUS"]')
     + f"enforcement = {[i / 200 for i in range(200)]}\nno_undercut = [false, true]\n[search]\nmethod = 'exhaustive'\n",
     ("space", "1,433,600 designs", "at most 1,000,000")),
])
def test_bad_frontier_files(tmp_path, capsys, text, expected):
    run_bad(tmp_path, capsys, "frontier", text, *expected)


def test_regimes_are_checked_against_the_analysis(tmp_path, capsys):
    (tmp_path / "renamed.toml").write_text(f'extends = "{UNILATERAL}"\nname = "unilateral_us"\n')
    regimes = f'regimes = ["{UNILATERAL}", "renamed.toml"]\n[space]'
    run_bad(tmp_path, capsys, "frontier", FRONTIER.replace("[space]", regimes), "regimes[1]", "same scenario")
    (tmp_path / "late.toml").write_text(f'extends = "{UNILATERAL}"\nwarmup = 6\n')
    run_bad(tmp_path, capsys, "frontier", FRONTIER.replace("[space]", 'regimes = ["late.toml"]\n[space]'),
            "regimes[0]", "warm-up (6 steps)", "horizon (6 steps)")


@pytest.mark.parametrize("text", [COALITIONS.replace('["DEU", "SWE"]', '["SWE"]') + 'leader = "DEU"\n',
                                  FRONTIER.replace("[space]", 'leader = "DEU"\n[space]').replace('"DEU"]', '"SWE"]')])
def test_validate_checks_the_leader_against_the_agreement(tmp_path, capsys, text):
    path = tmp_path / "analysis.toml"
    path.write_text(text)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert f"{path}: leader: the agreement 'echri'" in err and "\n" not in err


@pytest.mark.extra("strategy")
def test_discover_needs_an_outcome_and_a_sweep(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["discover", str(tmp_path / "missing"), "--outcome", "denial_effectiveness > 0.1",
                 "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "results" in err and not out.exists()
    assert main(["discover", str(tmp_path)]) == 2
    assert "--outcome" in capsys.readouterr().err


COLUMNS = ["denial_effectiveness", "leakage_rate", "revenue_lost"]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(COLUMNS), st.sampled_from([">", ">=", "<", "<="]),
       st.floats(-1e6, 1e6, allow_nan=False), st.text(" ", max_size=2))
def test_conditions_round_trip(column, op, number, space):
    condition = parse_condition(f"{space}{column}{space}{op}{space}{number!r}{space}", COLUMNS, "outcome", "f")
    assert (condition.column, condition.op) == (column, op)
    assert condition.value == pytest.approx(number)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40))
def test_any_text_is_a_condition_or_one_error(text):
    try:
        parse_condition(text, COLUMNS, "outcome", "f")
    except ScenarioError as err:
        assert "\n" not in str(err) and str(err).startswith("f: outcome")


def test_discover_without_the_extra_is_one_error(tmp_path, capsys, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "ema_workbench" else
                        real(name, *a))
    out = tmp_path / "out"
    assert main(["discover", str(tmp_path), "--outcome", "denial_effectiveness > 0", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "ema_workbench" in err and "[strategy]" in err and not out.exists()
