"""A policy schedule depends on its ScheduleParameters alone, and answers one state object per step."""

from __future__ import annotations

import dataclasses
import sys
import threading

import numpy as np
import pytest

from model import DataAccessControl, build_world
from model.dates import Calendar
from model.parameters import default_parameters
from model.policy import PRESETS, PolicySchedule, PolicyState, ScheduleParameters, preset
from model.world.world import PARAMETER_FIELDS

ARRAYS = ("requires", "approval", "enforcement", "hub_slip", "available", "controlling")


@pytest.fixture(scope="module")
def world():
    return build_world()


@pytest.fixture(scope="module")
def policies(world):
    """An agreement that shares information, with hub members, and a takedown of hosted datasets:
    every parameter the schedule reads acts on its states."""
    wassenaar = preset("wassenaar", world)
    return wassenaar.model_copy(update={"data_access": [DataAccessControl(jurisdiction="USA", take_down_hosted=True)]})


def states(world, policies, params) -> list:
    schedule = PolicySchedule(world, policies, params, Calendar(), warmup=4, horizon=12)
    return [schedule.state(t) for t in (0, 11)]


def same(a, b) -> bool:
    return a.public_copy_availability == b.public_copy_availability and all(
        np.array_equal(getattr(a, name), getattr(b, name)) for name in ARRAYS)


def test_states_depend_on_no_parameter_outside_schedule_parameters(world, policies):
    """Setups whose parameters differ elsewhere share a schedule (model.simulation.ProcessCaches.setup)."""
    base = default_parameters()
    reference = states(world, policies, base)
    read = {f.name for f in dataclasses.fields(ScheduleParameters)}
    for name, value in base.model_dump().items():
        if name in read or isinstance(value, bool) or not isinstance(value, int | float):
            continue
        other = states(world, policies, base.model_copy(update={name: value * 0.5 + 0.25}))
        assert all(same(a, b) for a, b in zip(reference, other)), name


@pytest.mark.parametrize("name", [f.name for f in dataclasses.fields(ScheduleParameters)])
def test_every_schedule_parameter_acts_on_the_states_in_force(world, policies, name):
    base = default_parameters()
    before, after = states(world, policies, base)
    moved = states(world, policies, base.model_copy(update={name: getattr(base, name) * 0.5}))
    assert same(before, moved[0])  # nothing in force before the warm-up ends
    assert not same(after, moved[1])


def test_the_schedule_keeps_only_its_parameters(world, policies):
    schedule = PolicySchedule(world, policies, default_parameters(), Calendar(), warmup=4, horizon=12)
    assert schedule.params == ScheduleParameters.of(default_parameters())
    with pytest.raises(AttributeError):
        schedule.params.price_sensitivity  # noqa: B018  (a later reader must add it to the key)


class Unreadable:
    """Stands for a world field no policy schedule may read: any use of it fails."""

    def __getattr__(self, name):
        raise AssertionError(f"a policy schedule read a field that parameters change ({name})")

    def __getitem__(self, key):
        raise AssertionError("a policy schedule read a field that parameters change")

    def __array__(self, *args, **kwargs):
        raise AssertionError("a policy schedule read a field that parameters change")


def identical(a: PolicyState, b: PolicyState) -> bool:
    """Every field of two states equal (arrays to the bit, tuples of arrays member by member)."""
    def equal(x, y):
        if isinstance(x, tuple):
            return len(x) == len(y) and all(equal(u, v) for u, v in zip(x, y))
        if isinstance(x, np.ndarray):
            return x.dtype == y.dtype and x.shape == y.shape and x.tobytes() == y.tobytes()
        return x == y

    return all(equal(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(PolicyState))


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_states_read_only_the_world_s_structure(world, name):
    """Policy schedules are shared by the worlds of one structure (``model.world.structure_key``,
    ``model.simulation.ProcessCaches.setup``): no instrument may read what parameters change. On a
    world whose parameter fields fail when read (routes kept as finite or not), every state is the
    same to the bit."""
    poisoned = dataclasses.replace(world, **{field: Unreadable() for field in PARAMETER_FIELDS if field != "route_cost"},
                                   route_cost=np.where(np.isfinite(world.route_cost), 1.0, np.inf))
    policies = preset(name, world)
    kept, blind = (PolicySchedule(w, policies, default_parameters(), Calendar(), warmup=4, horizon=40)
                   for w in (world, poisoned))
    assert all(identical(kept.state(t), blind.state(t)) for t in range(0, 40, 3))


def ask_at_once(schedule, threads: int = 6) -> list[list[int]]:
    """The ids of the states of steps 0-11 as each of ``threads`` threads, started together, sees them."""
    barrier, answers = threading.Barrier(threads), []

    def ask():
        barrier.wait()
        answers.append([id(schedule.state(t)) for t in range(12)])

    workers = [threading.Thread(target=ask) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return answers


def test_threads_asking_at_once_get_one_state_per_step(world, policies):
    """Settled access is cached by the state's id, so a step must never be answered by two objects."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for _ in range(5):
            answers = ask_at_once(PolicySchedule(world, policies, default_parameters(), Calendar(), warmup=4,
                                                 horizon=12))
            assert len(answers) == 6 and all(a == answers[0] for a in answers)
    finally:
        sys.setswitchinterval(interval)


@pytest.mark.parametrize("name", ["unilateral_us", "global_with_china"])
def test_what_is_offered_and_by_which_routes_is_the_definition(world, name):
    """Offered: the vendor sells the item and is not restrained from the buyer; available: offered
    and the route exists. Shared, read-only, by the states with one pattern of restraints."""
    schedule = PolicySchedule(world, preset(name, world), default_parameters(), Calendar(), warmup=4, horizon=40)
    kept = {}
    for t in range(40):
        state = schedule.state(t)
        offered = world.sells[:, None, :] & ~state.restrained[:, :, None]
        np.testing.assert_array_equal(state.offered, offered)
        np.testing.assert_array_equal(state.available, state.routes[..., None] & offered[:, None])
        assert state.available.shape == (world.n_vendors, 1 + len(world.hubs), world.n_countries, world.sells.shape[1])
        assert not (state.offered.flags.writeable or state.available.flags.writeable)
        assert kept.setdefault(state.restrained.tobytes(), state.available) is state.available
    assert (~state.offered).any() and state.offered.any()
