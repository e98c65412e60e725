"""Policies as arrays: who controls what, for whom, at each step.

:class:`PolicySchedule` checks a :class:`PolicySet` against a world once (each instrument's
``check``), then answers ``state(step)`` with a :class:`PolicyState`: every instrument adds its
effect to the step's :class:`model.policy.instrument.PolicyArrays`. Both are pure (no randomness);
states are cached by the instruments' signatures, so a run computes only a handful of them.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, fields

import numpy as np

from model.dates import Calendar, Date
from model.errors import ModelInputError, check_name
from model.parameters import ModelParameters
from model.policy.config import Agreement, Destinations, Member, PolicySet
from model.policy.instrument import Instrument, PolicyArrays
from model.policy.window import Window
from model.world import VoluntaryRestraint, World


@dataclass(frozen=True)
class ScheduleParameters:
    """The behavioural parameters a :class:`PolicySchedule` reads, and so the only ones its states
    depend on: runs whose parameters differ elsewhere share a schedule."""

    hub_cooperation_gain: float
    information_sharing_gain: float
    data_persistence: float

    @classmethod
    def of(cls, params: ModelParameters) -> ScheduleParameters:
        """These parameters' values in ``params``."""
        return cls(**{f.name: getattr(params, f.name) for f in fields(cls)})


@dataclass(frozen=True, eq=False)
class PolicyState:
    """The controls in force at one step. Shapes: E exporters, C countries, I items, V vendors, H hubs."""

    requires: np.ndarray  # [E, C, I] bool: exporter e needs a licence to sell item i to c
    approval: np.ndarray  # [E, C, I] chance a licence is approved
    enforcement: np.ndarray  # [E, C, I] chance an unlicensed sale is stopped
    hub_slip: np.ndarray  # [E, H] chance a controlled shipment passes hub k (1 = no re-export control)
    et_capture: np.ndarray  # [V, C] bool: foreign vendor v is under the extraterritorial rules for c
    et_gap: np.ndarray  # [V, C] bool: v has US content below the applicable threshold
    et_exporter: int  # exporter index of the extraterritorial jurisdiction, -1 if none in force
    et_enforcement: float
    undercut_groups: tuple[np.ndarray, ...]  # exporter indices bound by no-undercut together
    undercut_enforcement: tuple[np.ndarray, ...]  # each group member's enforcement of others' denials
    restrained: np.ndarray  # [V, C] bool: the vendor refuses to sell to c
    routes: np.ndarray  # [V, R, C] bool: the route from the vendor's home to c exists
    offered: np.ndarray  # [V, C, I] bool: the vendor sells the item and no restraint stops its sale to c
    available: np.ndarray  # [V, R, C, I] bool: routes & offered (route exists, item sold, no restraint)
    public_copy_availability: float  # scales public copies' attraction (hosted-dataset takedowns)
    controlling: np.ndarray  # [E] bool: the exporter has a control in force
    supply_cut: np.ndarray  # [V, K, S] share of v's purchases of component k from supplier s denied


class PolicySchedule:
    """A policy set checked against a world, answering the arrays in force at any step. Of the
    parameters it keeps only their :class:`ScheduleParameters`, and of the world it reads only its
    structure (which routes exist, not their costs): it serves every world of the same
    :func:`model.world.structure_key`."""

    def __init__(
        self,
        world: World,
        policies: PolicySet,
        params: ModelParameters,
        calendar: Calendar,
        warmup: int,
        horizon: int,
    ) -> None:
        self.world = world
        self.policies = policies
        self.params = ScheduleParameters.of(params)
        self.calendar = calendar
        self.warmup = warmup
        self.horizon = horizon
        self.exporter_of = {int(country): exporter for exporter, country in enumerate(world.exporters)}
        self._restraints = tuple(world.restraints) + tuple(policies.restraints)
        self._instruments: list[Instrument] = [instrument for _, instrument in policies.instruments()]
        self._members = {id(agreement): self._expand(agreement) for agreement in policies.agreements}
        self._check()
        self.cuts_supplies = any(instrument.cuts_supplies for instrument in self._instruments)
        """Whether an instrument of the set denies vendors' supplies (runs then track their sourcing)."""
        self._routes = np.isfinite(world.route_cost[world.vendor_exporter])  # [V, R, C]
        self._routes.setflags(write=False)
        self._offers: dict[bytes, tuple[np.ndarray, np.ndarray]] = {}
        self._cache: dict[tuple, PolicyState] = {}
        self._by_step: dict[int, PolicyState] = {}

    # --- what instruments ask --------------------------------------------------------------------
    def exporter(self, code: str) -> int | None:
        """The exporter index of country ``code`` (None: no vendors are based there)."""
        return self.exporter_of.get(self.world.country_index[code])

    def jurisdictions(self, name: str) -> list[str]:
        """The countries a jurisdiction ``name`` stands for: itself, or every member of a membership group."""
        members = self.world.memberships.get(name)
        return [name] if members is None else sorted(members)

    def members(self, agreement: Agreement) -> list[Member]:
        """The agreement's members: those listed, then every country of its member groups."""
        return self._members[id(agreement)]

    def destinations(self, dest: Destinations) -> np.ndarray:
        """Indices of the countries ``dest`` lists."""
        world = self.world
        listed = np.zeros(world.n_countries, dtype=bool)
        if dest.repression_at_least is not None:
            listed |= world.repression >= dest.repression_at_least
        listed[[world.country_index[c] for c in dest.countries]] = True
        if dest.outside is not None:
            group = self._group(dest.outside)
            listed |= ~np.isin(np.array(world.iso3), list(group))
        listed[[world.country_index[c] for c in dest.exclude]] = False
        return np.flatnonzero(listed)

    def start(self, window: Window) -> int:
        """The step ``window`` starts at (its lag not counted)."""
        return self.warmup if window.start is None else self.calendar.step_of(window.start)

    def in_force(self, window: Window, step: int) -> bool:
        """Whether ``window`` has taken effect (``lag`` steps after its start) and not ended at ``step``."""
        end = None if window.end is None else self.calendar.step_of(window.end)
        return self.start(window) + window.lag <= step and (end is None or step < end)

    # --- checking ----------------------------------------------------------------------------
    def _check(self) -> None:
        world = self.world
        for key, instrument in self.policies.instruments():
            instrument.check(self, f"policies.{key}")
        for index, rule in enumerate(self._restraints):
            own = index >= len(world.restraints)
            key = f"policies.restraints[{index - len(world.restraints)}]" if own else f"world.restraints[{index}]"
            world.vendor(rule.vendor, f"{key}.vendor")
            if own:
                self.check_time(rule.start, f"{key}.start")

    def check_jurisdiction(self, name: str, key: str) -> None:
        """Refuse a jurisdiction that is neither a country of the world nor one of its membership groups."""
        if name not in self.world.memberships:
            check_name(name, [*self.world.iso3, *self.world.memberships], key, "country code or group")

    def check_destinations(self, dest: Destinations, key: str) -> None:
        for code in dest.countries:
            self.world.country(code, f"{key}.countries")
        for code in dest.exclude:
            self.world.country(code, f"{key}.exclude")
        if dest.outside is not None:
            check_name(dest.outside, self._group_names(), f"{key}.outside", "group")

    def check_window(self, window: Window, key: str) -> None:
        if window.start is not None:
            self.check_time(window.start, f"{key}.start")
        if window.end is not None:
            self.check_time(window.end, f"{key}.end", allow_late=True)
            if self.calendar.step_of(window.end) <= self.start(window):
                raise ModelInputError(f"{key}.end", "ends before it starts", got=str(window.end))

    def check_time(self, when: Date, key: str, allow_late: bool = False) -> None:
        step = self.calendar.step_of(when)
        if step < self.warmup:
            raise ModelInputError(
                key, "falls in the warm-up, which must be identical across scenarios",
                expected=f"step >= {self.warmup} (on or after {self.calendar.date_of(self.warmup)})",
                got=str(when),
            )
        if step >= self.horizon and not allow_late:
            raise ModelInputError(
                key, "is after the horizon",
                expected=f"step < {self.horizon} (before {self.calendar.date_of(self.horizon)})",
                got=str(when),
            )

    def _expand(self, agreement: Agreement) -> list[Member]:
        members = list(agreement.members)
        listed = {m.country for m in members}
        for group in agreement.member_groups:
            if group != "all" and group not in self.world.memberships:
                continue  # refused by the agreement's check
            codes = self.world.iso3 if group == "all" else sorted(self.world.memberships[group])
            members += [Member(country=c) for c in codes if c not in listed]
            listed.update(codes)
        return members

    def _group_names(self) -> list[str]:
        return list(self.world.memberships) + [a.name for a in self.policies.agreements]

    def _group(self, name: str) -> frozenset[str]:
        if name in self.world.memberships:
            return self.world.memberships[name]
        agreement = next(a for a in self.policies.agreements if a.name == name)
        return frozenset(m.country for m in self.members(agreement))

    def _restraint_in_force(self, rule: VoluntaryRestraint, step: int) -> bool:
        end = None if rule.end is None else self.calendar.step_of(rule.end)
        return self.calendar.step_of(rule.start) <= step and (end is None or step < end)

    # --- arrays ------------------------------------------------------------------------------
    def state(self, step: int) -> PolicyState:
        """The arrays in force at ``step`` (0-based); worked out once per step. Every call for a step
        returns the same object, also when threads ask at once (the one stored first)."""
        state = self._by_step.get(step)
        if state is None:
            state = self._by_step.setdefault(step, self._state(step))
        return state

    def _state(self, step: int) -> PolicyState:
        signature = (
            tuple(instrument.signature(self, step) for instrument in self._instruments),
            tuple(self._restraint_in_force(rule, step) for rule in self._restraints),
        )
        state = self._cache.get(signature)
        if state is None:
            state = self._cache.setdefault(signature, self._build(*signature))
        return state

    def _build(self, in_force: tuple[Hashable, ...], restraint_on: tuple[bool, ...]) -> PolicyState:
        world, gains = self.world, self.params
        arrays = PolicyArrays.empty(world)
        for instrument, on in zip(self._instruments, in_force):
            if on:
                instrument.contribute(self, arrays, on)
        arrays.requires[np.arange(len(world.exporters)), world.exporters, :] = False  # selling at home is not an export
        supply_cut = arrays.supply_cut * (  # a supplier makes one component
            world.inputs.supplier_component[None, None, :] == np.arange(arrays.supply_cut.shape[1])[None, :, None])
        supply_cut.setflags(write=False)
        requires = arrays.requires
        hub_slip = np.where(arrays.reexport[:, None],
                            np.clip(world.hub_leakiness[None, :] * arrays.slip_factor, 0, 1), 1.0)
        controlling = requires.any(axis=(1, 2))
        restrained = self._restrained(restraint_on) | arrays.banned
        offered, available = self._offered(restrained)
        if arrays.et_exporter >= 0:
            controlling[arrays.et_exporter] = True
        return PolicyState(
            requires=requires,
            approval=np.where(requires, arrays.approval, 1.0),
            enforcement=arrays.enforcement,
            hub_slip=hub_slip,
            et_capture=arrays.et_capture,
            et_gap=arrays.et_gap,
            et_exporter=arrays.et_exporter,
            et_enforcement=arrays.et_enforcement,
            undercut_groups=tuple(arrays.undercut_groups),
            undercut_enforcement=tuple(arrays.undercut_enforcement),
            restrained=restrained,
            routes=self._routes,
            offered=offered,
            available=available,
            public_copy_availability=gains.data_persistence if arrays.takedown else 1.0,
            controlling=controlling,
            supply_cut=supply_cut,
        )

    def _offered(self, restrained: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """What the vendors offer, ``[V, C, I]`` (the item sold, no restraint), and by which routes,
        ``[V, R, C, I]``, where vendors are ``restrained`` ``[V, C]``: worked out once per pattern of
        restraints, shared (read-only) by the states with that pattern. Laid out with long inner
        loops (items repeated along ``[C * I]``), as broadcasting over the short item axis is slow."""
        key = restrained.tobytes()
        kept = self._offers.get(key)
        if kept is None:
            n_v, n_c = restrained.shape
            n_r, n_i = self._routes.shape[1], self.world.sells.shape[1]
            offered = (np.tile(self.world.sells, (1, n_c)) & np.repeat(~restrained, n_i, axis=1)).reshape(n_v, n_c, n_i)
            available = np.repeat(self._routes, n_i, axis=2) & offered.reshape(n_v, 1, n_c * n_i)
            for array in (offered, available):
                array.setflags(write=False)
            kept = self._offers.setdefault(key, (offered, available.reshape(n_v, n_r, n_c, n_i)))
        return kept

    def _restrained(self, restraint_on: tuple[bool, ...]) -> np.ndarray:
        world = self.world
        out = np.zeros((world.n_vendors, world.n_countries), dtype=bool)
        for rule, on in zip(self._restraints, restraint_on):
            if not on:
                continue
            vendor = world.vendor_index[rule.vendor]
            if rule.kind == "repressive":
                out[vendor] |= world.repression >= rule.threshold
            else:
                out[vendor] = True
        return out
