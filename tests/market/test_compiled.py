"""The compiled passes give NumPy's numbers to the last bit: row sums in NumPy's pairwise grouping, and
a step's derived arrays (by route, blocked, leaked, denied share, totals) as their NumPy definitions."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model import ControlRegimeModel
from model.market import Draws, procure, resolve_access
from model.market.compiled import _row_sum
from model.vocabulary import ITEMS, LAYER_ITEM, ROUTE_INDEX, ROUTES

HOME = ROUTE_INDEX["home_market"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0.0, 1e12, allow_subnormal=False), min_size=0, max_size=700), st.integers(0, 5))
def test_row_sums_are_numpys_pairwise_sums(values, offset):
    """Sizes past 128 take NumPy's halving (the path of worlds with more than 63 vendors)."""
    a = np.concatenate([np.full(offset, 7.0), values])
    assert _row_sum(a, offset, len(values)) == np.asarray(values, dtype=float).sum()


def route_sums(values, tag):
    """The definition: ``values[C, L, O]`` summed by ``tag`` into ``[C, L, K]`` with ``np.bincount``."""
    n_c, n_l, n_o = values.shape
    cell = np.arange(n_c * n_l)[:, None] * len(ROUTES) + tag.reshape(n_c * n_l, n_o)
    return np.bincount(cell.ravel(), weights=values.ravel(), minlength=n_c * n_l * len(ROUTES)).reshape(
        n_c, n_l, len(ROUTES))


@pytest.mark.parametrize("policies", ["none", "wassenaar", "global_with_china"])
@pytest.mark.parametrize("buyer_budget", [None, np.inf, -0.0])
def test_derived_arrays_are_their_numpy_definitions(policies, buyer_budget):
    """Also where a buyer's budget is beyond floating point (its closed options' nan counted in the
    sums by route) or -0 (the passes visit only the open options and fill the others)."""
    model = ControlRegimeModel(policies=policies, horizon=12, rng=5, collect_agents=False).run(8)
    w = model.world
    state = model.schedule_.state(8)
    draws = Draws.draw(w, len(ITEMS), model.streams["licence"], model.streams["enforcement"])
    access = resolve_access(w, state, draws, model.base_price)
    market = model._market(8, state.public_copy_availability)
    if buyer_budget is not None:
        market = dataclasses.replace(market, budget=market.budget.copy())
        market.budget[[0, 1]] = buyer_budget  # under controls a buyer who is denied something and one who is not
    with np.errstate(invalid="ignore"):  # inf * 0
        result = procure(w, model.params, market, access, model.prices)
    actual, free, controlled = result.actual, result.free, result.controlled
    assert (policies == "none") == (not controlled.any())
    assert (policies == "none") != (result.denying[0].any() and not result.denying[1].any())
    by_route = route_sums(actual.acquired, actual.tag)
    np.testing.assert_array_equal(result.by_route, by_route)
    np.testing.assert_array_equal(result.acquired_total, actual.acquired.sum(axis=-1))
    np.testing.assert_array_equal(result.blocked, np.where(controlled, free.acquired, 0.0).sum(axis=-1))
    with np.errstate(invalid="ignore"):  # nan - nan
        leaked = by_route - route_sums(np.where(controlled, 0.0, free.acquired), actual.tag)
    leaked[..., HOME] = 0.0
    leaked[~result.denying] = 0.0  # a row with nothing controlled leaks nothing (x - x, unless x is nan)
    np.testing.assert_array_equal(result.leaked, leaked if controlled.any() else 0.0)
    budget = free.spend.sum(axis=-1)
    denied = np.where(controlled, free.spend, 0.0).sum(axis=-1)
    np.testing.assert_array_equal(
        result.denied_share, np.divide(denied, budget, out=np.zeros_like(denied), where=budget > 0))
    if controlled.any():
        finite = np.isfinite(market.budget).all(axis=1)  # the buyers whose budgets are numbers
        assert result.blocked[finite].sum() > 0 and result.leaked[finite].sum() > 0


def add_flows_by_numpy(flows, result, vendor_exporter):
    """The definition: every vendor option's acquisitions added with one ``np.add.at``."""
    from model.market.indexing import nonzero
    from model.market.options import CONVERTED_ITEM
    from model.vocabulary import LAYER_ITEM

    layout, actual = result.layout, result.actual
    n_c, n_l, n_o = actual.acquired.shape
    buyer, layer, option = nonzero(actual.acquired[:, :, : layout.converted.stop] > 0)
    cell = (buyer * n_l + layer) * n_o + option
    converted = option >= layout.n_vendors
    vendor = option - converted * layout.n_vendors
    item = np.where(converted, CONVERTED_ITEM, np.array(LAYER_ITEM)[layer])
    route = actual.route.take((vendor * n_c + buyer) * len(ITEMS) + item)
    n_r, n_k = flows.shape[1], flows.shape[3]
    flat = ((vendor_exporter[vendor] * n_r + route) * n_c + buyer) * n_k + actual.tag.take(cell)
    np.add.at(flows.reshape(-1), flat, actual.acquired.take(cell))


@pytest.mark.parametrize("policies", ["none", "unilateral_us_extraterritorial", "wassenaar"])
def test_flows_add_as_numpys_add_at(policies):
    """The model's running flow table, added to by the compiled pass every step after the warm-up, is the one
    ``np.add.at`` makes, to the bit."""
    model = ControlRegimeModel(policies=policies, horizon=12, rng=6, collect_agents=False).run(6)
    reference = model.flows.copy()
    for _ in range(4):
        model.step()
        add_flows_by_numpy(reference, model.procurement, model.world.vendor_exporter)
    assert model.flows.tobytes() == reference.tobytes()
    routes_used = np.flatnonzero(reference.sum(axis=(0, 1, 2)))
    assert routes_used.size > (1 if policies == "none" else 3)  # legal, home market, ...; under controls leaks too


@pytest.mark.parametrize("policies", ["none", "wassenaar"])
def test_sums_by_option_are_bincounts(policies):
    """Target regimes' acquisitions by option and route (the per-item flows) as ``np.bincount`` sums them."""
    from model.market.compiled import sums_by_option

    model = ControlRegimeModel(policies=policies, horizon=10, rng=8, collect_agents=False).run(5)
    rows = np.flatnonzero(model.is_target)
    for _ in range(3):
        model.step()
        acquired, tag = model.procurement.actual.acquired, model.procurement.actual.tag
        n_l, n_o, n_k = acquired.shape[1], acquired.shape[2], len(ROUTES)
        cell = (np.arange(n_l * n_o) * n_k).reshape(n_l, n_o) + tag[rows]
        expected = np.bincount(cell.ravel(), acquired[rows].ravel(), n_l * n_o * n_k).reshape(n_l, n_o, n_k)
        assert sums_by_option(acquired, tag, rows, n_k).tobytes() == expected.tobytes()
        assert (expected > 0).sum() > n_l  # many options and routes, not a trivial table


def test_gathered_qualities_raised_by_numpy_are_each_options_powered_quality():
    """``qualities`` gathers what NumPy then raises in one call; the powers are those of each piece
    raised on its own (vendors ``[L, V]``, conversions, domestic ``[C, L]``, public copies), 0 where a
    quality is not positive, to the bit."""
    from model.market.compiled import qualities
    from model.market.kernel import _LAYER_ITEM, _gathered_exponents, quality_exponent
    from model.market.options import CONVERTED_ITEM, CONVERTED_LAYER, PUBLIC_LAYER

    model = ControlRegimeModel(policies="wassenaar", horizon=10, rng=2, collect_agents=False).run(4)
    params = model.params.model_copy(update={"data_quality_weight": 0.4, "conversion_efficiency": 0.7})
    rng = np.random.default_rng(3)
    vendor_quality = np.where(rng.random(model.vendor_quality.shape) < 0.2, 0.0, model.vendor_quality)
    domestic_quality = np.where(rng.random(model.domestic_quality.shape) < 0.2, 0.0, model.domestic_quality)
    n_c = len(domestic_quality)
    n_v = len(vendor_quality)
    for public_quality in (0.0, 0.37):
        exponent = _gathered_exponents(params.quality_sensitivity, params.data_quality_weight, n_c, n_v)
        base, positive = np.empty(exponent.size), np.empty(exponent.size, dtype=bool)
        qualities(vendor_quality, domestic_quality, public_quality, params.conversion_efficiency, _LAYER_ITEM,
                  CONVERTED_ITEM, base, positive)
        powered = np.where(positive, np.power(base, exponent), 0.0)
        qs = quality_exponent(params)
        pieces = ((vendor_quality[:, _LAYER_ITEM].T, qs[:, None]),
                  (vendor_quality[:, CONVERTED_ITEM] * params.conversion_efficiency, qs[CONVERTED_LAYER]),
                  (domestic_quality, qs), (np.array(public_quality), qs[PUBLIC_LAYER]))
        expected = np.concatenate([np.where(q > 0, np.power(np.where(q > 0, q, 1.0), b), 0.0).ravel()
                                   for q, b in pieces])
        assert powered.tobytes() == expected.tobytes()
        assert (~positive).sum() > n_v and (powered > 0).sum() > n_c  # zeros and powers both present


@pytest.mark.parametrize("policies", ["unilateral_us_extraterritorial", "wassenaar"])
def test_slipped_sales_are_their_numpy_definitions(policies):
    """``slip`` prices every controlled sale by the cheaper of its direct slip and its hub (direct on a tie,
    with the risk premium) and marks its option cell, as the NumPy definition on the sales does."""
    from model.market.compiled import slip
    from model.market.indexing import unravel
    from model.market.kernel import ILLICIT, TRANSSHIPMENT
    from model.market.options import CONVERTED_ITEM, ITEM_LAYER, OptionLayout

    model = ControlRegimeModel(policies=policies, horizon=12, rng=4, collect_agents=False).run(8)
    w, params, base = model.world, model.params, model.prices.base
    state = model.schedule_.state(8)
    access = resolve_access(w, state, Draws.draw(w, len(ITEMS), model.streams["licence"], model.streams["enforcement"]),
                            model.base_price)
    premium, conversion, level = 1.0 + params.risk_premium, 1.0 + params.conversion_cost, 0.93
    # the definition, on the sales
    v, c, i = unravel(access.sales, access.controlled.shape)
    n_c = base.shape[2]
    direct = np.where(access.direct_slip.take(access.sales), base[v, 0, c] * premium, np.inf)
    hub = access.hub_route.take(access.sales)
    via_hub = np.where(hub >= 0, base[v, np.maximum(hub, 0), c] * premium, np.inf)
    use_hub = via_hub < direct
    route = np.where(use_hub, hub, np.where(np.isfinite(direct), 0, -1))
    price = np.where(use_hub, via_hub, direct) * np.where(i == CONVERTED_ITEM, conversion, 1.0) * level
    layout = OptionLayout(w.n_vendors)
    n_l, n_o = len(LAYER_ITEM), layout.size
    cell = (c * n_l + ITEM_LAYER[i]) * n_o + v + np.where(i == CONVERTED_ITEM, w.n_vendors, 0)
    free_route, _ = model.prices.cheapest(access.available)
    expected_route = free_route.copy()
    expected_route.put(access.sales, route)

    shape = (n_c, n_l, n_o)
    actual_route, controlled, denying = free_route.copy(), np.zeros(shape, dtype=bool), np.zeros(shape[:2], dtype=bool)
    slot, cell_price, tag = np.empty(shape, dtype=np.intp), np.empty(access.sales.size), np.zeros(shape, dtype=np.intp)
    slip(access.sales, access.direct_slip, access.hub_route, base, premium, conversion, level, ITEM_LAYER,
         CONVERTED_ITEM, ILLICIT, TRANSSHIPMENT, actual_route, controlled, denying, slot, cell_price, tag)
    assert actual_route.tobytes() == expected_route.tobytes()
    assert np.array_equal(np.flatnonzero(controlled), np.sort(cell))
    assert np.array_equal(np.flatnonzero(denying), np.unique(cell // n_o))
    assert cell_price[slot.take(cell)].tobytes() == price.tobytes()
    np.testing.assert_array_equal(tag.take(cell), np.where(route == 0, ILLICIT, TRANSSHIPMENT))
    assert {0, -1} < set(route.tolist()) and (route > 0).any()  # direct slips, hubs and sales stopped


def cheapest_by_argmin(available, base):
    """The definition: ``numpy.argmin`` over the routes of the available routes' prices."""
    price = np.where(available, base[..., None], np.inf)  # [V, R, C, I]
    route = np.argmin(price, axis=1)
    best = np.take_along_axis(price, route[:, None], axis=1)[:, 0]
    return np.where(np.isfinite(best), route, -1), best


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(0.0, 1.0), st.booleans())
def test_cheapest_routes_are_numpys_argmin(seed, density, ties):
    """Random availability (some sales with no route) and prices, with ties between routes (the first
    route of a tie wins) when ``ties``."""
    from model.market.compiled import cheapest_routes

    rng = np.random.default_rng(seed)
    available = rng.random((3, 4, 5, 2)) < density
    base = rng.integers(1, 3, (3, 4, 5)).astype(float) if ties else rng.uniform(0.5, 2.0, (3, 4, 5))
    route, price = cheapest_routes(available, base)
    expected_route, expected_price = cheapest_by_argmin(available, base)
    np.testing.assert_array_equal(route, expected_route)
    np.testing.assert_array_equal(price, expected_price)


@pytest.mark.parametrize("policies", ["none", "wassenaar", "global_with_china"])
def test_the_worlds_cheapest_routes_are_numpys_argmin(policies):
    from model.market import route_prices

    model = ControlRegimeModel(policies=policies, horizon=12, rng=5, collect_agents=False)
    available = model.schedule_.state(8).available
    route, price = route_prices(model.world).cheapest(available)
    expected_route, expected_price = cheapest_by_argmin(available, model.world.price[:, None, None]
                                                        * model.world.route_cost[model.world.vendor_exporter])
    assert (route >= 0).any() and (route == -1).any()
    np.testing.assert_array_equal(route, expected_route)
    np.testing.assert_array_equal(price, expected_price)


@pytest.mark.parametrize("policies", ["none", "wassenaar"])
def test_vendor_revenue_is_numpys_sum_over_buyers(policies):
    """Each vendor's revenue per item, conversions under the 1:1 item, as NumPy sums the buyers' spending."""
    from model.market.options import CONVERTED_ITEM, CONVERTED_LAYER

    model = ControlRegimeModel(policies=policies, horizon=10, rng=7, collect_agents=False).run(6)
    rng = np.random.default_rng(1)
    for _ in range(2):
        model.step()
        result = model.procurement
        for spend in (result.actual.spend, rng.random(result.actual.spend.shape) * 1e6):
            layout = result.layout
            expected = np.zeros((layout.n_vendors, len(ITEMS)))
            for layer, item in enumerate(LAYER_ITEM):
                expected[:, item] += spend[:, layer, layout.vendors].sum(axis=0)
            expected[:, CONVERTED_ITEM] += spend[:, CONVERTED_LAYER, layout.converted].sum(axis=0)
            with_spend = dataclasses.replace(result, actual=dataclasses.replace(result.actual, spend=spend))
            assert with_spend.vendor_revenue().tobytes() == expected.tobytes()
            assert (expected[:, CONVERTED_ITEM] > 0).any()


def vendor_spending_by_numpy(spend, home_sale, layer):
    """The definition, as NumPy calls: shares of the ``layer``'s vendor spending, revenue and revenue
    from abroad (what :func:`model.simulation.observables.observe` reports)."""
    from model.market.options import OptionLayout

    by_vendor = OptionLayout(home_sale.shape[0]).per_vendor(spend)  # [C, L, V]
    market = by_vendor[:, layer].sum(axis=1, keepdims=True)
    share = np.divide(by_vendor[:, layer], market, out=np.zeros_like(by_vendor[:, layer]), where=market > 0)
    abroad = np.where(home_sale.T, 0.0, by_vendor.sum(axis=1)).sum(axis=0)
    return share, by_vendor.sum(axis=(0, 1)), abroad


@pytest.mark.parametrize("policies", ["none", "wassenaar"])
def test_vendor_spending_is_numpys(policies):
    """On a step's spending and on values of both signs over seventy orders of magnitude, with zeros
    and negative zeros (where any other grouping or first term rounds differently)."""
    from model.market.compiled import vendor_spending
    from model.vocabulary import LAYER_INDEX

    model = ControlRegimeModel(policies=policies, horizon=10, rng=7, collect_agents=False).run(6)
    spend, home_sale = model.procurement.actual.spend, model.world.home_sale
    rng = np.random.default_rng(2)
    spread = rng.choice([-1.0, 1.0], spend.shape) * np.exp(rng.uniform(-80.0, 80.0, spend.shape))
    spread[rng.random(spend.shape) < 0.3] = 0.0
    spread[rng.random(spend.shape) < 0.1] = -0.0
    layer = LAYER_INDEX["algorithm_1n"]
    for values in (spend, spread):
        n_c, n_v = values.shape[0], home_sale.shape[0]
        share, revenue, abroad = np.empty((n_c, n_v)), np.empty(n_v), np.empty(n_v)
        vendor_spending(values, layer, home_sale, share, revenue, abroad)
        for got, expected in zip((share, revenue, abroad), vendor_spending_by_numpy(values, home_sale, layer)):
            assert got.tobytes() == expected.tobytes()
    assert (share > 0).any() and (share == 0).any()


def option_tags_by_numpy(home_sale, vendor_tag):
    """The definition, as NumPy lays it out: vendors' tags at each layer's item, conversion, domestic
    and public-copy tags, then a vendor's options (direct or converted) at home tagged home market."""
    from model.market.options import CONVERSION, DOMESTIC, PUBLIC_COPIES, OptionLayout

    layout = OptionLayout(home_sale.shape[0])
    vendors = vendor_tag[:, :, list(LAYER_ITEM)].transpose(1, 2, 0)  # [C, L, V]
    tag = np.empty((*vendors.shape[:2], layout.size), dtype=vendors.dtype)
    tag[:, :, layout.vendors] = vendors
    tag[:, :, layout.converted] = CONVERSION
    tag[:, :, layout.domestic] = DOMESTIC
    tag[:, :, layout.public] = PUBLIC_COPIES
    home = np.tile(home_sale.T[:, None, :], (1, 1, 2))  # [C, 1, 2V]
    tag[:, :, : layout.converted.stop] = np.where(home, HOME, tag[:, :, : layout.converted.stop])
    return tag


@pytest.mark.parametrize("policies", ["none", "wassenaar", "global_with_china"])
def test_option_tags_are_their_numpy_definition(policies):
    """The tags of every policy state's uncontrolled sales, and of random vendor tags and homes."""
    from model.market import route_prices

    model = ControlRegimeModel(policies=policies, horizon=12, rng=5, collect_agents=False)
    world, prices = model.world, route_prices(model.world)
    rng = np.random.default_rng(3)
    random_tags = rng.integers(0, len(ROUTES), (world.n_vendors, world.n_countries, len(ITEMS)))
    state_tags = model._settled.state_access(model.schedule_.state(8)).tag_if_uncontrolled
    for vendor_tag in (state_tags, random_tags):
        got = prices.tags(vendor_tag)
        expected = option_tags_by_numpy(world.home_sale, vendor_tag)
        assert got.dtype == np.int8 and got.tobytes() == expected.astype(np.int8).tobytes()
        assert (got == HOME).any() and (got == ROUTE_INDEX["conversion"]).any()
    from model.market.compiled import option_tags
    from model.market.options import CONVERSION, DOMESTIC, PUBLIC_COPIES

    random_home = rng.random(world.home_sale.shape) < 0.2
    got = np.empty(expected.shape, dtype=np.int8)
    option_tags(random_tags, random_home, np.array(LAYER_ITEM), CONVERSION, DOMESTIC, PUBLIC_COPIES, HOME, got)
    assert got.tobytes() == option_tags_by_numpy(random_home, random_tags).astype(np.int8).tobytes()
