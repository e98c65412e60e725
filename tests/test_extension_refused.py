"""An extension that would fail silently is refused with a message saying what is missing: an
instrument without its contribution or with no field to vary, a policy-set field that holds no
instruments, a tagging rule for an undeclared route or a second rule for one, a route declared too
late, a declared route that no rule claims, and a mistyped key of an extension's instrument
(tests/test_extension.py extends the model for real)."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import Field

import model.market  # noqa: F401  (loads every tagging rule)
from model.market.access import retag
from model.policy import Instrument, PolicySet
from model.policy.config import check_instrument_fields, register_policy_set
from model.vocabulary import ROUTE_RULES, ROUTES, Route, declare_route, tagged_by
from tests.test_extension import run_python


def test_an_instrument_without_a_contribution_is_refused_when_defined():
    with pytest.raises(TypeError, match="does not define contribute"):
        class Silent(Instrument):
            enforcement: float = 0.5


def test_an_instrument_whose_strength_field_is_not_a_field_is_refused_when_defined():
    with pytest.raises(TypeError, match="has no field 'enforcement' for with_enforcement"):
        class Unvaried(Instrument):
            strength: float = 0.5

            def contribute(self, schedule, arrays, on) -> None:
                pass


def test_a_policy_set_field_holding_no_instruments_is_refused():
    class Loose(PolicySet):
        entity_list: list[str] = Field(default_factory=list)

    with pytest.raises(TypeError, match=r"Loose.entity_list holds .*str.*not instruments"):
        check_instrument_fields(Loose)
    with pytest.raises(TypeError, match=r"Loose.entity_list holds .*str.*not instruments"):
        register_policy_set(Loose)
    with pytest.raises(TypeError, match="does not extend PolicySet"):
        register_policy_set(dict)


def test_a_rule_for_an_undeclared_route_is_refused():
    with pytest.raises(ValueError, match=r"claims route .smuggling., which model\.vocabulary\.ROUTE_DECLARATIONS does not"):
        tagged_by("smuggling", "market/somewhere.py: a toy rule")


def test_a_route_claimed_by_a_second_rule_is_refused():
    with pytest.raises(ValueError, match="'illicit' is claimed by two tagging rules"):
        tagged_by("illicit", "market/somewhere.py: another rule")
    assert tagged_by("illicit", ROUTE_RULES["illicit"]) == ROUTES.index("illicit")  # the same rule again: fine
    with pytest.raises(ValueError, match="'legal' is claimed by two tagging rules"):
        retag("legal", "foreign_availability", lambda world, state: np.ones(1, dtype=bool), "a toy rule")


def test_a_rule_refining_a_route_the_access_rules_do_not_tag_is_refused():
    with pytest.raises(ValueError, match="refines route 'illicit'; a rule of this module refines one of legal"):
        retag("legal", "illicit", lambda world, state: np.ones(1, dtype=bool), "a toy rule")


def test_a_route_declared_after_the_model_took_the_routes_is_refused():
    with pytest.raises(ValueError, match=r"declared after .*model\.market\.kernel.* took the routes"):
        declare_route(Route("smuggling", "smuggling", "a toy route"))
    with pytest.raises(ValueError, match="'legal' is already declared"):
        declare_route(Route("legal", "legal", "a second legal"))
    assert "smuggling" not in ROUTES


def test_a_declared_route_no_rule_claims_stops_a_model_from_running():
    done = run_python(
        "from model.vocabulary import Route, declare_route\n"
        "declare_route(Route('smuggling', 'smuggling', 'a toy route'))\n"
        "from model import ControlRegimeModel\n"
        "ControlRegimeModel(horizon=6)\n")
    assert done.returncode == 1
    assert ("ValueError: route 'smuggling' is declared but no tagging rule claims it: claim it in the market "
            "with model.vocabulary.tagged_by") in done.stderr


def test_a_mistyped_key_of_an_extensions_instrument_is_named_with_its_path():
    done = run_python(
        "from pydantic import Field\n"
        "from model.policy import Instrument, PolicySet\n"
        "from model.policy.config import register_policy_set\n"
        "from model.scenario import SCENARIO_DIR, load_scenario\n"
        "from model.scenario.schema import Scenario\n"
        "class Embargo(Instrument):\n"
        "    country: str\n"
        "    enforcement: float = 1.0\n"
        "    def contribute(self, schedule, arrays, on): pass\n"
        "class EmbargoSet(PolicySet):\n"
        "    embargoes: list[Embargo] = Field(default_factory=list)\n"
        "register_policy_set(EmbargoSet)\n"
        "data = load_scenario(SCENARIO_DIR / 'baseline.toml').resolved()\n"
        "data['policies']['embargoes'] = [{'country': 'IRN', 'enforcment': 0.5}]\n"
        "Scenario.from_resolved(data)\n")
    assert done.returncode == 1
    assert ("policies: embargoes[0].enforcment: unknown key (expected one of start, end, lag, country, "
            "enforcement); did you mean 'enforcement'?") in done.stderr
