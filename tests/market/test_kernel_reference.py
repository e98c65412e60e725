"""The fused kernel against the definition, computed the slow way on ``[vendor, route, buyer, item]``.

The reference materialises every option's price by every route, takes the cheapest open route
(the risk premium on controlled sales), lays the option table out by hand (home-market tags, ties
in the vendors' scale per layer, training data's own quality coefficient) and splits budgets by the logit rule. The fused kernel must give the same numbers, to the last bit.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from model import ControlRegimeModel
from model.market import Draws, OptionLayout, procure, resolve_access, state_access
from model.market.choice import purchase
from model.market.options import openable
from model.parameters import default_parameters
from model.vocabulary import ITEM_INDEX, ITEMS, LAYER_INDEX, LAYER_ITEM, ROUTE_INDEX


def reference_allocation(model, access, market):
    """Spending, acquisitions and tags ``[C, L, O]`` and routes ``[V, C, I]`` by the definition."""
    w, p = model.world, model.params
    n_v, alg, data, item_11 = w.n_vendors, LAYER_INDEX["algorithm_1n"], LAYER_INDEX["training_data"], ITEM_INDEX[
        "algorithm_11"]
    is_open = access.open
    premium = 1.0 + p.risk_premium * (access.controlled[:, None] & is_open)
    price = np.where(is_open, model.base_price[..., None] * premium, np.inf)  # [V, R, C, I]
    route = np.argmin(price, axis=1)
    best = np.take_along_axis(price, route[:, None], axis=1)[:, 0]
    route = np.where(np.isfinite(best), route, -1)
    vendor_tag = np.where(access.controlled, np.where(route == 0, ROUTE_INDEX["illicit"], ROUTE_INDEX["transshipment"]),
                          access.tag_if_uncontrolled)
    shape = (w.n_countries, len(LAYER_ITEM), 2 * n_v + 2)
    price_o, quality_o, tag_o = np.full(shape, np.inf), np.zeros(shape), np.empty(shape, dtype=int)
    items = list(LAYER_ITEM)
    price_o[:, :, :n_v] = best[:, :, items].transpose(1, 2, 0)
    quality_o[:, :, :n_v] = market.vendor_quality[:, items].T[None]
    tag_o[:, :, :n_v] = vendor_tag[:, :, items].transpose(1, 2, 0)
    price_o[:, alg, n_v: 2 * n_v] = best[:, :, item_11].T * (1.0 + p.conversion_cost)
    quality_o[:, alg, n_v: 2 * n_v] = market.vendor_quality[None, :, item_11] * p.conversion_efficiency
    tag_o[:, :, n_v: 2 * n_v] = ROUTE_INDEX["conversion"]
    home = np.tile(w.home_sale.T[:, None, :], (1, 1, 2))  # a vendor's sales in its own home country
    tag_o[:, :, : 2 * n_v] = np.where(home, ROUTE_INDEX["home_market"], tag_o[:, :, : 2 * n_v])
    price_o[:, :, 2 * n_v] = p.domestic_price
    quality_o[:, :, 2 * n_v] = market.domestic_quality
    tag_o[:, :, 2 * n_v] = ROUTE_INDEX["domestic"]
    price_o[:, data, 2 * n_v + 1] = p.public_copy_price
    quality_o[:, data, 2 * n_v + 1] = market.public_quality
    tag_o[:, :, 2 * n_v + 1] = ROUTE_INDEX["public_copies"]
    vendor_scale = w.scale[None] * w.tie_weight[:, None]  # [C, L, V]: presence per layer times exp(affinity)
    other_scale = np.broadcast_to([1.0, market.public_availability], (w.n_countries, len(LAYER_ITEM), 2))
    scale = np.concatenate([vendor_scale, vendor_scale, other_scale], axis=2)
    b_q = np.full(len(LAYER_ITEM), p.quality_sensitivity)
    b_q[data] = p.quality_sensitivity * p.data_quality_weight  # training data's own quality coefficient
    price_o = price_o * market.price_level
    factor = np.ones(shape)  # the input layer's factor on vendor options (docs/ODD.md 7.17)
    if market.vendor_appeal is not None:
        factor[:, :, :n_v] = market.vendor_appeal[:, items].T[None]
        factor[:, alg, n_v: 2 * n_v] = market.vendor_appeal[None, :, item_11]
    usable = np.isfinite(price_o) & (quality_o > 0)
    weight = np.where(usable, scale * (np.where(usable, quality_o, 1.0) ** b_q[None, :, None] * factor)
                      * np.where(usable, price_o, 1.0) ** -p.price_sensitivity, 0.0)
    spend, acquired = purchase(market.budget, weight, p.price_sensitivity)
    return spend, acquired, tag_o, route


@pytest.mark.parametrize("policies", ["unilateral_us_extraterritorial", "wassenaar", "global_with_china"])
def test_the_fused_kernel_gives_the_definitions_numbers(policies):
    params = default_parameters().model_copy(update={
        "data_quality_weight": 0.4, "algorithm_scale_factor_by_vendor": {"Hikvision": 0.3, "NEC": 1.7}})
    model = ControlRegimeModel(policies=policies, parameters=params, horizon=12, rng=3, collect_agents=False).run(6)
    w = model.world
    assert model.vendor_appeal is not None and (model.vendor_appeal < 1).any()  # the input measures bite
    checked_controls = 0
    for step in (6, 8, 10):
        state = model.schedule_.state(step)
        draws = Draws.draw(w, len(ITEMS), model.streams["licence"], model.streams["enforcement"])
        access = resolve_access(w, state, draws, model.base_price)
        market = model._market(step, state.public_copy_availability)
        result = procure(w, model.params, market, access, model.prices)
        spend, acquired, tag, route = reference_allocation(model, access, market)
        np.testing.assert_array_equal(result.actual.spend, spend)
        np.testing.assert_array_equal(result.actual.acquired, acquired)
        np.testing.assert_array_equal(result.actual.tag, tag)
        np.testing.assert_array_equal(result.actual.route, route)
        # the free counterfactual is the same allocation with every available route open, no premium
        free = resolve_access(w, state, draws, model.base_price)
        free_spend, free_acquired, _, _ = reference_allocation(
            model, type(free)(free.available, np.zeros_like(free.controlled), free.tag_if_uncontrolled,
                              np.zeros_like(free.direct_slip), np.full_like(free.hub_route, -1),
                              np.zeros(0, dtype=np.intp)), market)
        np.testing.assert_array_equal(result.free.spend, free_spend)
        np.testing.assert_array_equal(result.free.acquired, free_acquired)
        layout = OptionLayout(w.n_vendors)
        assert result.controlled[:, :, layout.domestic:].sum() == 0
        assert result.controlled.sum() == access.controlled.sum()  # each sale has one option
        checked_controls += int(access.controlled.sum())
    assert checked_controls > 0


def reference_diversions(state, base_price, controller):
    """Best hub, its chance of passing and whether any hub is usable, on the whole ``[V, H, C, I]``."""
    passing = state.hub_slip[controller][:, :, None, None]
    usable = state.available[:, 1:] & (passing > 0)
    expected_cost = np.where(usable, base_price[:, 1:, :, None] / np.where(usable, passing, 1.0), np.inf)
    hub = np.argmin(expected_cost, axis=1)
    chance = np.take_along_axis(np.broadcast_to(passing, usable.shape), hub[:, None], axis=1)[:, 0]
    return hub, chance, np.isfinite(expected_cost.min(axis=1))


@pytest.mark.parametrize("policies", ["unilateral_us_extraterritorial", "wassenaar"])
def test_each_sales_best_diversion_is_the_definitions(policies):
    """:func:`state_access` finds the best hub on ``[V, H, C]``; the definition on ``[V, H, C, I]``
    agrees to the last bit, with voluntary restraints, closed hubs (chance 0) and sales not offered."""
    model = ControlRegimeModel(policies=policies, horizon=12, rng=1, collect_agents=False)
    w = model.world
    state = model.schedule_.state(10)
    rng = np.random.default_rng(5)
    closed = np.where(rng.random(state.hub_slip.shape) < 0.3, 0.0, state.hub_slip)  # some hubs stop everything
    restrained = state.restrained | (rng.random(state.restrained.shape) < 0.2)
    offered = w.sells[:, None, :] & ~restrained[:, :, None]
    varied = dataclasses.replace(state, hub_slip=closed, restrained=restrained, offered=offered,
                                 available=state.routes[..., None] & offered[:, None])
    assert (~offered).any() and (closed == 0).any()
    for s in (state, varied):
        settled = state_access(w, s, model.base_price)
        controllers = [("home", w.vendor_exporter)]
        if s.et_exporter >= 0:
            controllers.append(("et", np.full(w.n_vendors, s.et_exporter)))
        for name, controller in controllers:
            hub, chance, usable = reference_diversions(s, model.base_price, controller)
            np.testing.assert_array_equal(getattr(settled, f"{name}_hub"), hub)
            np.testing.assert_array_equal(getattr(settled, f"{name}_chance"), chance)
            np.testing.assert_array_equal(getattr(settled, f"{name}_usable"), usable)
            assert usable.any() and not usable.all()


def test_the_options_a_step_can_open_are_those_of_the_items_their_vendors_sell():
    # items: camera, algorithm_1n, algorithm_11, training_data; vendor 0 sells cameras and 1:1
    # algorithms, vendor 1 the 1:N algorithm, vendor 2 training data
    sells = np.zeros((3, len(ITEMS)), dtype=bool)
    sells[0, [ITEM_INDEX["camera"], ITEM_INDEX["algorithm_11"]]] = True
    sells[1, ITEM_INDEX["algorithm_1n"]] = True
    sells[2, ITEM_INDEX["training_data"]] = True
    start, options = openable(sells)
    per_layer = {layer: options[start[i]:start[i + 1]].tolist() for i, layer in enumerate(LAYER_INDEX)}
    # the layout: vendors 0-2, conversions 3-5, domestic 6, public copies 7
    assert per_layer == {"camera": [0, 6], "algorithm_1n": [1, 3, 6], "training_data": [2, 6, 7]}


@pytest.mark.parametrize("policies", ["none", "wassenaar"])
@pytest.mark.parametrize("budget", [np.inf, -0.0])
def test_a_budget_out_of_the_ordinary_is_shared_over_closed_options_as_the_definition_does(policies, budget):
    """Closed options are not visited; a row whose budget makes a closed option's share other than
    +0 (beyond floating point: nan; a negative zero: -0) still gets the definition's numbers."""
    model = ControlRegimeModel(policies=policies, horizon=12, rng=5, collect_agents=False).run(6)
    w = model.world
    state = model.schedule_.state(6)
    draws = Draws.draw(w, len(ITEMS), model.streams["licence"], model.streams["enforcement"])
    access = resolve_access(w, state, draws, model.base_price)
    market = dataclasses.replace(model._market(6, state.public_copy_availability), budget=model.budget.copy())
    market.budget[3] = budget  # every layer of one buyer
    with np.errstate(invalid="ignore"):  # inf * 0
        result = procure(w, model.params, market, access, model.prices)
        spend, acquired, _, _ = reference_allocation(model, access, market)
    for ours, theirs in ((result.actual.spend, spend), (result.actual.acquired, acquired)):
        np.testing.assert_array_equal(ours, theirs)
        np.testing.assert_array_equal(np.signbit(ours), np.signbit(theirs))
    start, options = openable(w.sells)
    closed = np.ones(spend.shape[1:], dtype=bool)
    for layer in range(len(LAYER_ITEM)):
        closed[layer, options[start[layer]:start[layer + 1]]] = False
    assert (np.isnan(spend[3][closed]) if budget == np.inf else np.signbit(spend[3][closed])).all()
    assert not spend[np.arange(w.n_countries) != 3][:, closed].any()  # the other buyers: +0
