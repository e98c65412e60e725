"""What runs can share: a run's world and its :class:`RunSetup`, and where a model gets them.

A model asks a :class:`SetupSource` for its world and setup: by default the process's caches
(:data:`model.simulation.caches.PROCESS_CACHES`, shared by every model of the process);
:data:`FRESH` builds them for one model alone, sharing nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Protocol

from model.dates import Calendar
from model.market import Procurement, StateAccess, route_prices, state_access
from model.parameters import ModelParameters
from model.policy import PolicySchedule, PolicySet, PolicyState
from model.world import World, WorldOverrides, build_world


@dataclass
class SettledSchedule:
    """A policy schedule (with its per-state arrays) and what each of its states settles on
    ``world`` before the draws (route tags, best diversions, which depend on the world's prices).
    Shared by every run of one world, policy set, calendar and :class:`model.policy.ScheduleParameters`,
    whatever its other parameters; the schedule may have been made on another world of the same
    structure (:func:`model.world.structure_key`)."""

    world: World
    schedule: PolicySchedule
    _settled: dict[int, StateAccess] = field(default_factory=dict)

    def state_access(self, state: PolicyState) -> StateAccess:
        """:func:`model.market.state_access` at ``state`` (one of this schedule's states, which it
        keeps, so its id is not reused)."""
        settled = self._settled.get(id(state))
        if settled is None:
            settled = self._settled.setdefault(
                id(state), state_access(self.world, state, route_prices(self.world).base))
        return settled


@dataclass
class RunSetup:
    """What every run of one world, policy set, parameter set and calendar shares: the settled
    schedule (shared further, see :class:`SettledSchedule`) and the opening allocation (it draws
    no random number; the first run using the setup fills it in)."""

    settled: SettledSchedule
    start: Procurement | None = None  # shared further: see SetupSource.opening


@dataclass(frozen=True, eq=False)
class SetupRequest:
    """The settings a :class:`RunSetup` depends on."""

    world: World
    policies: PolicySet
    params: ModelParameters
    calendar: Calendar
    warmup: int
    horizon: int

    def schedule(self) -> PolicySchedule:
        """A new policy schedule for these settings."""
        return PolicySchedule(self.world, self.policies, self.params, self.calendar, self.warmup, self.horizon)

    def settle(self, schedule: PolicySchedule | None = None) -> SettledSchedule:
        """A new settled schedule for these settings, of ``schedule`` (by default a new one: :meth:`schedule`)."""
        return SettledSchedule(self.world, self.schedule() if schedule is None else schedule)


class SetupSource(Protocol):
    """Where a model gets its world and setup."""

    def world(self, params: ModelParameters, overrides: WorldOverrides | None) -> World:
        """The world for ``params`` (only its :class:`model.world.WorldParameters` are read) and ``overrides``."""
        ...

    def setup(self, request: SetupRequest) -> RunSetup:
        """The setup for ``request``."""
        ...

    def opening(self, key: Hashable, world: World, allocate: Callable[[], Procurement]) -> Procurement:
        """The opening allocation on ``world`` that ``key`` names (``allocate`` makes it): setups of
        other policy sets whose first step offers the same (a sweep point's and its baseline's)
        share it."""
        ...


class FreshSetups:
    """Builds a world and a setup for each model, sharing nothing (a model built alone)."""

    def world(self, params: ModelParameters, overrides: WorldOverrides | None) -> World:
        return build_world(params, overrides)

    def setup(self, request: SetupRequest) -> RunSetup:
        return RunSetup(request.settle())

    def opening(self, key: Hashable, world: World, allocate: Callable[[], Procurement]) -> Procurement:
        return allocate()


FRESH = FreshSetups()
