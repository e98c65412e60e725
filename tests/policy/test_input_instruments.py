"""Instruments on inputs: what an Entity List, a component control and a procurement ban deny, by hand."""

from __future__ import annotations

import numpy as np
import pytest

from model.dates import Calendar
from model.errors import ModelInputError
from model.parameters import ModelParameters
from model.policy import PolicySchedule, PolicySet
from model.policy.inputs import ComponentControl, EntityList, ProcurementBan
from model.world import build_world
from model.world.inputs import COMPONENT_INDEX

SOC, ACC = COMPONENT_INDEX["camera_soc"], COMPONENT_INDEX["ai_accelerator"]


@pytest.fixture(scope="module")
def world():
    return build_world()


def schedule(world, **instruments) -> PolicySchedule:
    return PolicySchedule(world, PolicySet(**instruments), ModelParameters(), Calendar(), 4, 40)


def supplier(world, name: str) -> int:
    return world.inputs.supplier_index[name]


def denied(world, state) -> np.ndarray:
    """``[V, K]``: the share of each vendor's supply of each component denied."""
    return (world.inputs.sourcing * state.supply_cut).sum(axis=-1)


def test_an_entity_list_denies_only_us_made_supply_to_the_named_vendors(world):
    state = schedule(world, entity_lists=[EntityList(entities=["Hikvision"], enforcement=0.9)]).state(4)
    h = world.vendor_index["Hikvision"]
    us = world.inputs.us_origin
    per_supplier = state.supply_cut[h].max(axis=0)  # a supplier sells one component
    assert np.all(per_supplier[us] == 0.9) and np.all(per_supplier[~us] == 0.0)
    assert np.all(np.delete(state.supply_cut, h, axis=0) == 0.0)  # other vendors keep their supply
    assert denied(world, state)[h, SOC] == pytest.approx(0.10 * 0.9)  # US SoCs: 10%


def test_the_foreign_direct_product_rule_reaches_foreign_chips_made_with_us_technology(world):
    rule = EntityList(entities=["Hikvision"], foreign_direct_product=True, enforcement=0.9, enforcement_abroad=0.5)
    state = schedule(world, entity_lists=[rule]).state(4)
    h = world.vendor_index["Hikvision"]
    assert state.supply_cut[h, SOC, supplier(world, "Taiwanese SoCs")] == pytest.approx(0.9 * 0.5)
    assert state.supply_cut[h, SOC, supplier(world, "US SoCs")] == pytest.approx(0.9)


def test_a_rule_on_huawei_cuts_hisilicon_for_every_buyer_but_a_listing_alone_does_not(world):
    hisilicon = supplier(world, "HiSilicon")
    plain = schedule(world, entity_lists=[EntityList(entities=["Huawei"])]).state(4)
    assert plain.supply_cut[world.vendor_index["Uniview"], SOC, hisilicon] == 0.0
    fdp = EntityList(entities=["Huawei"], foreign_direct_product=True, enforcement_abroad=0.95)
    state = schedule(world, entity_lists=[fdp]).state(4)
    assert np.all(state.supply_cut[:, SOC, hisilicon] == pytest.approx(0.95))
    uniview = world.vendor_index["Uniview"]
    assert denied(world, state)[uniview, SOC] == pytest.approx(0.70 * 0.95)


def test_several_instruments_on_one_supply_apply_the_strongest(world):
    one = schedule(world, entity_lists=[EntityList(entities=["Dahua"], enforcement=0.9)]).state(4)
    two = schedule(world, entity_lists=[EntityList(entities=["Dahua"], enforcement=0.9),
                                        EntityList(entities=["Dahua"], enforcement=0.5)]).state(4)
    np.testing.assert_array_equal(one.supply_cut, two.supply_cut)


def test_a_component_control_covers_vendors_based_in_its_destinations(world):
    rule = ComponentControl(destinations=["CHN"], enforcement=0.9, enforcement_abroad=0.8)
    state = schedule(world, component_controls=[rule]).state(4)
    china = world.vendor_home == world.country_index["CHN"]
    nvidia = supplier(world, "Nvidia and US accelerators")
    assert np.all(state.supply_cut[china, ACC, nvidia] == 0.9) and np.all(state.supply_cut[~china] == 0.0)
    assert np.all(state.supply_cut[china, SOC] == 0.0)  # camera chips are not on its list
    ascend = supplier(world, "HiSilicon Ascend")
    assert np.all(state.supply_cut[china, ACC, ascend] == pytest.approx(0.8))  # its own FDP rule (on by default)


def test_a_procurement_ban_closes_the_banning_countrys_purchases_from_its_start(world):
    ban = ProcurementBan(vendors=["Hikvision"], countries=["USA"], start=8)
    s = schedule(world, procurement_bans=[ban])
    h, usa, gbr = world.vendor_index["Hikvision"], world.country_index["USA"], world.country_index["GBR"]
    assert s.state(7).offered[h, usa].any() and not s.state(8).offered[h, usa].any()
    assert s.state(8).offered[h, gbr].any()
    assert not s.state(8).requires.any()  # no export licence anywhere: it acts on revenue only


@pytest.mark.parametrize(("instruments", "key"), [
    (dict(entity_lists=[EntityList(entities=["Hikvison"])]), "policies.entity_lists[0].entities"),
    (dict(entity_lists=[EntityList(entities=["Hikvision"], start=60)]), "policies.entity_lists[0].start"),
    (dict(component_controls=[ComponentControl(destinations=["CHM"])]), "policies.component_controls[0].destinations"),
    (dict(procurement_bans=[ProcurementBan(vendors=["Dahua"], start=2)]), "policies.procurement_bans[0].start"),
])
def test_bad_instruments_name_their_key(world, instruments, key):
    with pytest.raises(ModelInputError) as err:
        schedule(world, **instruments)
    assert err.value.key == key


def test_out_of_range_strengths_and_empty_lists_are_refused():
    with pytest.raises(ModelInputError, match=r"EntityList\.enforcement_abroad"):
        EntityList(entities=["Huawei"], enforcement_abroad=1.2)
    with pytest.raises(ModelInputError, match="must name at least one"):
        ProcurementBan(vendors=[])
