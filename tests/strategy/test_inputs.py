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
])
def test_bad_frontier_files(tmp_path, capsys, text, expected):
    run_bad(tmp_path, capsys, "frontier", text, *expected)


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
