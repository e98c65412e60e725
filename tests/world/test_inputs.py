"""The input layer: US content follows from the component mix, and bad tables are refused."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from model import data
from model.errors import ModelInputError
from model.vocabulary import ITEM_INDEX
from model.world import WorldOverrides, build_world
from model.world.inputs import InputOverrides, build_inputs, input_priors

CAMERA, ALG = ITEM_INDEX["camera"], ITEM_INDEX["algorithm_1n"]


def test_a_chinese_cameras_us_content_is_its_us_made_chips_by_cost_share():
    inputs = build_inputs(data.vendors())
    v = list(data.vendors()["vendor"]).index("Uniview")  # cameras only, home CHN
    # camera: SoC 15% of cost, 10% of it from US makers; sensor 10%, 5% from onsemi
    assert inputs.us_origin_content[v, CAMERA] == pytest.approx(0.15 * 0.10 + 0.10 * 0.05)
    # with US technology: SoC 70% HiSilicon (1.0) + 15% Chinese (0.9) + 5% Taiwanese (0.9) + 10% US
    soc = 0.70 + 0.15 * 0.9 + 0.05 * 0.9 + 0.10
    sensor = 0.40 * 0.8 + 0.45 * 0.9 + 0.10 * 0.8 + 0.05
    assert inputs.us_technology_content[v, CAMERA] == pytest.approx(0.15 * soc + 0.10 * sensor)
    world = build_world()
    assert world.us_content[world.vendor_index["Uniview"]] == pytest.approx(0.15 * 0.10 + 0.10 * 0.05)


def test_us_vendors_items_are_us_made_throughout():
    world = build_world()
    us = world.vendors["home_iso3"].to_numpy() == "USA"
    assert np.all(world.us_content[us] == 1.0)
    assert np.all(world.us_content[~us] < 0.5)


def test_a_vendor_whose_sourcing_changes_changes_its_us_content():
    before = build_world()
    after = build_world(overrides=WorldOverrides(inputs=InputOverrides(
        sourcing={"Hikvision": {"camera_soc": {"US SoCs": 0.6, "Chinese SoCs": 0.4}}})))
    h, d = before.vendor_index["Hikvision"], before.vendor_index["Dahua"]
    camera_gain = 0.15 * (0.6 - 0.10)  # the SoC's cost share times the rise of its US-made share
    assert after.inputs.us_origin_content[h, CAMERA] == pytest.approx(
        before.inputs.us_origin_content[h, CAMERA] + camera_gain)
    assert after.us_content[h] == pytest.approx(before.us_content[h] + camera_gain / 3)  # 3 items sold
    assert after.us_content[d] == before.us_content[d]  # Dahua's sourcing is unchanged


def test_sweep_dials_scale_reach_and_chip_costs():
    base = build_inputs(data.vendors())
    none = build_inputs(data.vendors(), InputOverrides(us_technology_scale=0.0))
    np.testing.assert_allclose(none.us_technology_content, base.us_origin_content)  # only US-made left
    dear = build_inputs(data.vendors(), InputOverrides(chip_cost_scale=2.0))
    np.testing.assert_allclose(dear.us_origin_content, np.where(base.vendor_home_us[:, None], 1.0,
                                                                2 * base.us_origin_content), rtol=1e-12)
    costs, suppliers, sourcing = _tables()
    costs.loc[costs.eval("item == 'camera' and component == 'camera_soc'"), "cost_share"] = 0.6
    costs.loc[costs.eval("item == 'camera' and component == 'other'"), "cost_share"] = 0.3
    with pytest.raises(ModelInputError, match=r"world\.inputs\.chip_cost_scale: makes the chips cost more"):
        build_inputs(data.vendors(), InputOverrides(chip_cost_scale=2.0), costs=costs, suppliers=suppliers,
                     sourcing=sourcing)


def _tables():
    return data.input_costs(), data.input_suppliers(), data.input_sourcing()


def test_sourcing_shares_must_sum_to_one():
    costs, suppliers, sourcing = _tables()
    sourcing.loc[0, "share"] = 0.5
    with pytest.raises(ModelInputError, match=r"input_sourcing.csv: CHN.camera_soc.share: shares do not sum to one"):
        build_inputs(data.vendors(), costs=costs, suppliers=suppliers, sourcing=sourcing)


def test_cost_shares_must_sum_to_one():
    costs, suppliers, sourcing = _tables()
    costs.loc[0, "cost_share"] = 0.3
    with pytest.raises(ModelInputError, match=r"input_costs.csv: camera.cost_share: shares do not sum to one"):
        build_inputs(data.vendors(), costs=costs, suppliers=suppliers, sourcing=sourcing)


def test_a_us_technology_share_outside_zero_one_is_refused():
    costs, suppliers, sourcing = _tables()
    suppliers.loc[1, "us_technology"] = 1.2
    with pytest.raises(ModelInputError, match=r"input_suppliers.csv: row 2.us_technology: share out of range"):
        build_inputs(data.vendors(), costs=costs, suppliers=suppliers, sourcing=sourcing)


def test_overrides_name_known_vendors_suppliers_and_matching_components():
    with pytest.raises(ModelInputError, match="did you mean 'Hikvision'"):
        build_world(overrides=WorldOverrides(inputs=InputOverrides(sourcing={"Hikvison": {}})))
    with pytest.raises(ModelInputError, match="supplier of image_sensor, not camera_soc"):
        build_world(overrides=WorldOverrides(inputs=InputOverrides(
            sourcing={"Hikvision": {"camera_soc": {"Sony": 1.0}}})))
    with pytest.raises(ModelInputError, match="shares do not sum to one"):
        build_world(overrides=WorldOverrides(inputs=InputOverrides(
            sourcing={"Hikvision": {"camera_soc": {"HiSilicon": 0.5}}})))


def test_every_number_of_the_input_tables_has_a_range_that_holds_it():
    priors = input_priors()
    assert len(priors) == len(data.input_costs()) + len(data.input_suppliers()) + len(data.input_sourcing())
    assert (priors["low"] <= priors["value"]).all() and (priors["value"] <= priors["high"]).all()
    assert set(priors["basis"]) <= {"sourced", "assumption", "definition", "residual"}
    assert priors.notna().all().all()


def test_custom_tables_without_input_tables_use_the_shipped_ones():
    vendors = pd.DataFrame(data.vendors().iloc[[0, 9]])
    inputs = build_inputs(vendors)
    assert inputs.sourcing.shape[0] == 2 and inputs.us_origin_content[1, ALG] == 1.0
