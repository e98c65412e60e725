"""Key paths into a resolved scenario: index and name selectors, new map entries, errors."""

from __future__ import annotations

import pytest

from model.errors import ModelInputError
from model.experiment.keys import Name, parse, resolve, with_values
from model.scenario import SCENARIO_DIR, Scenario, load_scenario


@pytest.fixture(scope="module")
def echri() -> dict:
    """US national control plus the ECHRI agreement (one national control, one agreement)."""
    return load_scenario(SCENARIO_DIR / "echri_coalition.toml", validate=False).resolved()


def test_parse_splits_keys_indices_and_names():
    assert parse("policies.national[USA].enforcement") == ("policies", "national", Name("USA"), "enforcement")
    assert parse("policies.agreements[0].members") == ("policies", "agreements", 0, "members")
    assert parse("world.vendors['Clearview AI'].scale") == ("world", "vendors", Name("Clearview AI"), "scale")


@pytest.mark.parametrize("text, loc", [
    ("parameters.conversion_efficiency", ("parameters", "conversion_efficiency")),
    ("policies.national[0].enforcement", ("policies", "national", 0, "enforcement")),
    ("policies.national[USA].enforcement", ("policies", "national", 0, "enforcement")),
    ("policies.agreements[echri].enforcement", ("policies", "agreements", 0, "enforcement")),
    ("world.hub_leakiness_scale", ("world", "hub_leakiness_scale")),
    ("world.hubs.ARE", ("world", "hubs", "ARE")),  # a new entry of a table of free names
    ("world.countries.IRN.repression", ("world", "countries", "IRN", "repression")),
    ("world.vendors[Clearview AI].compliance", ("world", "vendors", "Clearview AI", "compliance")),
])
def test_resolve_finds_the_concrete_path(echri, text, loc):
    assert resolve(echri, text) == loc


def test_values_set_by_name_reach_the_validated_scenario(echri):
    data = with_values(echri, {
        resolve(echri, "policies.national[USA].enforcement"): 0.35,
        resolve(echri, "policies.agreements[echri].members"): ["USA", "JPN"],
        resolve(echri, "world.countries.IRN.repression"): 0.3,
    })
    scenario = Scenario.from_resolved(data)
    assert scenario.policies.national[0].enforcement == 0.35
    assert [m.country for m in scenario.policies.agreements[0].members] == ["USA", "JPN"]
    assert scenario.world.countries["IRN"].repression == 0.3
    assert echri["policies"]["national"][0]["enforcement"] == 0.8  # the base is untouched


def test_values_are_set_on_new_containers_and_the_base_is_left_as_it_was(echri):
    """Two values under one table, one in a list entry, a new map entry: the same as setting them in a
    deep copy; the base unchanged, and shares no changed table or list with the result."""
    import copy

    base = copy.deepcopy(echri)
    values = {("policies", "national", 0, "enforcement"): 0.35, ("policies", "national", 0, "items"): ["camera"],
              ("policies", "agreements", 0, "members"): ["USA"], ("world", "hubs", "ZZZ"): 0.5,
              ("parameters", "conversion_efficiency"): 0.2}
    expected = copy.deepcopy(echri)
    for loc, value in values.items():
        node = expected
        for part in loc[:-1]:
            node = node.setdefault(part, {}) if isinstance(node, dict) else node[part]
        node[loc[-1]] = value
    assert with_values(echri, values) == expected
    assert echri == base
    data = with_values(echri, values)
    assert data["policies"]["national"] is not echri["policies"]["national"]
    assert data["policies"]["national"][0] is not echri["policies"]["national"][0]
    assert data["world"]["countries"] is echri["world"]["countries"]  # untouched: shared


@pytest.mark.parametrize("text, words", [
    ("parameters.conversion_eficiency", ["parameters has no key 'conversion_eficiency'",
                                         "did you mean 'conversion_efficiency'"]),
    ("policies.agreements[echi].enforcement", ["no entry named 'echi' in policies.agreements",
                                               "did you mean 'echri'"]),
    ("policies.national[UAS].enforcement", ["no entry named 'UAS'", "jurisdiction of an entry: USA"]),
    ("policies.national[3].enforcement", ["no entry [3] in policies.national", "an index from 0 to 0"]),
    ("policies.extraterritorial.de_minimis", ["policies.extraterritorial is unset in the base scenario"]),
    ("world.countries.IRN.represion", ["has no key 'represion'", "did you mean 'repression'"]),
    ("world.hub_leakiness_scale.x", ["world.hub_leakiness_scale is a single value"]),
    ("horizn", ["the scenario has no key 'horizn'", "did you mean 'horizon'"]),
    ("policies..national", ["malformed key path"]),
    ("policies.national[].enforcement", ["empty [] in key path"]),
])
def test_bad_paths_are_one_clear_line(echri, text, words):
    with pytest.raises(ModelInputError) as caught:
        resolve(echri, text)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(text)
    for word in words:
        assert word in message


def test_two_entries_with_one_name_ask_for_an_index():
    data = Scenario.from_resolved(Scenario().resolved() | {"policies": {"national": [
        {"jurisdiction": "USA"}, {"jurisdiction": "USA", "items": ["camera"]}]}}).resolved()
    message = r"2 entries of policies.national have jurisdiction 'USA'.*\[0\] or \[1\]"
    with pytest.raises(ModelInputError, match=message):
        resolve(data, "policies.national[USA].enforcement")
