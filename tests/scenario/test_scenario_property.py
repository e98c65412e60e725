"""Property: whatever TOML a user writes, loading gives a Scenario or a one-line ScenarioError."""

from __future__ import annotations

import datetime as dt
import math
import tempfile
import tomllib
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.config.fields import is_model, strip_none
from model.config.tables import toml_key, toml_value
from model.scenario import Scenario, ScenarioError, load_scenario

NAMES = ["USA", "UAS", "CHN", "DEU", "ARE", "wassenaar", "all", "eu", "Hikvision", "Hikvison", "camera", "x"]
JUNK_KEYS = ["horizn", "enforcment", "bogus", "policy", "parameter", "national", "items", "0"]

junk = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2060, 12, 31)),
    st.sampled_from(NAMES),
)
junk_values = st.recursive(
    junk,
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(JUNK_KEYS + NAMES) | st.text(max_size=4), inner, max_size=3),
    max_leaves=8,
)


def plausible(annotation: Any, depth: int = 0) -> st.SearchStrategy:
    """Values shaped like ``annotation`` (often valid, sometimes not), with junk mixed in."""
    annotation = strip_none(annotation)
    args = get_args(annotation)
    if is_model(annotation) and depth < 4:
        fields = {name: plausible(f.annotation, depth + 1) for name, f in annotation.model_fields.items()
                  if name != "extends"}
        extra = st.fixed_dictionaries({}, optional=dict.fromkeys(JUNK_KEYS[:2], junk))
        typed = st.fixed_dictionaries({}, optional=fields) | st.builds(
            lambda a, b: {**a, **b}, st.fixed_dictionaries({}, optional=fields), extra
        )
    elif get_origin(annotation) is list:
        typed = st.lists(plausible(args[0], depth + 1), max_size=2)
    elif get_origin(annotation) is dict:
        typed = st.dictionaries(st.sampled_from(NAMES), plausible(args[1], depth + 1), max_size=2)
    elif get_origin(annotation) is Literal:
        typed = st.sampled_from([*args, "bogus"])
    elif set(args) == {int, dt.date}:
        typed = st.integers(-1, 45) | st.dates(min_value=dt.date(2018, 1, 1), max_value=dt.date(2032, 1, 1))
    elif annotation is bool:
        typed = st.booleans()
    elif annotation is int:
        typed = st.sampled_from([0, 1, 4, 8, 40]) | st.integers(-1, 50)
    elif annotation is float:
        typed = st.floats(0.0, 1.0) | st.floats(-0.5, 2.0)
    elif annotation is str:
        typed = st.sampled_from(NAMES)
    elif annotation is dt.date:
        typed = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 1, 1))
    else:
        typed = junk
    return st.integers(0, 29).flatmap(lambda n: junk_values if n == 0 else typed)


def to_toml(data: dict[str, Any]) -> str:
    """A TOML document for ``data``: one ``key = inline value`` line per top-level key."""
    return "".join(f"{toml_key(key)} = {toml_value(value)}\n" for key, value in data.items())


scenario_tables = st.one_of(
    plausible(Scenario).filter(lambda value: isinstance(value, dict)),
    st.dictionaries(st.sampled_from(list(Scenario.model_fields) + JUNK_KEYS), junk_values, max_size=4),
)


def without_nan(value: Any) -> bool:
    if isinstance(value, float):
        return not math.isnan(value)
    if isinstance(value, dict):
        return all(without_nan(v) for v in value.values())
    if isinstance(value, list):
        return all(without_nan(v) for v in value)
    return True


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=scenario_tables)
def test_any_toml_loads_or_raises_a_scenario_error(data):
    text = to_toml(data)
    if without_nan(data):
        assert tomllib.loads(text) == data  # the writer is faithful
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.toml"
        path.write_text(text, encoding="utf-8")
        try:
            scenario = load_scenario(path)
        except ScenarioError as err:
            assert "\n" not in str(err) and str(err).startswith(f"{path}: ")
        else:
            assert Scenario.from_resolved(scenario.resolved()) == scenario
