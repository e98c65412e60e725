"""Typed policy configuration: what is controlled, by whom, for whom and since when.

Each instrument is an :class:`model.policy.instrument.Instrument`: data checked like every
configuration, plus what it contributes to a step's policy arrays (:mod:`model.policy.schedule`
applies them). Times are step indices or calendar dates; ``None`` for ``start`` means "when the
warm-up ends".
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from typing import TYPE_CHECKING, ClassVar, Literal, Self

import numpy as np
from pydantic import Field, field_validator, model_validator

from model.config.base import Config
from model.dates import Date
from model.errors import check_name
from model.policy.inputs import ComponentControl, EntityList, ProcurementBan
from model.policy.instrument import Instrument, PolicyArrays
from model.policy.window import Window
from model.vocabulary import CONTROLLABLE_LAYERS, Item
from model.world.restraint import VoluntaryRestraint

if TYPE_CHECKING:
    from model.policy.schedule import PolicySchedule

__all__ = ["Agreement", "DataAccessControl", "Destinations", "Extraterritorial", "Instrument", "Member",
           "NationalControl", "PolicySet", "Window"]


class Destinations(Config):
    """Which buyers need a licence. A country is listed if any criterion holds and it is not excluded."""

    repression_at_least: float | None = Field(
        0.5, ge=0.0, le=1.0, description="Every country with repression at or above this (None: off)."
    )
    countries: list[str] = Field(default_factory=list, description="ISO3 codes always listed.")
    outside: str | None = Field(
        None,
        description="Everyone outside this group: an agreement's name in the same policy set, or a "
        "membership in the data ('wassenaar', 'eu', 'echri_code').",
    )
    exclude: list[str] = Field(default_factory=list, description="ISO3 codes never listed.")


class NationalControl(Instrument):
    """One jurisdiction's export control (e.g. a BIS licence requirement); a group of the world's
    memberships ('eu', 'wassenaar', 'echri_code') as the jurisdiction is one such control per member."""

    jurisdiction: str
    items: list[Item] = Field(default_factory=lambda: list(CONTROLLABLE_LAYERS), min_length=1)
    destinations: Destinations = Field(default_factory=Destinations)
    approval_probability: float = Field(
        0.0, ge=0.0, le=1.0,
        description="Chance a licence application is approved each step; 0 = presumption of denial.",
    )
    enforcement: float = Field(
        0.8, ge=0.0, le=1.0, description="Chance an unlicensed controlled sale is stopped. Assumption."
    )
    reexport_control: bool = Field(True, description="Controls follow the item through transit hubs.")

    def check(self, schedule: PolicySchedule, key: str) -> None:
        schedule.check_jurisdiction(self.jurisdiction, f"{key}.jurisdiction")
        schedule.check_destinations(self.destinations, f"{key}.destinations")
        super().check(schedule, key)

    def contribute(self, schedule: PolicySchedule, arrays: PolicyArrays, on: Hashable) -> None:
        for code in schedule.jurisdictions(self.jurisdiction):
            arrays.impose(schedule.exporter(code), schedule.destinations(self.destinations), self.items,
                          self.approval_probability, self.enforcement, self.reexport_control)


class Extraterritorial(Instrument):
    """US reach over foreign-made items: de minimis rule and foreign-direct-product rule (FDPR)."""

    jurisdiction: str = "USA"
    de_minimis: float = Field(0.25, ge=0.0, le=1.0, description="15 CFR 734.4: more than 25% US content.")
    de_minimis_e1: float = Field(0.10, ge=0.0, le=1.0, description="More than 10% for Country Group E:1.")
    e1_countries: list[str] = Field(default_factory=lambda: ["IRN", "PRK", "SYR"])
    foreign_direct_product: bool = True
    fdp_min_us_content: float = Field(
        0.15, ge=0.0, le=1.0,
        description="FDPR proxy: a foreign product counts as a direct product of US technology when its "
        "US content is at least this. Assumption (the rule itself is about technology, not value).",
    )
    enforcement_abroad: float = Field(
        0.4, ge=0.0, le=1.0,
        description="Chance a foreign vendor's unlicensed sale under US rules is stopped. Assumption: "
        "weaker than at home.",
    )

    strength_field: ClassVar[str | None] = None  # enforcement abroad is varied on its own, not with the controls'

    def check(self, schedule: PolicySchedule, key: str) -> None:
        schedule.world.country(self.jurisdiction, f"{key}.jurisdiction")
        for code in self.e1_countries:
            schedule.world.country(code, f"{key}.e1_countries")
        super().check(schedule, key)

    def contribute(self, schedule: PolicySchedule, arrays: PolicyArrays, on: Hashable) -> None:
        world = schedule.world
        us = world.country_index[self.jurisdiction]
        arrays.et_exporter = schedule.exporter_of.get(us, -1)
        arrays.et_enforcement = self.enforcement_abroad
        foreign = world.vendor_home != us
        e1 = np.isin(np.arange(world.n_countries), [world.country_index[c] for c in self.e1_countries])
        threshold = np.where(e1, self.de_minimis_e1, self.de_minimis)  # [C]
        content = world.us_content[:, None]
        captured = content > threshold[None, :]
        if self.foreign_direct_product:
            captured |= (content >= self.fdp_min_us_content)
        arrays.et_capture = foreign[:, None] & captured
        arrays.et_gap = foreign[:, None] & ~captured & (content > 0)
        home = (np.arange(world.n_vendors), world.vendor_home)  # selling at home is not an export
        arrays.et_capture[home] = False
        arrays.et_gap[home] = False


class Member(Config):
    """An agreement member: when it joins and, optionally, its own enforcement and accepted items."""

    country: str
    join: Date | None = None
    enforcement: float | None = Field(None, ge=0.0, le=1.0)
    accepts: list[Item] | None = Field(
        None, description="Items this member accepts onto a consensus list (None: all proposed)."
    )


class Agreement(Instrument):
    """A multilateral arrangement (Wassenaar-like): a common control list and shared rules."""

    name: str
    members: list[Member] = Field(default_factory=list)
    member_groups: list[str] = Field(
        default_factory=list,
        description="Groups whose countries all join at the start: 'all', or a membership in the data "
        "('wassenaar', 'eu', 'echri_code').",
    )
    items: list[Item] = Field(default_factory=lambda: list(CONTROLLABLE_LAYERS), min_length=1)
    list_rule: Literal["consensus", "leader"] = "consensus"
    leader: str | None = None
    destinations: Destinations = Field(default_factory=Destinations)
    approval_probability: float = Field(0.0, ge=0.0, le=1.0)
    enforcement: float = Field(0.7, ge=0.0, le=1.0, description="Members' default enforcement.")
    reexport_control: bool = True
    no_undercut: bool = Field(True, description="A denial by one member binds all members.")
    information_sharing: bool = True
    harmonisation_lag: int = Field(
        0, ge=0, description="Steps between a member joining and applying the common list."
    )

    @field_validator("members", mode="before")
    @classmethod
    def _bare_codes(cls, members: object) -> object:
        if not isinstance(members, list):
            return members  # let the list type report the error
        return [{"country": m} if isinstance(m, str) else m for m in members]

    @model_validator(mode="after")
    def _complete(self) -> Agreement:
        if self.list_rule == "leader" and self.leader is None:
            raise ValueError("list_rule 'leader' needs a leader")
        if not self.members and not self.member_groups:
            raise ValueError("an agreement needs members or member_groups")
        codes = [m.country for m in self.members]
        twice = sorted({c for c in codes if codes.count(c) > 1})
        if twice:
            raise ValueError(f"member {twice[0]!r} is listed twice; list each country once (its own "
                             "join, enforcement and accepts go in its one table)")
        return self

    def check(self, schedule: PolicySchedule, key: str) -> None:
        world = schedule.world
        for group in self.member_groups:
            check_name(group, ["all", *world.memberships], f"{key}.member_groups", "group")
        codes = [m.country for m in schedule.members(self)]
        for m, member in enumerate(self.members):
            world.country(member.country, f"{key}.members[{m}].country")
            if member.join is not None:
                schedule.check_time(member.join, f"{key}.members[{m}].join")
        if self.leader is not None:
            check_name(self.leader, codes, f"{key}.leader", "member")
        schedule.check_destinations(self.destinations, f"{key}.destinations")
        super().check(schedule, key)

    def signature(self, schedule: PolicySchedule, step: int) -> tuple[str, ...]:
        """The members applying the common list at ``step``: those that joined (at the opening or
        their own ``join``) at least ``harmonisation_lag`` steps before."""
        if not schedule.in_force(self, step):
            return ()
        opening = schedule.start(self)
        calendar = schedule.calendar
        return tuple(
            m.country for m in schedule.members(self)
            if max(opening, calendar.step_of(m.join) if m.join is not None else opening)
            + self.harmonisation_lag <= step
        )

    def contribute(self, schedule: PolicySchedule, arrays: PolicyArrays, on: Hashable) -> None:
        world, gains = schedule.world, schedule.params
        in_force: tuple[str, ...] = on  # type: ignore[assignment]
        listed = schedule.members(self)
        items = self.common_list(listed, in_force)
        by_code = {m.country: m for m in listed}
        strength = {code: self.enforcement if by_code[code].enforcement is None else by_code[code].enforcement
                    for code in in_force}
        for code in in_force:
            arrays.impose(schedule.exporter(code), schedule.destinations(self.destinations), items,
                          self.approval_probability, strength[code], self.reexport_control)
        exporters = [e for e in map(schedule.exporter, in_force) if e is not None]
        hub_members = np.isin(world.hubs, [world.country_index[c] for c in in_force])
        for e in exporters:
            arrays.slip_factor[e, hub_members] *= 1.0 - gains.hub_cooperation_gain
            if self.information_sharing:
                arrays.slip_factor[e] *= 1.0 - gains.information_sharing_gain
        if self.no_undercut and len(exporters) > 1:
            by_exporter = {schedule.exporter(c): strength[c] for c in in_force if schedule.exporter(c) is not None}
            group = np.array(sorted(by_exporter))
            arrays.undercut_groups.append(group)
            arrays.undercut_enforcement.append(np.array([by_exporter[e] for e in group]))

    def common_list(self, listed: list[Member], in_force: tuple[str, ...]) -> list[str]:
        """The items on the common list among the members ``in_force`` (the leader's accepted items
        under ``list_rule = 'leader'``, else those every member in force accepts)."""
        accepted = {m.country: set(self.items if m.accepts is None else m.accepts) for m in listed}
        if self.list_rule == "leader":
            return sorted(accepted[self.leader] & set(self.items))
        common = set(self.items)
        for code in in_force:
            common &= accepted[code]
        return sorted(common)

    def with_enforcement(self, enforcement: float) -> Self:
        """The agreement with its and every member's own enforcement set to ``enforcement``."""
        members = [m.model_copy(update={"enforcement": enforcement}) if m.enforcement is not None else m
                   for m in self.members]
        return self.model_copy(update={"enforcement": enforcement, "members": members})


class DataAccessControl(Instrument):
    """A state's restriction of face-image training data: its vendors' sales and its hosted datasets."""

    jurisdiction: str
    restrict_sales: bool = True
    destinations: Destinations = Field(default_factory=Destinations)
    enforcement: float = Field(0.8, ge=0.0, le=1.0)
    take_down_hosted: bool = Field(
        True, description="Take down hosted datasets; public copies keep data_persistence of their attraction."
    )

    def check(self, schedule: PolicySchedule, key: str) -> None:
        schedule.check_jurisdiction(self.jurisdiction, f"{key}.jurisdiction")
        schedule.check_destinations(self.destinations, f"{key}.destinations")
        super().check(schedule, key)

    def contribute(self, schedule: PolicySchedule, arrays: PolicyArrays, on: Hashable) -> None:
        if self.restrict_sales:
            for code in schedule.jurisdictions(self.jurisdiction):
                arrays.impose(schedule.exporter(code), schedule.destinations(self.destinations), ["training_data"],
                              0.0, self.enforcement, True)
        arrays.takedown |= self.take_down_hosted

    def without_items(self, dropped: frozenset[str]) -> Self | None:
        """None when training data is left out (the control acts on training data alone)."""
        return None if "training_data" in dropped else self


class PolicySet(Config):
    """Everything a scenario switches on. The empty set is the no-controls baseline."""

    national: list[NationalControl] = Field(default_factory=list)
    extraterritorial: Extraterritorial | None = None
    agreements: list[Agreement] = Field(default_factory=list)
    restraints: list[VoluntaryRestraint] = Field(
        default_factory=list, description="Vendors' restraint rules added to those of the world."
    )
    data_access: list[DataAccessControl] = Field(default_factory=list)
    entity_lists: list[EntityList] = Field(
        default_factory=list, description="Entity List entries: named vendors' inputs (docs/ODD.md, 7.16).")
    component_controls: list[ComponentControl] = Field(
        default_factory=list, description="Country-wide component controls by destination (docs/ODD.md, 7.16).")
    procurement_bans: list[ProcurementBan] = Field(
        default_factory=list, description="Government procurement bans on named vendors (docs/ODD.md, 7.16).")

    @model_validator(mode="after")
    def _distinct_agreements(self) -> PolicySet:
        names = [a.name for a in self.agreements]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"two agreements are named {twice[0]!r}; destinations.outside names one, so "
                             "give each its own name")
        return self

    def instruments(self) -> Iterator[tuple[str, Instrument]]:
        """Every instrument of the set with its key path (``national[0]``, ``extraterritorial``, ...),
        in field order: the order the schedule applies them."""
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, Instrument):
                yield name, value
            elif isinstance(value, list):
                yield from ((f"{name}[{n}]", item) for n, item in enumerate(value) if isinstance(item, Instrument))

    @property
    def is_empty(self) -> bool:
        """Whether the set switches nothing on (the no-controls baseline): no field holds anything."""
        return not any(getattr(self, name) for name in type(self).model_fields)

    def with_enforcement(self, enforcement: float) -> PolicySet:
        """Every instrument at ``enforcement`` (:meth:`Instrument.with_enforcement`)."""
        return self._map(lambda instrument: instrument.with_enforcement(enforcement))

    def without_items(self, dropped: frozenset[str]) -> PolicySet:
        """Every instrument with the ``dropped`` items left out; those left with nothing to control
        are removed (:meth:`Instrument.without_items`)."""
        return self._map(lambda instrument: instrument.without_items(dropped))

    def _map(self, change) -> PolicySet:
        update = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, Instrument):
                update[name] = change(value)
            elif isinstance(value, list) and any(isinstance(item, Instrument) for item in value):
                update[name] = [new for new in map(change, value) if new is not None]
        return self.model_copy(update=update)


def check_instrument_fields(policy_set: type[PolicySet]) -> None:
    """Refuse a policy set whose fields do not all hold instruments or vendors' restraint rules (a
    world's own kind of rule, applied by the schedule beside them): a field of another kind would be
    switched on by no one."""
    import typing

    for name, info in policy_set.model_fields.items():
        kinds = [t for t in typing.get_args(info.annotation) or (info.annotation,) if t is not type(None)]
        kinds = [typing.get_args(t)[0] if typing.get_origin(t) is list else t for t in kinds]
        if not all(isinstance(t, type) and issubclass(t, Instrument | VoluntaryRestraint) for t in kinds):
            raise TypeError(f"{policy_set.__name__}.{name} holds {', '.join(map(str, kinds))}, not instruments: "
                            "a policy set's fields hold model.policy.instrument.Instrument subclasses")


check_instrument_fields(PolicySet)

_REGISTERED: dict[str, type[PolicySet]] = {"policy_set": PolicySet}


def register_policy_set(policy_set: type[PolicySet]) -> type[PolicySet]:
    """Read scenario tables and stored settings into ``policy_set``, a subclass of the registered
    policy set whose new fields hold an extension's instruments (checked by
    :func:`check_instrument_fields`); the shipped set stays the default until this is called."""
    current = _REGISTERED["policy_set"]
    if not (isinstance(policy_set, type) and issubclass(policy_set, current)):
        raise TypeError(f"{policy_set!r} does not extend {current.__name__}: register a subclass of the policy set")
    check_instrument_fields(policy_set)
    _REGISTERED["policy_set"] = policy_set
    return policy_set


def policy_set_type() -> type[PolicySet]:
    """The policy set scenario tables are read into (:func:`register_policy_set`)."""
    return _REGISTERED["policy_set"]
