"""The world: arrays from the tables, hand-checked route costs on the tiny world, and overrides."""

from __future__ import annotations

import numpy as np
import pytest

from model import ModelParameters, WorldOverrides, build_world
from model.errors import ModelInputError
from model.vocabulary import LAYERS
from model.world import CountryOverride, VendorOverride, VoluntaryRestraint, forget_shared_tables
from model.world.network import great_circle_km


def test_the_shipped_world_has_its_tables_and_consistent_arrays():
    world = build_world()
    assert world.n_countries == 179 and world.n_vendors == 28
    assert world.sells.shape == world.quality.shape == (28, 4)
    assert world.route_cost.shape == (len(world.exporters), world.n_routes, world.n_countries)
    assert (world.price > 0).all() and (world.scale > 0).all()
    assert ((world.hub_leakiness >= 0) & (world.hub_leakiness <= 1)).all()
    assert set(world.vendor_exporter) == set(range(len(world.exporters)))


def test_route_costs_by_hand(tiny_world, tiny_params):
    w = tiny_world
    usa, are, xxa = w.country("USA"), w.country("ARE"), w.country("XXA")
    e = int(np.flatnonzero(w.exporters == usa)[0])
    direct = 1.0 + tiny_params.border_cost  # no distance cost, no discounts in the tiny world
    assert w.route_cost[e, 0, xxa] == pytest.approx(direct)
    assert w.route_cost[e, 0, usa] == 1.0  # home delivery
    assert w.route_cost[e, 1, xxa] == pytest.approx(direct * direct * (1 + tiny_params.hub_markup))
    assert w.route_cost[e, 1, are] == np.inf  # a hub cannot be the buyer of its own route


def test_great_circle_distances():
    km = great_circle_km(np.array([0.0, 0.0]), np.array([0.0, 90.0]))
    assert km[0, 1] == pytest.approx(6371.0 * np.pi / 2, rel=1e-6) and km[0, 0] == 0.0


def test_overrides_change_the_world():
    overrides = WorldOverrides(
        countries={"CHN": CountryOverride(repression=0.2)},
        vendors={"Hikvision": VendorOverride(price_index=2.0)},
        hubs={"SGP": 0.5}, hub_leakiness_scale=0.5,
        restraints=[VoluntaryRestraint(vendor="IBM", kind="exit", start="2020-06-01")],
    )
    base, changed = build_world(), build_world(ModelParameters(), overrides)
    chn = base.country("CHN")
    assert changed.repression[chn] == 0.2 != base.repression[chn]
    sgp = list(changed.hubs).index(changed.country("SGP"))
    assert changed.hub_leakiness[sgp] == pytest.approx(0.25)
    assert [r.vendor for r in changed.restraints] == ["IBM"]


def test_unknown_names_are_one_error_with_a_suggestion(tiny_world):
    with pytest.raises(ModelInputError, match="did you mean 'USA'"):
        tiny_world.country("UAS")
    with pytest.raises(ModelInputError, match="vendor"):
        tiny_world.vendor("V9")


def test_algorithm_presence_factor_acts_on_the_1n_layer_only():
    params = ModelParameters(
        scale_factor_by_vendor={"Hikvision": 2.0}, algorithm_scale_factor_by_vendor={"Hikvision": 0.25}
    )
    world, plain = build_world(params), build_world()
    v = world.vendor_index["Hikvision"]
    camera, algorithm, data = (LAYERS.index(layer) for layer in ("camera", "algorithm_1n", "training_data"))
    assert world.scale[camera, v] == world.scale[data, v] == 2.0 * plain.scale[camera, v]
    assert world.scale[algorithm, v] == pytest.approx(0.5 * plain.scale[algorithm, v])
    others = np.arange(world.n_vendors) != v
    assert (world.scale[:, others] == plain.scale[:, others]).all()
    with pytest.raises(ModelInputError, match="algorithm_scale_factor_by_vendor"):
        build_world(ModelParameters(algorithm_scale_factor_by_vendor={"Hikvison": 0.5}))


def test_the_world_reads_no_parameter_outside_world_parameters():
    """Worlds are shared by every parameter set with the same WorldParameters (model.simulation.world_for):
    build_world reads its parameters through that type alone, and no other parameter changes a world."""
    from model.parameters import default_parameters
    from model.world import WORLD_PARAMETERS, WorldParameters

    base = default_parameters()
    assert build_world(WorldParameters.of(base)).route_cost.tobytes() == build_world(base).route_cost.tobytes()
    world = build_world(base)
    for name, value in base.model_dump().items():
        if name in WORLD_PARAMETERS or isinstance(value, bool) or not isinstance(value, int | float):
            continue
        other = build_world(base.model_copy(update={name: value * 0.5 + 0.25}))
        for array in ("route_cost", "trade_cost", "affinity", "price", "scale", "quality", "compliance"):
            assert np.array_equal(getattr(world, array), getattr(other, array)), (name, array)
    moved = build_world(base.model_copy(update={"distance_cost": base.distance_cost * 2}))
    assert not np.array_equal(world.route_cost, moved.route_cost)


def test_worlds_of_the_shipped_tables_share_what_the_tables_settle():
    """build_world keeps what the shipped tables and overrides settle (tables, geometry, tie terms)
    per set of overrides; a world built that way equals one built from copies of the tables
    (worked out afresh), array for array, for other parameters and with overrides."""
    from dataclasses import fields

    from model import data
    from model.parameters import default_parameters

    params = default_parameters().model_copy(update={
        "distance_cost": 1.7, "tie_finance": 2.0, "hub_markup": 0.4, "scale_factor_by_vendor": {"Huawei": 3.0}})
    overrides = WorldOverrides(hubs={"ARE": 0.9}, countries={"IRN": CountryOverride(repression=0.9)})
    for params_, overrides_ in ((params, None), (params, overrides), (default_parameters(), overrides)):
        shared = build_world(params_, overrides_)
        fresh = build_world(params_, overrides_, countries=data.countries(), vendors=data.vendors(),
                            hubs=data.hubs(), ties=data.ties())
        for field in fields(shared):
            a, b = getattr(shared, field.name), getattr(fresh, field.name)
            if isinstance(a, np.ndarray):
                assert a.dtype == b.dtype and np.array_equal(a, b), field.name
            elif hasattr(a, "equals"):
                assert a.equals(b), field.name
            elif field.name == "inputs":
                for part in fields(a):
                    x, y = getattr(a, part.name), getattr(b, part.name)
                    assert np.array_equal(x, y) if isinstance(x, np.ndarray) else x == y, part.name
            else:
                assert a == b, field.name
    assert build_world(params).countries is build_world().countries  # one copy of the tables
    assert build_world(params, overrides).countries is not build_world().countries
    shared = build_world().countries
    forget_shared_tables()  # as in a fresh process (model.simulation.clear_process_caches)
    assert build_world().countries is not shared


def test_the_network_is_the_route_tables_graph(tiny_world):
    graph = tiny_world.network
    sources = [tiny_world.iso3[s] for s in tiny_world.sources]
    assert graph.number_of_nodes() == tiny_world.n_countries
    assert graph.number_of_edges() == len(sources) * (tiny_world.n_countries - 1)
    for s, row in zip(sources, tiny_world.trade_cost):
        for c, cost in enumerate(row):
            if tiny_world.iso3[c] != s:
                assert graph.edges[s, tiny_world.iso3[c]]["cost"] == cost


def test_parameter_sets_share_a_world_unless_a_world_parameter_differs():
    from model.parameters import default_parameters
    from model.simulation import world_for

    base = default_parameters()
    assert world_for(base.model_copy(update={"learning_rate": 0.5})) is world_for(base)
    assert world_for(base.model_copy(update={"distance_cost": base.distance_cost + 0.1})) is not world_for(base)
