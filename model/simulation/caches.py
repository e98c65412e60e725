"""What a process keeps between runs: worlds, settled schedules, run setups and opening allocations,
least recently used forgotten first (the :class:`model.simulation.setup.SetupSource` every model uses
unless given another).

They live here, below the scenario layer, not in the engine: scenario validation (layer 6), the
dashboard, notebooks and the benchmarks build models directly and share them too.

Keys are typed: a world by its :class:`model.world.WorldParameters` and overrides; a policy schedule
by its world's structure (:func:`model.world.structure_key`: the worlds of a sweep over behavioural
parameters share one), policy set, calendar and :class:`model.policy.ScheduleParameters`; a settled
schedule by its world and the rest of the schedule's key; a setup by those and
the whole parameter set; an opening allocation by its world, the parameter set, the calendar and what
the first step offers (so a sweep point's setup and its baseline's share one). Values derived from a
world (route prices, column names) live beside it (:mod:`model.world.derived`) and go with it.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable

from cachetools import LRUCache

from model.market import Procurement
from model.parameters import ModelParameters
from model.policy import PolicySchedule, ScheduleParameters
from model.simulation.setup import RunSetup, SettledSchedule, SetupRequest
from model.world import (
    World,
    WorldOverrides,
    WorldParameters,
    build_world,
    forget_derived,
    forget_shared_tables,
    structure_key,
)

WORLDS_KEPT = 8
"""How many worlds a process keeps for later runs, least recently used forgotten first, and with
each what was derived from it (:mod:`model.world.derived`): 0.2 MB for the world, 0.4 MB for its
route prices and 0.3 MB for each availability pattern's cheapest routes."""

SETUPS_KEPT = 12
"""How many :class:`RunSetup` a process keeps, least recently used forgotten first: twice the
scenarios of the headline comparison (6), whose runs alternate between their setups. A setup's
opening allocation is about 1 MB; its settled schedule, which setups differing only in parameters
the schedule does not read share, about 3 MB (its states and what they settle), and holds its
world."""


class ProcessCaches:
    """Worlds and setups shared by the runs of a process; safe to use from several threads (runs on
    a threaded executor)."""

    def __init__(self, worlds_kept: int = WORLDS_KEPT, setups_kept: int = SETUPS_KEPT) -> None:
        self.worlds: LRUCache[tuple[WorldParameters, str], World] = LRUCache(worlds_kept)
        self.policy_schedules: weakref.WeakValueDictionary[tuple, PolicySchedule] = weakref.WeakValueDictionary()
        self.schedules: weakref.WeakValueDictionary[tuple, SettledSchedule] = weakref.WeakValueDictionary()
        self.setups: LRUCache[tuple, RunSetup] = LRUCache(setups_kept)
        self.openings: LRUCache[Hashable, tuple[weakref.ref[World], Procurement]] = LRUCache(setups_kept)
        self._lock = threading.Lock()

    def world(self, params: ModelParameters, overrides: WorldOverrides | None = None) -> World:
        """The world for these parameters and overrides, built once and then reused (by every
        parameter set with the same :class:`model.world.WorldParameters`)."""
        relevant = WorldParameters.of(params)
        key = (relevant, (overrides or WorldOverrides()).model_dump_json())
        with self._lock:
            world = self.worlds.get(key)
            if world is None:
                world = self.worlds[key] = build_world(relevant, overrides)
            return world

    def setup(self, request: SetupRequest) -> RunSetup:
        """The :class:`RunSetup` of ``request``, built once and then reused; its settled schedule is
        shared by every setup of its world that agrees on the schedule's
        :class:`model.policy.ScheduleParameters`, and the policy schedule in it by every such setup
        of a world of the same structure (:func:`model.world.structure_key`)."""
        world = request.world
        common = (request.policies.model_dump_json(), request.calendar, request.warmup, request.horizon,
                  ScheduleParameters.of(request.params))
        key = (id(world), *common, request.params.model_dump_json())
        with self._lock:
            setup = self.setups.get(key)
            if setup is None or setup.settled.world is not world:
                settled = self.schedules.get((id(world), *common))
                if settled is None or settled.world is not world:
                    structure = (structure_key(world), *common)
                    schedule = self.policy_schedules.get(structure)
                    if schedule is None:  # held by the settled schedules: its world's identities stay valid
                        schedule = self.policy_schedules[structure] = request.schedule()
                    settled = self.schedules[(id(world), *common)] = request.settle(schedule)
                setup = self.setups[key] = RunSetup(settled)
            return setup

    def opening(self, key: Hashable, world: World, allocate: Callable[[], Procurement]) -> Procurement:
        """The opening allocation ``key`` names on ``world``, made once by ``allocate`` and then reused
        (by the setups of other policy sets whose first step offers the same). It does not keep the
        world alive: only the setups and the worlds kept do."""
        with self._lock:
            kept = self.openings.get(key)
            if kept is None or kept[0]() is not world:
                kept = self.openings[key] = (weakref.ref(world), allocate())
            return kept[1]

    def clear(self) -> None:
        """Forget every world, schedule, setup and opening allocation kept here."""
        with self._lock:
            self.worlds.clear()
            self.policy_schedules.clear()
            self.schedules.clear()
            self.setups.clear()
            self.openings.clear()


PROCESS_CACHES = ProcessCaches()
"""The caches of this process: the default :class:`model.simulation.setup.SetupSource` of every model."""


def world_for(params: ModelParameters, overrides: WorldOverrides | None = None) -> World:
    """:meth:`ProcessCaches.world` of this process's caches."""
    return PROCESS_CACHES.world(params, overrides)


def clear_process_caches() -> None:
    """Forget the worlds (and the tables they share), run setups and what was derived from worlds
    (route tables among them) this process has built (the next run builds its own, as in a fresh
    process)."""
    PROCESS_CACHES.clear()
    forget_derived()
    forget_shared_tables()

