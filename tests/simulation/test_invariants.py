"""The model's invariants (docs/ODD.md), checked at every step of default-world runs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from model import ControlRegimeModel
from model.policy import PRESETS
from model.vocabulary import ROUTES

HORIZON = 12
NO_CONTROL_ROUTES = {"legal", "domestic", "conversion", "public_copies", "home_market"}


def stepped(policies: str, seed: int = 7, **kwargs):
    """Yield the model after every step."""
    model = ControlRegimeModel(policies=policies, horizon=HORIZON, rng=seed, collect_agents=False, **kwargs)
    for _ in range(HORIZON):
        model.step()
        yield model


@pytest.mark.parametrize("policies", sorted(PRESETS))
def test_accounting_and_sign_invariants_hold_every_step(policies):
    for model in stepped(policies):
        result = model.procurement
        actual = result.actual
        # every unit carries exactly one route tag: by-route sums equal totals per buyer and layer
        np.testing.assert_allclose(result.by_route.sum(axis=-1), actual.acquired.sum(axis=-1), rtol=1e-12)
        assert set(np.unique(actual.tag)) <= set(range(len(ROUTES)))
        # no negative stocks, prices, budgets; spending never exceeds budget
        assert (model.stocks >= 0).all()
        assert (model.budget >= 0).all()
        assert (model.base_price[np.isfinite(model.base_price)] > 0).all()
        assert (actual.spend >= 0).all() and (actual.acquired >= 0).all()
        assert (actual.spend.sum(axis=-1) <= model.budget * (1 + 1e-12)).all()
        # controls never add to what a buyer gets, and leakage is within what was blocked
        assert (actual.acquired.sum(-1) <= result.free.acquired.sum(-1) * (1 + 1e-9)).all()
        leaked = result.leaked.sum(axis=-1)
        assert (leaked <= result.blocked * (1 + 1e-9) + 1e-9).all()
        assert ((model.vendor_quality >= 0) & (model.vendor_quality <= 1)).all()
        assert ((model.domestic_quality >= 0) & (model.domestic_quality <= 1)).all()
        # a vendor's sales in its own country are home-market sales: never controlled, never leakage
        home = np.tile(model.world.home_sale.T, (1, 2))  # [C, 2V]: direct and converted vendor options
        n = home.shape[1]
        assert (actual.tag[:, :, :n][np.broadcast_to(home[:, None], actual.tag[:, :, :n].shape)]
                == ROUTES.index("home_market")).all()
        assert not (result.controlled[:, :, :n] & home[:, None]).any()
        assert (result.leaked[..., ROUTES.index("home_market")] == 0).all()


@pytest.mark.parametrize("policies", ["none", "wassenaar", "unilateral_us_extraterritorial"])
def test_flows_add_up_every_post_warmup_vendor_delivery_by_buyer_and_route(policies):
    expected = None
    for model in stepped(policies):
        actual = model.procurement.actual
        vendor = slice(0, 2 * model.world.n_vendors)  # direct and converted vendor options
        if expected is None:
            expected = np.zeros((model.world.n_countries, len(ROUTES)))
        if model.steps - 1 >= model.warmup:
            buyer = np.arange(model.world.n_countries)[:, None, None]
            np.add.at(expected, (buyer, actual.tag[:, :, vendor]), actual.acquired[:, :, vendor])
    np.testing.assert_allclose(model.flows.sum(axis=(0, 1)), expected, rtol=1e-12, atol=1e-300)
    # diversions through a hub are transshipments; direct slips are illicit
    assert model.flows[:, 1:, :, ROUTES.index("illicit")].sum() == 0
    assert model.flows[:, 0, :, ROUTES.index("transshipment")].sum() == 0
    if policies == "wassenaar":
        assert model.flows[:, 1:, :, ROUTES.index("transshipment")].sum() > 0


def test_without_controls_only_the_uncontrolled_routes_carry_anything():
    ts = ControlRegimeModel(policies="none", horizon=HORIZON, rng=3, collect_agents=False).run().timeseries()
    for route in ROUTES:
        total = ts[f"acquired_{route}"].sum()
        if route in NO_CONTROL_ROUTES:
            continue
        assert total == 0.0, route
    assert ts["acquired_legal"].min() > 0
    assert ts["blocked_targets"].eq(0).all()


@pytest.mark.parametrize("policies", ["unilateral_us", "wassenaar", "global_with_china"])
def test_policy_run_equals_its_baseline_during_warmup(policies):
    warmup = 4
    policy = ControlRegimeModel(policies=policies, horizon=HORIZON, warmup=warmup, rng=11).run().timeseries()
    base = ControlRegimeModel(policies="none", horizon=HORIZON, warmup=warmup, rng=11).run().timeseries()
    pd.testing.assert_frame_equal(policy.loc[: warmup - 1], base.loc[: warmup - 1])
    assert not policy.loc[warmup:].equals(base.loc[warmup:])


def test_same_seed_same_results_different_seed_different_results():
    def tables(seed):
        model = ControlRegimeModel(policies="unilateral_us_extraterritorial", horizon=HORIZON, rng=seed).run()
        dc = model.datacollector
        return model.timeseries(), dc.get_agenttype_vars_dataframe(type(model.agents[0]))

    a, b, c = tables(5), tables(5), tables(6)
    pd.testing.assert_frame_equal(a[0], b[0])
    pd.testing.assert_frame_equal(a[1], b[1])
    assert not a[0].equals(c[0])


def test_common_random_numbers_share_unrest_across_policies():
    policy = ControlRegimeModel(policies="wassenaar", horizon=HORIZON, rng=21, collect_agents=False).run()
    base = ControlRegimeModel(policies="none", horizon=HORIZON, rng=21, collect_agents=False).run()
    np.testing.assert_array_equal(policy.unrest, base.unrest)
    np.testing.assert_array_equal(policy.budget, base.budget)
