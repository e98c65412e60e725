"""Loading: ``extends`` chains, deep-merge semantics, per-file keys and where errors are located."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from model.config.tables import deep_merge
from model.scenario import ScenarioError, load_scenario, validate_scenario


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def chain(tmp_path: Path) -> Path:
    """grand.toml <- sub/parent.toml <- sub/child.toml (each ``extends`` relative to its own folder)."""
    write(tmp_path, "grand.toml", """
name = "grand"
description = "The grandparent."
horizon = 20
replications = 3
[parameters]
hub_markup = 0.2
risk_premium = 0.5
[world.countries.CHN]
repression = 0.9
[[policies.national]]
jurisdiction = "USA"
[[policies.national]]
jurisdiction = "GBR"
[policies.extraterritorial]
de_minimis = 0.2
""")
    write(tmp_path, "sub/parent.toml", """
extends = "../grand.toml"
replications = 5
[parameters]
risk_premium = 0.4
[world.countries.RUS]
repression = 0.8
[policies.extraterritorial]
enforcement_abroad = 0.3
""")
    return write(tmp_path, "sub/child.toml", """
extends = "parent.toml"
[parameters]
hub_markup = 0.3
[[policies.national]]
jurisdiction = "FRA"
items = ["camera"]
""")


def test_extends_chains_are_followed_relative_to_each_file(chain):
    s = load_scenario(chain)
    assert s.horizon == 20 and s.replications == 5  # grandparent, then parent
    assert [str(src.path) for src in s.sources.chain] == [
        str(chain), str(chain.parent / "parent.toml"), str(chain.parent / "../grand.toml")
    ]


def test_tables_merge_key_by_key(chain):
    s = load_scenario(chain)
    assert (s.parameters.hub_markup, s.parameters.risk_premium) == (0.3, 0.4)
    assert set(s.world.countries) == {"CHN", "RUS"}
    rules = s.policies.extraterritorial
    assert (rules.de_minimis, rules.enforcement_abroad) == (0.2, 0.3)


def test_arrays_of_tables_are_replaced_whole(chain):
    s = load_scenario(chain)
    assert [(c.jurisdiction, c.items) for c in s.policies.national] == [("FRA", ["camera"])]
    parent = load_scenario(chain.parent / "parent.toml")
    assert [c.jurisdiction for c in parent.policies.national] == ["USA", "GBR"]  # untouched: inherited


def test_name_description_and_extends_are_not_inherited(chain):
    s = load_scenario(chain)
    assert (s.name, s.description, s.extends) == ("child", "", "parent.toml")
    assert load_scenario(chain.parent.parent / "grand.toml").name == "grand"


def test_deep_merge_replaces_arrays_and_non_tables():
    base = {"a": {"x": 1, "y": [1, 2]}, "b": [{"k": 1}], "c": 1, "d": {"z": 1}}
    over = {"a": {"y": [3]}, "b": [{"j": 2}], "c": {"new": 1}, "d": 5}
    assert deep_merge(base, over) == {"a": {"x": 1, "y": [3]}, "b": [{"j": 2}], "c": {"new": 1}, "d": 5}
    assert base["a"] == {"x": 1, "y": [1, 2]}  # inputs untouched


def test_a_bad_value_inherited_from_a_parent_names_the_parent(tmp_path):
    parent = write(tmp_path, "parent.toml", "[parameters]\nhub_markup = -1\n")
    child = write(tmp_path, "child.toml", 'extends = "parent.toml"\nreplications = 2\n')
    with pytest.raises(ScenarioError) as err:
        load_scenario(child)
    assert err.value.file == str(parent) and err.value.key == "parameters.hub_markup"


def test_a_bad_array_element_replaced_by_the_child_is_the_childs(tmp_path):
    write(tmp_path, "parent.toml", '[[policies.national]]\njurisdiction = "USA"\nenforcement = 0.5\n')
    child = write(tmp_path, "child.toml",
                  'extends = "parent.toml"\n[[policies.national]]\nenforcement = 0.5\n')
    with pytest.raises(ScenarioError) as err:
        load_scenario(child)
    assert err.value.file == str(child) and err.value.key == "policies.national[0].jurisdiction"


def test_a_bad_name_inherited_from_a_parent_is_found_by_world_validation(tmp_path):
    parent = write(tmp_path, "parent.toml", '[[policies.national]]\njurisdiction = "UAS"\n')
    child = write(tmp_path, "child.toml", 'extends = "parent.toml"\n[parameters]\nhub_markup = 0.2\n')
    s = load_scenario(child, validate=False)  # the schema is satisfied
    with pytest.raises(ScenarioError) as err:
        validate_scenario(s)
    assert err.value.file == str(parent) and err.value.key == "policies.national[0].jurisdiction"
    assert err.value.got == "UAS" and "'USA'" in err.value.suggestion


def test_validate_scenario_names_the_scenario_when_it_has_no_file():
    from model.scenario import Scenario

    s = Scenario.model_validate({"name": "mine", "policies": {"national": [{"jurisdiction": "UAS"}]}})
    with pytest.raises(ScenarioError, match=r"^<scenario mine>: policies\.national\[0\]\.jurisdiction: "):
        validate_scenario(s)


def test_restraint_errors_name_the_scenario_key(tmp_path):
    rule = '{vendor = "Hikvison", kind = "exit", start = 2021-01-01}'
    for table in ("policies", "world"):
        key = f"{table}.restraints[0].vendor"
        path = write(tmp_path, f"{table}.toml", f"[{table}]\nrestraints = [{rule}]\n")
        with pytest.raises(ScenarioError) as err:
            load_scenario(path)
        assert err.value.key == key and "'Hikvision'" in err.value.suggestion


def test_dates_and_steps_both_load(tmp_path):
    path = write(tmp_path, "s.toml",
                 '[[policies.national]]\njurisdiction = "USA"\nstart = 2020-06-08\nend = 30\n')
    control = load_scenario(path).policies.national[0]
    assert control.start == dt.date(2020, 6, 8) and control.end == 30
