"""Policies as arrays: who controls what, for whom, at each step.

:class:`PolicySchedule` checks a :class:`PolicySet` against a world once, then answers
``state(step)`` with a :class:`PolicyState`. Both are pure (no randomness); states are cached by
the set of instruments in force, so a run computes only a handful of them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from model.dates import Calendar, Date
from model.errors import ModelInputError, check_name
from model.parameters import ModelParameters
from model.policy.config import Agreement, Destinations, Member, PolicySet, Window
from model.policy.inputs import InputSchedule
from model.vocabulary import ITEM_INDEX, ITEMS
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


class PolicySchedule:
    """A policy set checked against a world, answering the arrays in force at any step. Of the
    parameters it keeps only their :class:`ScheduleParameters`."""

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
        self._exporter_of = {int(c): e for e, c in enumerate(world.exporters)}
        self._restraints = tuple(world.restraints) + tuple(policies.restraints)
        self._check()
        self.inputs = InputSchedule(world, policies.input_instruments(), calendar, warmup, self._check_time)
        self._members = [self._expand(a) for a in policies.agreements]
        self._routes = np.isfinite(world.route_cost[world.vendor_exporter])  # [V, R, C]
        self._cache: dict[tuple, PolicyState] = {}
        self._by_step: dict[int, PolicyState] = {}

    # --- checking ----------------------------------------------------------------------------
    def _check(self) -> None:
        p, w = self.policies, self.world
        for n, control in enumerate(p.national):
            key = f"policies.national[{n}]"
            w.country(control.jurisdiction, f"{key}.jurisdiction")
            self._check_destinations(control.destinations, f"{key}.destinations")
            self._check_window(control, key)
        if p.extraterritorial is not None:
            key = "policies.extraterritorial"
            w.country(p.extraterritorial.jurisdiction, f"{key}.jurisdiction")
            for code in p.extraterritorial.e1_countries:
                w.country(code, f"{key}.e1_countries")
            self._check_window(p.extraterritorial, key)
        for n, agreement in enumerate(p.agreements):
            key = f"policies.agreements[{n}]"
            for group in agreement.member_groups:
                check_name(group, ["all", *self.world.memberships], f"{key}.member_groups", "group")
            codes = [m.country for m in self._expand(agreement)]
            for m, member in enumerate(agreement.members):
                w.country(member.country, f"{key}.members[{m}].country")
                if member.join is not None:
                    self._check_time(member.join, f"{key}.members[{m}].join")
            if agreement.leader is not None:
                check_name(agreement.leader, codes, f"{key}.leader", "member")
            self._check_destinations(agreement.destinations, f"{key}.destinations")
            self._check_window(agreement, key)
        for n, control in enumerate(p.data_access):
            key = f"policies.data_access[{n}]"
            w.country(control.jurisdiction, f"{key}.jurisdiction")
            self._check_destinations(control.destinations, f"{key}.destinations")
            self._check_window(control, key)
        for n, rule in enumerate(self._restraints):
            own = n >= len(w.restraints)
            key = f"policies.restraints[{n - len(w.restraints)}]" if own else f"world.restraints[{n}]"
            w.vendor(rule.vendor, f"{key}.vendor")
            if own:
                self._check_time(rule.start, f"{key}.start")

    def _check_destinations(self, dest: Destinations, key: str) -> None:
        for code in dest.countries:
            self.world.country(code, f"{key}.countries")
        for code in dest.exclude:
            self.world.country(code, f"{key}.exclude")
        if dest.outside is not None:
            check_name(dest.outside, self._group_names(), f"{key}.outside", "group")

    def _check_window(self, window: Window, key: str) -> None:
        if window.start is not None:
            self._check_time(window.start, f"{key}.start")
        if window.end is not None:
            self._check_time(window.end, f"{key}.end", allow_late=True)
            if self.calendar.step_of(window.end) <= self._start(window):
                raise ModelInputError(f"{key}.end", "ends before it starts", got=str(window.end))

    def _check_time(self, when: Date, key: str, allow_late: bool = False) -> None:
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
        """The agreement's members: those listed, then every country of its member groups."""
        members = list(agreement.members)
        listed = {m.country for m in members}
        for group in agreement.member_groups:
            codes = self.world.iso3 if group == "all" else sorted(self.world.memberships[group])
            members += [Member(country=c) for c in codes if c not in listed]
            listed.update(codes)
        return members

    def _group_names(self) -> list[str]:
        return list(self.world.memberships) + [a.name for a in self.policies.agreements]

    # --- timing ------------------------------------------------------------------------------
    def _start(self, window: Window) -> int:
        return self.warmup if window.start is None else self.calendar.step_of(window.start)

    def _in_force(self, window: Window, step: int) -> bool:
        end = None if window.end is None else self.calendar.step_of(window.end)
        return self._start(window) <= step and (end is None or step < end)

    def _members_in_force(self, n: int, step: int) -> tuple[str, ...]:
        agreement = self.policies.agreements[n]
        if not self._in_force(agreement, step):
            return ()
        opening = self._start(agreement)
        return tuple(
            m.country
            for m in self._members[n]
            if max(opening, self.calendar.step_of(m.join) if m.join is not None else opening)
            + agreement.harmonisation_lag
            <= step
        )

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
        p = self.policies
        signature = (
            tuple(self._in_force(c, step) for c in p.national),
            p.extraterritorial is not None and self._in_force(p.extraterritorial, step),
            tuple(self._members_in_force(n, step) for n in range(len(p.agreements))),
            tuple(self._in_force(c, step) for c in p.data_access),
            tuple(self._restraint_in_force(r, step) for r in self._restraints),
            self.inputs.signature(step),
        )
        state = self._cache.get(signature)
        if state is None:
            state = self._cache.setdefault(signature, self._build(*signature))
        return state

    def _build(self, national, et_on, members, data_on, restraint_on, inputs_on) -> PolicyState:
        w, p, prm = self.world, self.policies, self.params
        n_e, n_c, n_i, n_h = len(w.exporters), w.n_countries, len(ITEMS), len(w.hubs)
        requires = np.zeros((n_e, n_c, n_i), dtype=bool)
        approval = np.ones((n_e, n_c, n_i))
        enforcement = np.zeros((n_e, n_c, n_i))
        reexport = np.zeros(n_e, dtype=bool)
        slip_factor = np.ones((n_e, n_h))
        groups, group_enforcement = [], []

        def impose(code, items, dest, approve, enforce, follows_hubs, step_members=()):
            e = self._exporter_of.get(w.country_index[code])
            if e is None:  # a jurisdiction with no vendors controls nothing that moves
                return
            cells = np.ix_([e], self._destinations(dest), [ITEM_INDEX[i] for i in items])
            requires[cells] = True
            approval[cells] = np.minimum(approval[cells], approve)
            enforcement[cells] = np.maximum(enforcement[cells], enforce)
            reexport[e] |= follows_hubs

        for control, on in zip(p.national, national):
            if on:
                impose(control.jurisdiction, control.items, control.destinations,
                       control.approval_probability, control.enforcement, control.reexport_control)
        for agreement, listed, in_force in zip(p.agreements, self._members, members):
            if not in_force:
                continue
            items = self._common_list(agreement, listed, in_force)
            by_code = {m.country: m for m in listed}
            for code in in_force:
                member = by_code[code]
                enforce = agreement.enforcement if member.enforcement is None else member.enforcement
                impose(code, items, agreement.destinations, agreement.approval_probability,
                       enforce, agreement.reexport_control)
            exporters = [self._exporter_of[w.country_index[c]] for c in in_force
                         if w.country_index[c] in self._exporter_of]
            hub_members = np.isin(w.hubs, [w.country_index[c] for c in in_force])
            for e in exporters:
                slip_factor[e, hub_members] *= 1.0 - prm.hub_cooperation_gain
                if agreement.information_sharing:
                    slip_factor[e] *= 1.0 - prm.information_sharing_gain
            if agreement.no_undercut and len(exporters) > 1:
                strength = {self._exporter_of[w.country_index[c]]: (
                    agreement.enforcement if by_code[c].enforcement is None else by_code[c].enforcement)
                    for c in in_force if w.country_index[c] in self._exporter_of}
                group = np.array(sorted(strength))
                groups.append(group)
                group_enforcement.append(np.array([strength[e] for e in group]))
        takedown = False
        for control, on in zip(p.data_access, data_on):
            if on:
                if control.restrict_sales:
                    impose(control.jurisdiction, ["training_data"], control.destinations,
                           0.0, control.enforcement, True)
                takedown |= control.take_down_hosted
        requires[np.arange(n_e), w.exporters, :] = False  # selling at home is not an export

        et = p.extraterritorial
        et_capture = np.zeros((w.n_vendors, n_c), dtype=bool)
        et_gap = np.zeros((w.n_vendors, n_c), dtype=bool)
        et_exporter = -1
        if et_on:
            us = w.country_index[et.jurisdiction]
            et_exporter = self._exporter_of.get(us, -1)
            foreign = w.vendor_home != us
            e1 = np.isin(np.arange(n_c), [w.country_index[c] for c in et.e1_countries])
            threshold = np.where(e1, et.de_minimis_e1, et.de_minimis)  # [C]
            content = w.us_content[:, None]
            captured = content > threshold[None, :]
            if et.foreign_direct_product:
                captured |= (content >= et.fdp_min_us_content)
            et_capture = foreign[:, None] & captured
            et_gap = foreign[:, None] & ~captured & (content > 0)
            home = (np.arange(w.n_vendors), w.vendor_home)  # selling at home is not an export
            et_capture[home] = False
            et_gap[home] = False

        hub_slip = np.where(reexport[:, None], np.clip(w.hub_leakiness[None, :] * slip_factor, 0, 1), 1.0)
        controlling = requires.any(axis=(1, 2))
        if et_exporter >= 0:
            controlling[et_exporter] = True
        return PolicyState(
            requires=requires,
            approval=np.where(requires, approval, 1.0),
            enforcement=enforcement,
            hub_slip=hub_slip,
            et_capture=et_capture,
            et_gap=et_gap,
            et_exporter=et_exporter,
            et_enforcement=et.enforcement_abroad if et_on else 0.0,
            undercut_groups=tuple(groups),
            undercut_enforcement=tuple(group_enforcement),
            restrained=(restrained := self._restrained(restraint_on) | self._banned(inputs_on)),
            routes=self._routes,
            offered=(offered := w.sells[:, None, :] & ~restrained[:, :, None]),
            available=self._routes[..., None] & offered[:, None],
            public_copy_availability=prm.data_persistence if takedown else 1.0,
            controlling=controlling,
        )

    def _destinations(self, dest: Destinations) -> np.ndarray:
        w = self.world
        listed = np.zeros(w.n_countries, dtype=bool)
        if dest.repression_at_least is not None:
            listed |= w.repression >= dest.repression_at_least
        listed[[w.country_index[c] for c in dest.countries]] = True
        if dest.outside is not None:
            group = self._group(dest.outside)
            listed |= ~np.isin(np.array(w.iso3), list(group))
        listed[[w.country_index[c] for c in dest.exclude]] = False
        return np.flatnonzero(listed)

    def _group(self, name: str) -> frozenset[str]:
        if name in self.world.memberships:
            return self.world.memberships[name]
        n = next(n for n, a in enumerate(self.policies.agreements) if a.name == name)
        return frozenset(m.country for m in self._members[n])

    @staticmethod
    def _common_list(agreement: Agreement, listed: list[Member], in_force: tuple[str, ...]) -> list[str]:
        accepted = {m.country: set(agreement.items if m.accepts is None else m.accepts) for m in listed}
        if agreement.list_rule == "leader":
            return sorted(accepted[agreement.leader] & set(agreement.items))
        common = set(agreement.items)
        for code in in_force:
            common &= accepted[code]
        return sorted(common)

    def _banned(self, inputs_on: tuple[bool, ...]) -> np.ndarray:
        """``[V, C]``: procurement bans in force (a banning country's buyers do not buy the vendor's items)."""
        return self.inputs.state_of(inputs_on).banned

    def _restrained(self, restraint_on: tuple[bool, ...]) -> np.ndarray:
        w = self.world
        out = np.zeros((w.n_vendors, w.n_countries), dtype=bool)
        for rule, on in zip(self._restraints, restraint_on):
            if not on:
                continue
            v = w.vendor_index[rule.vendor]
            if rule.kind == "repressive":
                out[v] |= w.repression >= rule.threshold
            else:
                out[v] = True
        return out
