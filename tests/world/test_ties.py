"""Buyer-exporter ties in the buyers' choice, and the home-market route (hand-checked)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import TINY_COUNTRIES, TINY_HUBS, TINY_PARAMS, _vendor

from model import ControlRegimeModel, ModelParameters, build_world
from model.policy import preset
from model.vocabulary import LAYER_INDEX, ROUTE_INDEX
from model.world.ties import tie_terms

HOME = ROUTE_INDEX["home_market"]
CAMERA = LAYER_INDEX["camera"]
TWIN_VENDORS = pd.DataFrame([  # the same camera at the same price from two exporting nations
    _vendor("VA", "USA", "camera", 1.0, camera=0.8),
    _vendor("VB", "CHN", "camera", 1.0, camera=0.8),
])


def ties_table(rows: dict[str, dict[str, float]]) -> pd.DataFrame:
    columns = ["un_ideal_point", "arms_share_USA", "arms_share_CHN", "china_finance_gdp"]
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns).rename_axis("iso3").reset_index()


def test_affinity_follows_the_equation_by_hand():
    ties = ties_table({
        "USA": {"un_ideal_point": 2.0, "arms_share_USA": 0.0, "arms_share_CHN": 0.0, "china_finance_gdp": 0.0},
        "CHN": {"un_ideal_point": -1.0, "arms_share_USA": 0.0, "arms_share_CHN": 0.0, "china_finance_gdp": 0.0},
        "XXA": {"un_ideal_point": 0.0, "arms_share_USA": 0.5, "arms_share_CHN": 0.25, "china_finance_gdp": 0.2},
    })  # XXB: no UN votes (blank ideal point); XXC: no row at all
    iso3 = ["USA", "CHN", "XXA", "XXB", "XXC"]
    params = ModelParameters(tie_political=0.5, tie_security=2.0, tie_finance=3.0, tie_home=0.25)
    affinity = tie_terms(ties, iso3, np.array([0, 1])).affinity(params)
    # distances to (USA, CHN): USA (0, 3), CHN (3, 0), XXA (2, 1); their mean is 9 / 6 = 1.5
    expected = np.array([
        [0.5 * 1.5 + 0.25, 0.5 * -1.5],
        [0.5 * -1.5, 0.5 * 1.5 + 0.25],
        [0.5 * -0.5 + 2.0 * 0.5, 0.5 * 0.5 + 2.0 * 0.25 + 3.0 * 0.2],
        [0.0, 0.0],  # no UN votes: neutral political term
        [0.0, 0.0],
    ])
    np.testing.assert_allclose(affinity, expected, rtol=1e-12)
    scaled = tie_terms(ties, iso3, np.array([0, 1])).affinity(params.model_copy(update={"ties_scale": 0.5}))
    np.testing.assert_allclose(scaled, 0.5 * expected, rtol=1e-12)


def test_a_buyer_buys_more_from_the_exporter_it_has_stronger_ties_to_and_spends_its_budget():
    params = ModelParameters(**TINY_PARAMS, tie_political=0.0, tie_security=1.0, tie_finance=0.0)
    ties = ties_table({"XXA": {"un_ideal_point": np.nan, "arms_share_USA": 0.5, "arms_share_CHN": 0.0,
                               "china_finance_gdp": 0.0}})
    world = build_world(params, countries=TINY_COUNTRIES, vendors=TWIN_VENDORS, hubs=TINY_HUBS, ties=ties)
    model = ControlRegimeModel(world=world, parameters=params, policies="none", horizon=6, rng=0).run(1)
    spend = model.procurement.actual.spend  # [C, L, O]; options VA, VB first
    xxa, xxb = world.country("XXA"), world.country("XXB")
    # all else equal, the attraction ratio is exp(0.5 * 1.0): the share follows the ties
    assert spend[xxa, CAMERA, 0] / spend[xxa, CAMERA, 1] == pytest.approx(np.exp(0.5), rel=1e-12)
    assert spend[xxb, CAMERA, 0] / spend[xxb, CAMERA, 1] == pytest.approx(1.0, rel=1e-12)  # no ties
    # ties move shares, never the total: every buyer still spends exactly its budget
    np.testing.assert_allclose(spend.sum(axis=-1), model.budget, rtol=1e-12)


# target_capability of the pre-ties model (code-default parameters, seed 11, 8 steps)
PRE_TIES_TARGET_CAPABILITY = {
    "none": [0.58277775135226, 0.5837429251518, 0.58608451236925, 0.58876007067825, 0.59187403395003,
             0.595396457804, 0.60510930882694, 0.61268890122633],
    "wassenaar": [0.58277775135226, 0.5837429251518, 0.58608451236925, 0.58876007067825, 0.59163575222266,
                  0.59505289696573, 0.60403222377453, 0.61100371377108],
}


@pytest.mark.parametrize("policies", sorted(PRE_TIES_TARGET_CAPABILITY))
def test_ties_off_reproduces_the_allocation_without_ties(policies):
    # the regimes as they were before the ties (and before the instruments on vendors' inputs)
    regime = preset(policies, build_world()).model_copy(
        update=dict(entity_lists=[], component_controls=[], procurement_bans=[]))

    def run(**parameters):
        model = ControlRegimeModel(policies=regime, horizon=8, rng=11, collect_agents=False,
                                   parameters=ModelParameters(**parameters))
        spends = []
        for _ in range(8):
            model.step()
            spends.append(model.procurement.actual.spend)
        return model, np.array(spends)

    off, off_spend = run(ties_scale=0.0)
    _, zero_spend = run(tie_political=0.0, tie_security=0.0, tie_finance=0.0, tie_home=0.0)
    _, on_spend = run(tie_home=0.5)
    assert np.array_equal(off_spend, zero_spend)  # bit for bit
    assert not np.array_equal(off_spend, on_spend)
    np.testing.assert_allclose(off.timeseries()["target_capability"], PRE_TIES_TARGET_CAPABILITY[policies],
                               rtol=1e-11)


def test_under_a_global_agreement_chinas_home_purchases_are_home_market_never_blocked_nor_leaked():
    model = ControlRegimeModel(policies="global_with_china", horizon=6, rng=3, collect_agents=False).run()
    world, result = model.world, model.procurement
    chn = world.country("CHN")
    chinese = np.flatnonzero(world.vendor_home == chn)
    actual = result.actual
    bought = actual.acquired[chn, :, chinese].sum()
    assert bought > 0
    assert (actual.tag[chn][:, chinese] == HOME).all()
    assert not result.controlled[chn][:, chinese].any()
    assert (result.leaked[..., HOME] == 0).all()
    assert result.by_route[chn, :, HOME].sum() == pytest.approx(
        actual.acquired[chn][:, np.r_[chinese, world.n_vendors + chinese]].sum(), rel=1e-12)
    # only sales in the vendor's own country carry the tag
    other = np.flatnonzero(world.vendor_home != chn)
    assert not (actual.tag[chn][:, other] == HOME).any()
    assert preset("global_with_china", world).agreements  # the agreement includes China
    assert model.timeseries()["leaked_home_market"].eq(0).all()
