"""Typed policy configuration: what is controlled, by whom, for whom and since when.

These objects are plain data. :mod:`model.policy.schedule` turns them, together with a world,
into arrays per step. Times are step indices or calendar dates; ``None`` for ``start`` means
"when the warm-up ends".
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from model.config.base import Config
from model.dates import Date
from model.policy.inputs import ComponentControl, EntityList, ProcurementBan
from model.policy.window import Window
from model.vocabulary import CONTROLLABLE_LAYERS, Item
from model.world.restraint import VoluntaryRestraint


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


class NationalControl(Window):
    """One jurisdiction's export control (e.g. a BIS licence requirement)."""

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


class Extraterritorial(Window):
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


class Member(Config):
    """An agreement member: when it joins and, optionally, its own enforcement and accepted items."""

    country: str
    join: Date | None = None
    enforcement: float | None = Field(None, ge=0.0, le=1.0)
    accepts: list[Item] | None = Field(
        None, description="Items this member accepts onto a consensus list (None: all proposed)."
    )


class Agreement(Window):
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


class DataAccessControl(Window):
    """A state's restriction of face-image training data: its vendors' sales and its hosted datasets."""

    jurisdiction: str
    restrict_sales: bool = True
    destinations: Destinations = Field(default_factory=Destinations)
    enforcement: float = Field(0.8, ge=0.0, le=1.0)
    take_down_hosted: bool = Field(
        True, description="Take down hosted datasets; public copies keep data_persistence of their attraction."
    )


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

    @property
    def is_empty(self) -> bool:
        return not (self.national or self.extraterritorial or self.agreements or self.data_access
                    or self.restraints or any(self.input_instruments().values()))

    def input_instruments(self) -> dict[str, list]:
        """The instruments on vendors' inputs (:mod:`model.policy.inputs`), by key."""
        return {"entity_lists": self.entity_lists, "component_controls": self.component_controls,
                "procurement_bans": self.procurement_bans}
