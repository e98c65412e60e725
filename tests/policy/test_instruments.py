"""Instruments as units: each instrument checks itself, adds its effect to a step's arrays and varies
its strength by its own method; a policy set is empty when no field holds anything (an incomplete
instrument, or a policy-set field that holds no instruments, is refused: tests/test_extension_refused.py)."""

from __future__ import annotations

import numpy as np
import pytest

from model import ControlRegimeModel, build_world
from model.dates import Calendar
from model.errors import ModelInputError
from model.parameters import default_parameters
from model.policy import (
    Agreement,
    DataAccessControl,
    Extraterritorial,
    Member,
    NationalControl,
    PolicySchedule,
    PolicySet,
    VoluntaryRestraint,
    preset,
)
from model.policy.config import check_instrument_fields
from model.policy.inputs import ComponentControl, EntityList, ProcurementBan
from tests.toy_instrument import Embargo, EmbargoSet

ARRAYS = ("requires", "approval", "enforcement", "hub_slip", "et_capture", "available", "controlling", "supply_cut")
WARMUP, HORIZON = 4, 12


@pytest.fixture(scope="module")
def world():
    return build_world()


def schedule(world, policies: PolicySet) -> PolicySchedule:
    return PolicySchedule(world, policies, default_parameters(), Calendar(), warmup=WARMUP, horizon=HORIZON)


def same(a, b) -> bool:
    return all(np.array_equal(getattr(a, name), getattr(b, name)) for name in ARRAYS)


def test_a_group_jurisdiction_is_one_control_per_member(world):
    control = {"approval_probability": 0.1, "enforcement": 0.7}
    one = PolicySet(national=[NationalControl(jurisdiction="eu", **control)])
    each = PolicySet(national=[NationalControl(jurisdiction=c, **control) for c in sorted(world.memberships["eu"])])
    a, b = schedule(world, one).state(WARMUP), schedule(world, each).state(WARMUP)
    assert same(a, b) and a.requires.any()
    assert same(schedule(world, one.model_copy(update={"data_access": [DataAccessControl(jurisdiction="eu")]})
                         ).state(WARMUP),
                schedule(world, each.model_copy(update={"data_access": [DataAccessControl(jurisdiction=c) for c in
                                                                        sorted(world.memberships["eu"])]})
                         ).state(WARMUP))


def test_the_shipped_us_eu_regime_uses_the_group_and_keeps_its_arrays(world):
    us_eu = preset("us_eu", world)
    assert [c.jurisdiction for c in us_eu.national] == ["USA", "eu"]
    spelled_out = us_eu.model_copy(update={"national": [us_eu.national[0], *(
        us_eu.national[1].model_copy(update={"jurisdiction": c}) for c in sorted(world.memberships["eu"]))]})
    for step in (0, WARMUP, HORIZON - 1):
        assert same(schedule(world, us_eu).state(step), schedule(world, spelled_out).state(step))


def test_an_unknown_jurisdiction_names_countries_and_groups(world):
    with pytest.raises(ModelInputError, match=r"policies.national\[0\].jurisdiction: unknown country code or group"):
        schedule(world, PolicySet(national=[NationalControl(jurisdiction="EUU")]))


@pytest.mark.parametrize("instrument", [
    NationalControl(jurisdiction="USA"),
    Extraterritorial(),
    Agreement(name="w", member_groups=["wassenaar"]),
    DataAccessControl(jurisdiction="USA"),
    EntityList(entities=["Hikvision"]),
    ComponentControl(destinations=["CHN"]),
    ProcurementBan(vendors=["Hikvision"]),
])
def test_any_instrument_takes_effect_lag_steps_after_its_start(world, instrument):
    field = {NationalControl: "national", Extraterritorial: "extraterritorial", Agreement: "agreements",
             DataAccessControl: "data_access", EntityList: "entity_lists", ComponentControl: "component_controls",
             ProcurementBan: "procurement_bans"}[type(instrument)]

    def policy_set(lag: int) -> PolicySet:
        lagged = instrument.model_copy(update={"lag": lag})
        return PolicySet(**{field: lagged if field == "extraterritorial" else [lagged]})

    prompt, late = schedule(world, policy_set(0)), schedule(world, policy_set(3))
    nothing = schedule(world, PolicySet())
    assert not same(prompt.state(WARMUP), nothing.state(WARMUP)) or \
        prompt.state(WARMUP).public_copy_availability != 1.0
    for step in range(WARMUP, WARMUP + 3):
        assert same(late.state(step), nothing.state(step))
        assert late.state(step).public_copy_availability == 1.0
    assert same(late.state(WARMUP + 3), prompt.state(WARMUP + 3))


def test_a_policy_set_is_empty_only_when_no_field_holds_anything():
    assert PolicySet().is_empty
    assert not PolicySet(restraints=[VoluntaryRestraint(vendor="IBM", kind="exit", start=8)]).is_empty
    assert not PolicySet(extraterritorial=Extraterritorial()).is_empty
    assert [key for key, _ in PolicySet(national=[NationalControl(jurisdiction="USA")] * 2,
                                        extraterritorial=Extraterritorial()).instruments()] == \
        ["national[0]", "national[1]", "extraterritorial"]


def test_strength_and_layers_vary_through_each_instruments_own_method():
    policies = PolicySet(
        national=[NationalControl(jurisdiction="USA", items=["camera"])],
        extraterritorial=Extraterritorial(enforcement_abroad=0.4),
        agreements=[Agreement(name="a", members=[Member(country="FRA", enforcement=0.9), Member(country="DEU")])],
        data_access=[DataAccessControl(jurisdiction="USA")],
        entity_lists=[EntityList(entities=["Huawei"], foreign_direct_product=True, enforcement_abroad=0.9)],
        component_controls=[ComponentControl(destinations=["CHN"])],
        procurement_bans=[ProcurementBan(vendors=["Dahua"])])
    strong = policies.with_enforcement(0.3)
    assert strong.national[0].enforcement == strong.agreements[0].enforcement == 0.3
    assert [m.enforcement for m in strong.agreements[0].members] == [0.3, None]
    assert strong.data_access[0].enforcement == 0.3
    assert strong.entity_lists[0].enforcement == strong.component_controls[0].enforcement == 0.3
    assert strong.entity_lists[0].enforcement_abroad == 0.9  # like the extraterritorial rules' own
    assert strong.extraterritorial == policies.extraterritorial  # enforcement abroad varies on its own
    assert strong.procurement_bans == policies.procurement_bans  # a ban has no enforcement to vary
    narrowed = policies.without_items(frozenset({"camera", "training_data"}))
    assert narrowed.national == [] and narrowed.data_access == []
    assert narrowed.agreements[0].items == ["algorithm_1n"]
    assert narrowed.entity_lists == policies.entity_lists  # instruments on inputs control no item


def test_a_toy_instrument_reaches_the_arrays_and_the_run(world):
    check_instrument_fields(EmbargoSet)
    policies = EmbargoSet(embargoes=[Embargo(country="IRN")])
    assert not policies.is_empty and policies.with_enforcement(0.2).embargoes[0].enforcement == 0.2
    state = schedule(world, policies).state(WARMUP)
    iran = world.country_index["IRN"]
    assert state.requires[:, iran, 0].sum() == (world.exporters != iran).sum() and state.requires.sum() == \
        state.requires[:, iran, 0].sum()
    with pytest.raises(ModelInputError, match=r"policies.embargoes\[0\].country"):
        schedule(world, EmbargoSet(embargoes=[Embargo(country="IRQQ")]))
    run = ControlRegimeModel(policies=policies, horizon=8, rng=2, collect_agents=False).run()
    assert run.result().totals["blocked_targets"] > 0
    assert ControlRegimeModel(policies=PolicySet(), horizon=8, rng=2, collect_agents=False).run(
    ).result().totals["blocked_targets"] == 0
