"""docs/ODD.md must not drift from the code.

Fails when a ``ModelParameters`` field, a field of a policy configuration class or a route is missing
from the ODD description, or when a default in its parameter tables differs from the code's default.
"""

from __future__ import annotations

import inspect
import re
from fractions import Fraction
from pathlib import Path

import pytest
from pydantic import BaseModel

from model.parameters import LayerValues, ModelParameters, default_parameters
from model.policy.config import (
    Agreement,
    DataAccessControl,
    Destinations,
    Extraterritorial,
    Member,
    NationalControl,
    PolicySet,
    Window,
)
from model.policy.inputs import ComponentControl, EntityList, ProcurementBan
from model.scenario.parameter_table import SECTION, render_table, shown
from model.simulation import ControlRegimeModel
from model.simulation.caches import SETUPS_KEPT, WORLDS_KEPT
from model.vocabulary import ROUTES
from model.world.restraint import VoluntaryRestraint

ODD = Path(__file__).resolve().parents[1] / "docs" / "ODD.md"
POLICY_CLASSES = (
    Window, Destinations, NationalControl, Extraterritorial, Member, Agreement, DataAccessControl,
    VoluntaryRestraint, EntityList, ComponentControl, ProcurementBan, PolicySet,
)
RUN_SETTINGS = ("horizon", "warmup", "steps_per_year", "start_date", "target_threshold")


@pytest.fixture(scope="module")
def text() -> str:
    return ODD.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def rows(text: str) -> dict[str, str]:
    """Table rows keyed by their first cell when it is a backticked name: name -> second cell."""
    out = {}
    for line in text.splitlines():
        match = re.match(r"^\|\s*`([^`]+)`\s*(?:\([^|]*\))?\s*\|\s*([^|]*?)\s*\|", line)
        if match:
            out.setdefault(match.group(1), match.group(2))
    return out


def _policy_key(cls: type[BaseModel], name: str) -> str:
    """Fields inherited from ``Window`` are documented once, as ``Window.<name>``."""
    if cls is not Window and issubclass(cls, Window) and name in Window.model_fields:
        return f"Window.{name}"
    return f"{cls.__name__}.{name}"


def test_every_model_parameter_is_documented(text: str):
    missing = [name for name in ModelParameters.model_fields if f"`{name}`" not in text]
    assert not missing, f"ModelParameters fields missing from docs/ODD.md: {missing}"


@pytest.mark.parametrize("cls", POLICY_CLASSES, ids=lambda c: c.__name__)
def test_every_policy_field_is_documented(text: str, cls: type[BaseModel]):
    missing = [
        name for name in cls.model_fields
        if f"`{_policy_key(cls, name)}`" not in text and f"`{cls.__name__}.{name}`" not in text
    ]
    assert not missing, f"{cls.__name__} fields missing from docs/ODD.md: {missing}"


def test_every_route_is_documented(text: str):
    missing = [route for route in ROUTES if f"`{route}`" not in text]
    assert not missing, f"routes missing from docs/ODD.md: {missing}"


def _layer_values(cell: str) -> dict[str, float]:
    return {key: float(Fraction(value)) for key, value in re.findall(r"(\w+)=([\d./e-]+)", cell)}


@pytest.mark.parametrize("name", list(ModelParameters.model_fields))
def test_parameter_table_defaults_match_the_code(rows: dict[str, str], name: str):
    assert name in rows, f"no parameter-table row for `{name}` in docs/ODD.md"
    default = ModelParameters.model_fields[name].get_default(call_default_factory=True)
    cell = rows[name]
    if isinstance(default, LayerValues):
        assert _layer_values(cell) == pytest.approx(default.model_dump()), (name, cell)
    elif isinstance(default, dict):
        assert cell.startswith("{}") and default == {}, (name, cell)
    else:
        assert float(cell) == pytest.approx(default), (name, cell)


def _expected_cell(default) -> str | None:
    """How the ODD tables write a policy default; None when the cell is free text."""
    if isinstance(default, BaseModel):
        return None
    if isinstance(default, list):
        return ", ".join(map(str, default)) if default else "[]"
    return str(default)


@pytest.mark.parametrize("cls", POLICY_CLASSES[:-1], ids=lambda c: c.__name__)
def test_policy_table_defaults_match_the_code(rows: dict[str, str], cls: type[BaseModel]):
    for name, field in cls.model_fields.items():
        key = _policy_key(cls, name)
        assert key in rows, f"no policy-table row for `{key}` in docs/ODD.md"
        cell = rows[key]
        if field.is_required():
            assert cell == "required", (key, cell)
            continue
        default = field.get_default(call_default_factory=True)
        expected = _expected_cell(default)
        if expected is None:
            continue
        if isinstance(default, float) and not isinstance(default, bool):
            assert float(cell) == pytest.approx(default), (key, cell)
        else:
            assert cell == expected, (key, cell)


@pytest.mark.parametrize("name", RUN_SETTINGS)
def test_run_setting_defaults_match_the_model(rows: dict[str, str], name: str):
    default = inspect.signature(ControlRegimeModel.__init__).parameters[name].default
    assert name in rows, f"no run-settings row for `{name}` in docs/ODD.md"
    assert rows[name].split()[0] == str(default), (name, rows[name])


def test_the_process_cache_bounds_are_the_codes(text: str):
    assert f"keeps the {WORLDS_KEPT} worlds and the {SETUPS_KEPT} run setups it used last" in " ".join(text.split())


def test_the_parameter_table_is_current(text: str):
    assert render_table(text) == text, "run: python -m model.scenario.docs"


def test_the_calibrated_column_shows_the_values_every_run_uses(rows: dict[str, str], text: str):
    used, code = default_parameters(), ModelParameters()
    calibrated = {line.split("|")[1].strip().strip("`"): line.split("|")[3].strip()
                  for line in text.split(SECTION, 1)[1].split("\n\n| name |", 1)[1].splitlines()[2:]
                  if line.startswith("| `")}
    assert used.quality_sensitivity != code.quality_sensitivity  # the installed fit moves it
    for name in ModelParameters.model_fields:
        value = getattr(used, name)
        assert calibrated[name] == ("" if value == getattr(code, name) else shown(value, 4)), name


def test_the_generator_fixes_a_stale_table_and_adds_a_new_parameter(text: str):
    """A wrong default is rewritten, a row of the old five columns gets its calibrated cell, a
    parameter without a row gets one (at the end) with its description; all else is left as written."""
    lines = text.split("\n")
    row = {line.split("|")[1].strip().strip("`"): i for i, line in enumerate(lines)
           if line.startswith("| `") and i > text[:text.index(SECTION)].count("\n")}
    stale = list(lines)
    stale[row["hub_markup"]] = stale[row["hub_markup"]].replace("| 0.10 |", "| 0.7 |", 1)
    cells = stale[row["quality_sensitivity"]].split(" | ")
    stale[row["quality_sensitivity"]] = " | ".join(cells[:2] + cells[3:])  # no calibrated cell
    stale[row["rd_noise"]] = None
    fixed = render_table("\n".join(line for line in stale if line is not None)).split("\n")
    last = row["rd_noise"] + 1 + next(i for i, line in enumerate(lines[row["rd_noise"] + 1:]) if not line.startswith("|"))
    added = fixed[last - 1]
    assert added.startswith("| `rd_noise` | 0.2 |  |  |  | ") and "log-normal noise on R&D progress" in added
    expected = [line.replace("| 0.10 |", "| 0.1 |", 1) if i == row["hub_markup"] else line
                for i, line in enumerate(lines) if i != row["rd_noise"]]
    assert fixed[:last - 1] + fixed[last:] == expected
