"""A step's access, resolved in two compiled passes, is its NumPy definition to the bit: small worlds
checked by hand (a no-undercut group, the extraterritorial rules, slipping through), then random
states and draws against the definition."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from conftest import TINY_PARAMS

from model import ControlRegimeModel, ModelParameters, build_world
from model.dates import Calendar
from model.market import Draws, resolve_access, route_prices, state_access
from model.market.draws import Stretch
from model.market.indexing import unravel
from model.policy import PolicySchedule, PolicySet
from model.vocabulary import ITEM_INDEX, ITEMS
from model.world import WorldOverrides


def access_by_numpy(world, state, draws, settled):
    """The definition: ``(controlled, direct_slip, hub_route, sales)`` in NumPy array operations."""
    available = state.available
    licensing = np.flatnonzero(state.requires)
    denied = np.zeros_like(state.requires)  # [E, C, I]
    denied.put(licensing, ~(draws.licence.at(licensing) < state.approval.take(licensing)))
    enforcement_by_exporter = state.enforcement
    if state.undercut_groups:
        enforcement_by_exporter = state.enforcement.copy()
        for group, strength in zip(state.undercut_groups, state.undercut_enforcement):
            binding = denied[group].any(axis=0) & ~denied[group]  # denied by another member only
            denied[group] |= binding
            enforcement_by_exporter[group] = np.where(binding, strength[:, None, None], state.enforcement[group])
        denied[np.arange(len(world.exporters)), world.exporters, :] = False
    home_denied = denied[world.vendor_exporter]  # [V, C, I]
    et_denied = np.zeros_like(home_denied)
    if state.et_exporter >= 0:
        et_denied = state.et_capture[:, :, None] & denied[state.et_exporter][None] & ~home_denied
    controlled = (home_denied | et_denied) & ~world.home_sale[:, :, None]
    sales = np.flatnonzero(controlled)
    v, c, i = unravel(sales, controlled.shape)
    _, n_r, n_c, n_i = available.shape
    in_market = c * n_i + i
    home = home_denied.take(sales)
    enforcement = np.where(home, enforcement_by_exporter.take(world.vendor_exporter[v] * (n_c * n_i) + in_market),
                           state.et_enforcement)
    direct_open = available.take(v * (n_r * n_c * n_i) + in_market)
    direct_slip = np.zeros_like(controlled)
    direct_slip.put(sales, (draws.enforcement.at(sales) < (1.0 - world.compliance[v]) * (1.0 - enforcement))
                    & direct_open)

    def by_controller(if_home, if_et):
        return np.where(home, if_home.take(sales), if_et.take(sales))

    hub = by_controller(settled.home_hub, settled.et_hub)
    chance = by_controller(settled.home_chance, settled.et_chance)
    usable = by_controller(settled.home_usable, settled.et_usable)
    hub_route = np.full(controlled.shape, -1)
    hub_route.put(sales, np.where((draws.hub.at(sales) < chance) & usable, hub + 1, -1))
    return controlled, direct_slip, hub_route, sales


def diversions_by_numpy(state, base_price, controller):
    """The definition on ``[V, H, C]``: ``(hub, chance, usable)`` ``[V, C, I]``."""
    passing = state.hub_slip[controller]  # [V, H]
    usable = state.routes[:, 1:] & (passing > 0)[:, :, None]
    expected_cost = np.where(usable, base_price[:, 1:] / np.where(usable, passing[:, :, None], 1.0), np.inf)
    hub = np.where(state.offered, np.argmin(expected_cost, axis=1)[:, :, None], 0)  # [V, C, I]
    chance = np.take_along_axis(passing, hub.reshape(len(passing), -1), axis=1).reshape(hub.shape)
    return hub, chance, state.offered & np.isfinite(expected_cost.min(axis=1))[:, :, None]


def assert_definition(world, state, draws, base_price):
    settled = state_access(world, state, base_price)
    controllers = [("home", world.vendor_exporter)]
    if state.et_exporter >= 0:
        controllers.append(("et", np.full(world.n_vendors, state.et_exporter)))
    for name, controller in controllers:
        for part, expected in zip(("hub", "chance", "usable"), diversions_by_numpy(state, base_price, controller)):
            got = getattr(settled, f"{name}_{part}")
            assert got.dtype == expected.dtype, part
            np.testing.assert_array_equal(got, expected, err_msg=f"{name}_{part}")
    access = resolve_access(world, state, draws, base_price, settled)
    for name, expected in zip(("controlled", "direct_slip", "hub_route", "sales"),
                              access_by_numpy(world, state, draws, settled)):
        got = getattr(access, name)
        assert got.dtype == expected.dtype and got.shape == expected.shape, name
        np.testing.assert_array_equal(got, expected, err_msg=name)
    return access


def exporter(world, code: str) -> int:
    """The exporter index of country ``code``."""
    return list(world.exporters).index(world.country_index[code])


def fixed_draws(world, licence=0.5, enforcement=0.5, hub=0.5) -> Draws:
    """Every decision's number the same, per stream."""
    n_c, n_i = world.n_countries, len(ITEMS)
    return Draws(*(Stretch(n * n_c * n_i, values=np.full(n * n_c * n_i, value))
                   for n, value in ((len(world.exporters), licence), (world.n_vendors, enforcement),
                                    (world.n_vendors, hub))))


@pytest.fixture
def tiny(tiny_world):
    """The tiny world with vendors V1 and V3 half compliant, its state with no policy and its route prices."""
    compliance = np.ones(tiny_world.n_vendors)
    compliance[[tiny_world.vendor_index["V1"], tiny_world.vendor_index["V3"]]] = 0.5
    world = dataclasses.replace(tiny_world, compliance=compliance)
    schedule = PolicySchedule(world, PolicySet(), ModelParameters(**TINY_PARAMS), Calendar(), 4, 12)
    return world, schedule.state(4), route_prices(world).base


def test_a_no_undercut_group_spreads_a_denial_at_its_members_strength(tiny):
    world, free, base_price = tiny
    usa, chn = (exporter(world, code) for code in ("USA", "CHN"))
    xxa, camera = world.country_index["XXA"], ITEM_INDEX["camera"]
    requires = np.zeros_like(free.requires)
    requires[usa, xxa, camera] = True  # refused: approval 0
    enforcement = np.full(requires.shape, 0.5)
    state = dataclasses.replace(free, requires=requires, approval=np.where(requires, 0.0, 1.0),
                                enforcement=enforcement, undercut_groups=(np.array(sorted((usa, chn))),),
                                undercut_enforcement=(np.where(np.array(sorted((usa, chn))) == chn, 0.9, 0.7),))
    access = assert_definition(world, state, fixed_draws(world, enforcement=0.2), base_price)
    vendors = [world.vendor_index[name] for name in ("V1", "V2", "V3")]
    # every vendor's camera sale to XXA is controlled, offered or not (V2 sells no cameras)
    assert list(access.sales) == [np.ravel_multi_index((v, xxa, camera), access.controlled.shape) for v in vendors]
    # V1 at USA's own enforcement: 0.2 < (1 - 0.5) * (1 - 0.5) (not at its strength 0.7: 0.15);
    # V3 at CHN's strength: 0.2 > 0.5 * (1 - 0.9) (at USA's or its own enforcement it would slip)
    assert access.direct_slip.sum() == 1 and access.direct_slip[vendors[0], xxa, camera]
    # the hub has no re-export control: an offered sale passes it (V2 sells no cameras)
    assert [access.hub_route[v, xxa, camera] for v in vendors] == [1, -1, 1]


def test_the_extraterritorial_rules_control_a_captured_foreign_vendor(tiny):
    world, free, base_price = tiny
    usa = exporter(world, "USA")
    xxb, camera = world.country_index["XXB"], ITEM_INDEX["camera"]
    v1, v3 = world.vendor_index["V1"], world.vendor_index["V3"]
    requires = np.zeros_like(free.requires)
    requires[usa, xxb, camera] = True
    captured = np.zeros_like(free.et_capture)
    captured[v3, xxb] = True
    state = dataclasses.replace(free, requires=requires, approval=np.where(requires, 0.3, 1.0),
                                enforcement=np.where(requires, 0.8, 0.0), et_exporter=usa, et_capture=captured,
                                et_enforcement=0.9)
    # the licence is granted where the draw is below the approval
    granted = assert_definition(world, state, fixed_draws(world, licence=0.29), base_price)
    assert granted.sales.size == 0
    # refused: the US vendors V1 and V2 controlled by their home, V3 by the US rules: V1 slips at its
    # home's enforcement (0.07 < 0.5 * (1 - 0.8)), V3 not at the rules' (0.07 > 0.5 * (1 - 0.9)), though
    # at CHN's own (none) it would; V2 sells no cameras
    access = assert_definition(world, state, fixed_draws(world, licence=0.3, enforcement=0.07, hub=0.99),
                               base_price)
    assert access.controlled[:, xxb, camera].all() and access.controlled.sum() == 3
    assert access.direct_slip.sum() == 1 and access.direct_slip[v1, xxb, camera]
    assert access.hub_route[v1, xxb, camera] == 1 and access.hub_route[v3, xxb, camera] == 1


@pytest.mark.parametrize("policies", ["unilateral_us", "unilateral_us_extraterritorial", "wassenaar",
                                      "global_with_china", "echri_coalition"])
def test_random_states_and_draws_give_the_definition(policies):
    """States of each preset with random licences, approvals, enforcement, extraterritorial
    jurisdictions, hubs' chances, no-undercut groups, restraints, routes, prices (ties and closed
    routes among them) and draws; among them chances and draws of 0 and 1."""
    model = ControlRegimeModel(policies=policies, horizon=40, rng=2, collect_agents=False)
    world = model.world
    rng = np.random.default_rng(list(map(ord, policies)))
    n_e = len(world.exporters)
    checked = 0
    for step in (10, 30):
        state = model.schedule_.state(step)
        for _ in range(12):
            shape = state.requires.shape
            requires = state.requires | (rng.random(shape) < rng.choice([0.0, 0.05, 0.5]))
            groups = [np.sort(rng.choice(n_e, size, replace=False)) for size in rng.integers(2, n_e, rng.integers(0, 3))]
            routes = state.routes & (rng.random(state.routes.shape) < 0.8)
            offered = state.offered & (rng.random(state.restrained.shape) < 0.9)[:, :, None]
            base_price = np.where(routes, rng.choice([1.0, 1.5, rng.random() + 1.0], routes.shape), np.inf)
            varied = dataclasses.replace(
                state, routes=routes, offered=offered, available=routes[..., None] & offered[:, None])
            varied = dataclasses.replace(
                varied, requires=requires, approval=np.where(requires, rng.choice([0.0, 0.5, 1.0], shape), 1.0),
                enforcement=rng.choice([0.0, 0.3, 1.0], shape), et_exporter=int(rng.integers(-1, n_e)),
                et_capture=rng.random(state.et_capture.shape) < 0.5, et_enforcement=float(rng.random()),
                hub_slip=rng.choice([0.0, 1.0, rng.random()], state.hub_slip.shape),
                undercut_groups=tuple(groups), undercut_enforcement=tuple(rng.random(len(g)) for g in groups))
            draws = Draws(*(Stretch(size, values=np.where(rng.random(size) < 0.1, rng.choice([0.0, 1.0], size),
                                                          rng.random(size)))
                            for size in (requires.size, world.n_vendors * shape[1] * shape[2],
                                         world.n_vendors * shape[1] * shape[2])))
            checked += assert_definition(world, varied, draws, base_price).sales.size
    assert checked > 0


@pytest.mark.parametrize("policies", ["none", "unilateral_us_extraterritorial", "wassenaar"])
def test_a_runs_states_and_draws_give_the_definition(policies):
    model = ControlRegimeModel(policies=policies, horizon=12, rng=4, collect_agents=False).run(8)
    world = model.world
    for step in (8, 9, 10):
        draws = Draws.draw(world, len(ITEMS), model.streams["licence"], model.streams["enforcement"])
        access = assert_definition(world, model.schedule_.state(step), draws, model.base_price)
        assert (policies == "none") == (access.sales.size == 0)


def test_a_world_without_hubs_diverts_nothing():
    """Every transit hub removed: no best hub to find (the definition's argmin has nothing to pick
    from), nothing passes a hub, and the run goes on by the direct routes."""
    hubs = [build_world().iso3[h] for h in build_world().hubs]
    model = ControlRegimeModel(policies="unilateral_us", world=WorldOverrides(remove_hubs=hubs), horizon=12, rng=1,
                               collect_agents=False).run(8)
    world, state = model.world, model.schedule_.state(8)
    assert len(world.hubs) == 0 and state.requires.any()
    settled = state_access(world, state, model.base_price)
    assert not settled.home_usable.any() and not settled.home_chance.any()
    access = resolve_access(world, state, Draws.draw(world, len(ITEMS), model.streams["licence"],
                                                     model.streams["enforcement"]), model.base_price, settled)
    assert access.sales.size > 0 and (access.hub_route == -1).all()
    model.run()
    assert model.steps == 12
