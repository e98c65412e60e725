"""The step's compiled flows and running totals are their NumPy definitions to the last bit, on a real
step's arrays and on arrays of values spread over many orders of magnitude (where any other grouping
of the additions rounds differently)."""

from __future__ import annotations

import numpy as np
import pytest

from model import ControlRegimeModel
from model.market import compiled
from model.market.compiled import sums_by_option
from model.market.options import CONVERTED_ITEM, OptionLayout
from model.simulation import compiled_step
from model.vocabulary import ITEMS, LAYER_ITEM, ROUTES


def flows_by_numpy(result, targets, vendor_revenue, vendor_exporter, controlling):
    """The definition, as NumPy calls: the row of :func:`model.market.compiled.target_flows`."""
    is_target = np.zeros(result.by_route.shape[0], dtype=bool)
    is_target[targets] = True
    by_route = result.by_route[is_target].sum(axis=(0, 1))
    layout = OptionLayout(len(vendor_exporter))
    per_option = sums_by_option(result.actual.acquired, result.actual.tag, targets, len(ROUTES))  # [L, O, K]
    own = slice(layout.domestic, layout.size)
    by_item = np.zeros((len(ITEMS), len(ROUTES)))
    for layer, item in enumerate(LAYER_ITEM):
        by_item[item] += per_option[layer, layout.vendors].sum(axis=0) + per_option[layer, own].sum(axis=0)
        by_item[CONVERTED_ITEM] += per_option[layer, layout.converted].sum(axis=0)
    revenue = np.zeros(len(controlling))
    np.add.at(revenue, vendor_exporter, vendor_revenue.sum(axis=1))
    return np.array([by_route.sum(), result.blocked[is_target].sum(), *by_route,
                     *result.leaked[is_target].sum(axis=(0, 1)), *by_item.ravel(), *revenue,
                     revenue[controlling].sum()])


class Step:
    """A step's procurement with its arrays replaceable."""

    def __init__(self, result, **arrays):
        self.by_route, self.leaked, self.blocked = result.by_route, result.leaked, result.blocked
        self.actual = result.actual
        self.__dict__.update(arrays)


def spread(rng, shape, zeros=0.3):
    """Positive and negative values over thirty orders of magnitude, some 0 and -0."""
    values = rng.choice([-1.0, 1.0], shape) * np.exp(rng.uniform(-35.0, 35.0, shape))
    values[rng.random(shape) < zeros] = 0.0
    values[rng.random(shape) < zeros / 3] = -0.0
    return values


@pytest.fixture(scope="module", params=["none", "unilateral_us", "wassenaar"])
def model(request):
    return ControlRegimeModel(policies=request.param, horizon=12, rng=3, collect_agents=False).run(8)


def test_step_flows_are_numpys_on_a_real_step(model):
    result, world = model.procurement, model.world
    targets = np.flatnonzero(model.is_target)
    for controlling in (model.controlling, np.ones_like(model.controlling), np.zeros_like(model.controlling)):
        model.controlling = controlling
        row = model._flows(result).row
        expected = flows_by_numpy(result, targets, model.vendor_revenue, world.vendor_exporter, controlling)
        assert row.tobytes() == expected.tobytes()  # signs of zeros too


@pytest.mark.parametrize("seed", range(6))
def test_step_flows_are_numpys_on_spread_values(model, seed):
    rng = np.random.default_rng(seed)
    result, world = model.procurement, model.world
    step = Step(result, by_route=spread(rng, result.by_route.shape), leaked=spread(rng, result.leaked.shape),
                blocked=spread(rng, result.blocked.shape))
    step.actual = type("Actual", (), {"acquired": spread(rng, result.actual.acquired.shape),
                                      "tag": result.actual.tag})()
    # no target, one, and up to every country (beyond 128 blocked numbers: pairwise in halves)
    size = (0, 1, world.n_countries)[seed] if seed < 3 else int(rng.integers(2, world.n_countries))
    targets = np.sort(rng.choice(world.n_countries, size=size, replace=False))
    revenue = spread(rng, model.vendor_revenue.shape)
    controlling = rng.random(len(world.exporters)) < (0.0, 1.0, 0.9)[seed % 3]
    row = compiled.target_flows(step.actual.acquired, step.actual.tag, step.by_route, step.leaked, step.blocked,
                                targets, revenue, world.vendor_exporter, controlling, np.array(LAYER_ITEM),
                                CONVERTED_ITEM, len(ITEMS))
    expected = flows_by_numpy(step, targets, revenue, world.vendor_exporter, controlling)
    assert row.tobytes() == expected.tobytes()  # signs of zeros too


@pytest.mark.parametrize("seed", range(4))
def test_running_totals_are_numpys(model, seed):
    """``total += a.sum(axis=...)`` over a buyer's layers (and routes), a vendor's items."""
    rng = np.random.default_rng(seed)
    result = model.procurement
    blocked, leaked, revenue = (spread(rng, a.shape) for a in (result.blocked, result.leaked, model.vendor_revenue))
    totals = [spread(rng, n) for n in (model.world.n_countries, model.world.n_countries, model.world.n_vendors)]
    expected = [t + a for t, a in zip(totals, (blocked.sum(axis=1), leaked.sum(axis=(1, 2)), revenue.sum(axis=1)))]
    compiled.add_buyer_totals(blocked, leaked, revenue, *totals)
    for got, want in zip(totals, expected):
        same(got, want)


def positive(rng, shape, zeros=0.2):
    """Non-negative values over thirty orders of magnitude, some 0."""
    values = np.exp(rng.uniform(-35.0, 35.0, shape))
    values[rng.random(shape) < zeros] = 0.0
    return values


def same(got, want):
    assert got.shape == want.shape and got.tobytes() == want.tobytes()


@pytest.mark.parametrize("seed", range(4))
def test_budgets_are_numpys(model, seed):
    rng = np.random.default_rng(seed)
    spending, unrest, shares = positive(rng, model.world.n_countries), positive(rng, model.world.n_countries), \
        rng.dirichlet(np.ones(3))
    growth, elasticity = rng.uniform(0.5, 3.0), rng.uniform(0.0, 2.0)
    total = spending * growth / 4 * (1.0 + elasticity * unrest)
    same(compiled_step.budgets(spending, growth, 4, elasticity, unrest, shares), total[:, None] * shares[None, :])


@pytest.mark.parametrize("seed", range(4))
def test_learning_is_numpys(model, seed):
    rng = np.random.default_rng(seed)
    world = model.world
    quality = rng.uniform(0.0, 1.0, model.vendor_quality.shape) if seed else model.vendor_quality
    revenue = positive(rng, quality.shape) if seed else model.vendor_revenue
    revenue[:, rng.integers(quality.shape[1])] = 0.0  # an item nobody earns from
    noise = np.exp(rng.normal(0.0, 0.5, quality.shape))
    sellers = world.sells.sum(axis=0)
    mean = np.divide(revenue.sum(axis=0), sellers, out=np.zeros(quality.shape[1]), where=sellers > 0)
    relative = np.divide(revenue, mean, out=np.zeros_like(revenue), where=mean > 0)
    gain = 0.3 * (1.0 - quality) * np.sqrt(relative) * noise
    expected = np.where(world.sells, np.minimum(quality + gain, 1.0), 0.0)
    same(compiled_step.learn(quality, revenue, sellers, world.sells, noise, 0.3), expected)
    assert (expected == 1.0).any() == bool(seed)  # large relative revenues reach the ceiling


@pytest.mark.parametrize("seed", range(4))
def test_indigenisation_is_numpys(model, seed):
    rng = np.random.default_rng(seed)
    domestic = rng.uniform(0.0, 1.0, model.domestic_quality.shape)
    quality, denied = rng.uniform(0.0, 1.0, model.vendor_quality.shape), rng.uniform(0.0, 1.0, domestic.shape)
    if seed == 1:  # an item at signed zeros only, NaN in another
        quality[:, LAYER_ITEM[0]] = rng.choice([0.0, -0.0], quality.shape[0])
        domestic[:, 0] = rng.choice([0.0, -0.0], domestic.shape[0])
        quality[3, LAYER_ITEM[1]] = np.nan
    layer_item = np.array(LAYER_ITEM)
    gap = np.maximum(quality[:, layer_item].max(axis=0)[None, :] - domestic, 0.0)
    same(compiled_step.indigenise(domestic, quality, layer_item, denied, 0.07), domestic + 0.07 * denied * gap)


@pytest.mark.parametrize("seed", range(6))
def test_redesign_is_numpys(seed):
    """A sourcing table of the default world's shape, cuts of 0, 1 and between, steps exposed around the
    stockpile."""
    model = ControlRegimeModel(policies="unilateral_us", horizon=8, rng=1, collect_agents=False)
    sourcing_ = model.sourcing
    rng = np.random.default_rng(seed)
    full = rng.choice([0.0, 1.0, 0.5], sourcing_.world.inputs.sourcing.shape) * rng.uniform(
        0.5, 1.0, sourcing_.world.inputs.sourcing.shape)
    full[rng.random(full.shape) < 0.3] = 1.0
    full[0] = 1.0  # a vendor cut off from every supplier: no alternative
    cut = full[:, :-1]
    sourcing, supplies = sourcing_.sourcing, sourcing_.supplies
    redesigned = rng.uniform(0.0, 1.0, sourcing.shape[:2]) * (rng.random(sourcing.shape[:2]) < 0.6)
    exposed = rng.integers(0, 8, sourcing.shape[:2]).astype(float)
    stock_steps, closing = 3.0, (0.7, 0.125)
    d = (sourcing * cut).sum(axis=-1)
    alternative = (supplies & (cut < 1.0)).any(axis=-1)
    gap = np.maximum(d - redesigned, 0.0)
    steps = np.where(gap > 0, exposed + 1, 0.0)
    shortage = np.where(steps > stock_steps, gap, 0.0)
    markup = 3.5 * shortage + 0.2 * redesigned
    expected = (d, steps, shortage, markup, redesigned + gap * np.where(alternative, *closing))
    got = compiled_step.redesign(d, cut, supplies, redesigned, exposed, stock_steps, closing, 3.5, 0.2)
    for g, w in zip(got, expected[1:]):
        same(g, w)
    assert alternative.any() and not alternative.all() and (shortage > 0).any()


@pytest.mark.parametrize("seed", range(4))
def test_unrest_is_numpys(seed):
    rng = np.random.default_rng(seed)
    previous, uniform, sizes = positive(rng, 179), rng.random(179), rng.exponential(0.4, 179)
    expected = 0.8 * previous + (uniform < 0.1) * sizes
    same(compiled_step.unrest(previous, 0.8, uniform, 0.1, sizes), expected)


@pytest.mark.parametrize("seed", range(4))
def test_stocks_and_capability_sums_are_numpys(model, seed):
    rng = np.random.default_rng(seed)
    stocks, acquired, scale = (positive(rng, model.stocks.shape) for _ in range(3))
    scale[scale == 0] = 1.0
    retained, weights = rng.uniform(0.5, 1.0, 3), rng.dirichlet(np.ones(3))
    new, relative = compiled_step.advance_stocks(stocks, retained, acquired, scale)
    expected = retained * stocks + acquired
    same(new, expected)
    same(relative, expected / scale)
    same(compiled_step.weighted_sums(weights, relative), (weights * relative).sum(axis=1))


def test_capable_marked_once_at_the_first_step_reached():
    first = np.array([-1, -2, -2, 5, -2])
    compiled_step.mark_capable(first, np.array([0.1, 0.9, 0.2, 0.9, 0.5]), 0.5, 7)
    np.testing.assert_array_equal(first, [-1, 7, -2, 5, 7])


def test_maximum_is_numpys_with_nan_and_signed_zeros():
    values = [-0.0, 0.0, 1.0, -1.0, np.nan, np.inf]
    for a in values:
        for b in values:
            assert np.array(compiled_step._max(a, b)).tobytes() == np.maximum(np.array(a), np.array(b)).tobytes(), (a, b)
