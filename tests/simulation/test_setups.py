"""Run setups: parameter sets that differ only where the policy schedule does not read share its
settled schedule; what a run computes does not depend on what the process had set up before."""

from __future__ import annotations

import dataclasses
import gc
import weakref

import pandas as pd

from model import ControlRegimeModel, build_world
from model.dates import Calendar
from model.parameters import default_parameters
from model.policy import preset
from model.simulation import FRESH, PROCESS_CACHES, SetupRequest, clear_process_caches
from model.simulation.caches import SETUPS_KEPT


def setup_for(world, policies, params, calendar, warmup, horizon):
    return PROCESS_CACHES.setup(SetupRequest(world, policies, params, calendar, warmup, horizon))


def settled_schedule(world, params):
    return setup_for(world, preset("wassenaar", world), params, Calendar(), 4, 12).settled


def test_parameter_sets_share_a_settled_schedule_unless_a_schedule_parameter_differs():
    world, base = build_world(), default_parameters()
    first = setup_for(world, preset("wassenaar", world), base, Calendar(), 4, 12)
    behavioural = setup_for(world, preset("wassenaar", world), base.model_copy(update={"price_sensitivity": 5.0}),
                            Calendar(), 4, 12)
    assert behavioural is not first and behavioural.settled is first.settled
    assert settled_schedule(world, base.model_copy(update={"hub_cooperation_gain": 0.2})) is not first.settled
    assert settled_schedule(build_world(), base) is not first.settled  # another world object


def test_a_run_on_a_shared_schedule_equals_a_run_on_its_own():
    params = default_parameters().model_copy(update={"price_sensitivity": 3.0, "learning_rate": 0.2})

    def run():
        return ControlRegimeModel(policies="wassenaar", parameters=params, rng=3, horizon=12, collect_agents=False)

    clear_process_caches()
    alone = run().run().timeseries()
    clear_process_caches()
    other = ControlRegimeModel(policies="wassenaar", rng=3, horizon=12, collect_agents=False).run()  # settles states
    shared = run()
    assert shared._settled is other._settled
    pd.testing.assert_frame_equal(shared.run().timeseries(), alone)


def test_worlds_of_one_structure_share_the_policy_schedule_not_the_settled_access():
    """The settled access depends on the world's prices; the policy states only on its structure."""
    clear_process_caches()
    base = default_parameters()
    world = build_world(base)
    other = build_world(base.model_copy(update={"distance_cost": 2 * base.distance_cost, "tie_home": 0.0}))
    first, second = settled_schedule(world, base), settled_schedule(other, base)
    assert second is not first and second.world is other
    assert second.schedule is first.schedule  # made once, on the first world
    changed = dataclasses.replace(world, hub_leakiness=world.hub_leakiness * 0.5)  # a structure of its own
    assert settled_schedule(changed, base).schedule is not first.schedule


def test_a_run_on_a_schedule_made_on_another_world_equals_a_run_on_its_own():
    base = default_parameters()
    params = base.model_copy(update={"distance_cost": 1.5 * base.distance_cost, "tie_political": 0.0,
                                     "price_factor_by_home": {**base.price_factor_by_home, "CHN": 0.7}})

    def run():
        return ControlRegimeModel(policies="unilateral_us", parameters=params, rng=3, horizon=12,
                                  collect_agents=False)

    clear_process_caches()
    alone = run().run().timeseries()
    clear_process_caches()
    other = ControlRegimeModel(policies="unilateral_us", rng=3, horizon=12, collect_agents=False).run()
    shared = run()
    assert shared.world is not other.world and shared.schedule_ is other.schedule_
    pd.testing.assert_frame_equal(shared.run().timeseries(), alone, check_exact=True)


def test_a_settled_schedule_lives_as_long_as_a_kept_setup_uses_it():
    clear_process_caches()
    world, base = build_world(), default_parameters()
    first = weakref.ref(settled_schedule(world, base))
    for k in range(SETUPS_KEPT - 1):  # setups that share the first's schedule
        assert settled_schedule(world, base.model_copy(update={"learning_rate": 0.01 * (k + 1)})) is first()
    for k in range(SETUPS_KEPT):  # as many that do not
        settled_schedule(world, base.model_copy(update={"hub_cooperation_gain": 0.01 * (k + 1)}))
    gc.collect()
    assert first() is None
    assert len(PROCESS_CACHES.schedules) == SETUPS_KEPT


def test_a_model_built_alone_shares_nothing_and_runs_as_a_cached_one():
    clear_process_caches()
    alone = ControlRegimeModel(policies="wassenaar", rng=5, horizon=8, collect_agents=False, setups=FRESH)
    assert len(PROCESS_CACHES.worlds) == 0 and len(PROCESS_CACHES.setups) == 0
    cached = ControlRegimeModel(policies="wassenaar", rng=5, horizon=8, collect_agents=False)
    assert cached.world is not alone.world and len(PROCESS_CACHES.setups) == 1
    pd.testing.assert_frame_equal(alone.run().timeseries(), cached.run().timeseries())


def test_policy_sets_whose_first_step_offers_the_same_share_the_opening_allocation():
    """A sweep point and its baseline open alike (no control before the warm-up ends); a run on the
    shared opening equals a run that made its own."""
    clear_process_caches()
    params = default_parameters().model_copy(update={"price_sensitivity": 2.5})

    def model(policies, **kwargs):
        return ControlRegimeModel(policies=policies, parameters=params, rng=4, horizon=10, collect_agents=False,
                                  **kwargs)

    policy, baseline = model("unilateral_us"), model("none")
    assert policy._settled is not baseline._settled and policy.procurement is baseline.procurement
    other = ControlRegimeModel(policies="none", rng=4, horizon=10, collect_agents=False)  # other parameters
    assert other.procurement is not baseline.procurement
    pd.testing.assert_frame_equal(policy.run().timeseries(), model("unilateral_us", setups=FRESH).run().timeseries())
