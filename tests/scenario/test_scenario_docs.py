"""docs/scenarios.md: the generated reference is current, complete, and the worked example loads."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from model.scenario import SCENARIO_DIR, ScenarioError, load_scenario
from model.scenario.docs import BEGIN, DOC_FILE, END, missing_meanings, render_reference

DOC = DOC_FILE.read_text(encoding="utf-8")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "scenarios"


def test_the_committed_reference_is_up_to_date():
    committed = DOC.split(BEGIN, 1)[1].split(END, 1)[0]
    assert committed.strip() == render_reference().strip(), "run: python -m model.scenario.docs"


def test_every_key_has_a_meaning():
    assert missing_meanings() == []


def test_every_library_file_is_described():
    library = DOC.split("## The library", 1)[1].split("## Reference", 1)[0]
    for path in SCENARIO_DIR.glob("*.toml"):
        assert f"`{path.name}`" in library, path.name


def test_the_worked_example_loads_as_described(tmp_path):
    example = DOC.split("## Worked example", 1)[1].split("```toml\n", 1)[1].split("```", 1)[0]
    for parent in ("baseline", "unilateral_us", "wassenaar"):
        shutil.copy(SCENARIO_DIR / f"{parent}.toml", tmp_path)
    (tmp_path / "wassenaar_china_2024.toml").write_text(example, encoding="utf-8")
    s = load_scenario(tmp_path / "wassenaar_china_2024.toml")
    assert (s.horizon, s.replications, s.parameters.hub_markup) == (40, 40, 0.15)
    assert [c.jurisdiction for c in s.policies.national] == ["USA"]
    [agreement] = s.policies.agreements
    assert agreement.name == "wassenaar_plus_china" and agreement.enforcement == 0.7
    assert s.resolved()["policies"]["agreements"][0]["members"] == [
        {"country": "CHN", "join": "2024-01-01", "enforcement": 0.4, "accepts": None}
    ]
    assert s.policies.data_access[0].take_down_hosted and not s.policies.data_access[0].restrict_sales


def test_the_documented_error_examples_are_current(monkeypatch):
    """Each example message in the doc is what loading its fixture file gives today."""
    block = DOC.split("## Checking and errors", 1)[1].split("```text\n")[2].split("```", 1)[0]
    monkeypatch.chdir(FIXTURES.parent)
    messages = []
    for n in range(1, 14):
        with pytest.raises(ScenarioError) as err:
            load_scenario(f"scenarios/e{n}.toml")
        messages.append(str(err.value))
    assert block.splitlines() == messages


def test_the_parameters_table_shows_the_calibrated_value_beside_the_default():
    from model.parameters import ModelParameters, default_parameters

    [row] = [line for line in DOC.splitlines() if line.startswith("| `quality_sensitivity` |")]
    cells = [cell.strip() for cell in row.split("|")[1:-1]]
    assert cells[2] == f"`{ModelParameters().quality_sensitivity}`"
    assert cells[3] == f"`{default_parameters().quality_sensitivity:.4g}`" != cells[2]


@pytest.mark.parametrize("key, value, accepted", [
    ("enforcement", "1", 1.0), ("enforcement", '"0.8"', None), ("enforcement", "true", None),
    ("enforcement", "'high'", None), ("start", '"2024-01-01"', dt.date(2024, 1, 1)),
])
def test_the_documented_conversions_hold(tmp_path, key, value, accepted):
    """'Checking and errors': what is read as a number or a date, and what is refused."""
    assert '(`enforcement = "0.8"`), `true` or `false` is not a number' in " ".join(DOC.split())
    path = tmp_path / "s.toml"
    path.write_text(f'[[policies.national]]\njurisdiction = "USA"\n{key} = {value}\n')
    if accepted is not None:
        assert getattr(load_scenario(path).policies.national[0], key) == accepted
    else:
        with pytest.raises(ScenarioError, match=key):
            load_scenario(path)
