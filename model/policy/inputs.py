"""Instruments on vendors' inputs: the Entity List, country-wide component controls and procurement bans.

These are what the United States actually used against surveillance vendors (docs/ODD.md, 7.16).
They do not close a buyer's options: an Entity List or a component control cuts a vendor's supply of
components (``PolicyArrays.supply_cut[v, k, s]``: the share of vendor ``v``'s purchases of component
``k`` from supplier ``s`` that is denied), which the vendor's response turns into cost and quality
(:mod:`model.simulation.sourcing`); a procurement ban removes the banned vendors from the banning
governments' purchases (``PolicyArrays.banned``), so it acts on the vendors' revenue and, through it,
their learning.

Each is an :class:`model.policy.instrument.Instrument` like the export controls: it checks itself
against the world, contributes to the step's arrays and varies its strength with ``with_enforcement``.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np
from pydantic import Field, field_validator

from model.policy.instrument import Instrument, PolicyArrays
from model.policy.window import Window
from model.world import World
from model.world.inputs import COMPONENT_INDEX

if TYPE_CHECKING:
    from model.policy.schedule import PolicySchedule

Component = Literal["camera_soc", "image_sensor", "ai_accelerator"]


def _nonempty(values: list[str]) -> list[str]:
    if not values:
        raise ValueError("must name at least one")
    return values


class _SupplyDenial(Window):
    """What an Entity List and a component control share: a licence requirement on components with
    the jurisdiction's origin, optionally reaching foreign-made ones made with its technology."""

    jurisdiction: Literal["USA"] = Field(
        "USA", description="The controlling state (the input layer records US technology only).")
    approval_probability: float = Field(
        0.0, ge=0.0, le=1.0, description="Chance a licence is approved; 0 = presumption of denial.")
    enforcement: float = Field(
        0.95, ge=0.0, le=1.0,
        description="Share of denied US-origin supply that is actually stopped. Assumption (range "
        "0.8-1.0): US chip makers are few, large and exposed to penalties.",
    )
    foreign_direct_product: bool = Field(
        False, description="Also reach foreign-made components made with US technology or tools.")
    enforcement_abroad: float = Field(
        0.9, ge=0.0, le=1.0,
        description="Share of reached foreign-made supply actually stopped. Assumption (range 0.6-1.0): "
        "TSMC stopped making HiSilicon designs when the Aug 2020 rule took effect.",
    )
    cuts_supplies: ClassVar[bool] = True

    def _reach(self, world: World) -> np.ndarray:
        """``[S]``: the share of each supplier's output this instrument denies to a covered buyer."""
        inputs = world.inputs
        home = inputs.us_origin * self.enforcement
        abroad = (~inputs.us_origin) * inputs.us_technology * self.enforcement_abroad
        return (1.0 - self.approval_probability) * (home + (abroad if self.foreign_direct_product else 0.0))


class EntityList(_SupplyDenial, Instrument):
    """An Entity List entry (15 CFR 744.11): the named vendors need a licence for every item subject
    to US rules (US-origin components, and with ``foreign_direct_product`` foreign-made components made
    with US technology, as the Huawei rule of Aug 2020). Suppliers the named vendors own (HiSilicon:
    Huawei) lose, under ``foreign_direct_product``, the output made with US technology for every buyer.
    An enforcement set by the dashboard or a design replaces ``enforcement``, not ``enforcement_abroad``."""

    entities: list[str] = Field(description="Vendors named, as in `model/data/vendors.csv`.")

    _entities = field_validator("entities")(_nonempty)

    def check(self, schedule: PolicySchedule, key: str) -> None:
        for name in self.entities:
            schedule.world.vendor(name, f"{key}.entities")
        super().check(schedule, key)

    def contribute(self, schedule: PolicySchedule, arrays: PolicyArrays, on: Hashable) -> None:
        world, cut = schedule.world, arrays.supply_cut
        reach = self._reach(world)
        listed = [world.vendor_index[n] for n in self.entities]
        _deny(cut, np.isin(np.arange(world.n_vendors), listed)[:, None, None] * reach[None, None, :])
        if self.foreign_direct_product:
            owned = np.isin(np.array(world.inputs.supplier_owner, dtype=object), self.entities)
            output = owned * world.inputs.us_technology * self.enforcement_abroad
            _deny(cut, np.broadcast_to(output, cut.shape))


class ComponentControl(_SupplyDenial, Instrument):
    """A country-wide control of components by destination (the advanced-computing rule of Oct 2022,
    87 FR 62186): every vendor based in a destination needs a licence for the components, with the
    rule's own foreign-direct-product reach (on by default, as in that rule)."""

    components: list[Component] = Field(
        default_factory=lambda: ["ai_accelerator"], description="Components controlled.")
    destinations: list[str] = Field(description="ISO3 codes: vendors based there are covered.")
    foreign_direct_product: bool = Field(
        True, description="Also reach foreign-made components made with US technology (the 2022 rule's "
        "own foreign-direct-product rule).")
    enforcement: float = Field(
        0.9, ge=0.0, le=1.0,
        description="Share of denied US-origin supply stopped. Assumption (range 0.6-1.0): chips were "
        "smuggled and bought through cloud services after 2022, so below an Entity List's.",
    )
    enforcement_abroad: float = Field(
        0.8, ge=0.0, le=1.0, description="Share of reached foreign-made supply stopped. Assumption "
        "(range 0.5-1.0).")

    _destinations = field_validator("destinations", "components")(_nonempty)

    def check(self, schedule: PolicySchedule, key: str) -> None:
        for code in self.destinations:
            schedule.world.country(code, f"{key}.destinations")
        super().check(schedule, key)

    def contribute(self, schedule: PolicySchedule, arrays: PolicyArrays, on: Hashable) -> None:
        world = schedule.world
        covered = np.isin(world.vendor_home, [world.country_index[c] for c in self.destinations])
        components = np.isin(world.inputs.supplier_component, [COMPONENT_INDEX[c] for c in self.components])
        _deny(arrays.supply_cut, covered[:, None, None] * (components * self._reach(world))[None, None, :])


class ProcurementBan(Instrument):
    """A government procurement ban (section 889 of the FY2019 National Defense Authorization Act):
    the banning countries' public buyers stop buying from the named vendors. In the model a country's
    surveillance budget is public, so the vendors lose those countries' sales; target regimes are
    touched only through the vendors' lost revenue (learning, docs/ODD.md 7.11). An enforcement
    set by the dashboard or a design leaves a ban as it is (it has none)."""

    countries: list[str] = Field(default_factory=lambda: ["USA"], description="ISO3 codes of the banning states.")
    vendors: list[str] = Field(description="Vendors banned, as in `model/data/vendors.csv`.")
    strength_field: ClassVar[str | None] = None

    _names = field_validator("countries", "vendors")(_nonempty)

    def check(self, schedule: PolicySchedule, key: str) -> None:
        for name in self.vendors:
            schedule.world.vendor(name, f"{key}.vendors")
        for code in self.countries:
            schedule.world.country(code, f"{key}.countries")
        super().check(schedule, key)

    def contribute(self, schedule: PolicySchedule, arrays: PolicyArrays, on: Hashable) -> None:
        world = schedule.world
        vendors = [world.vendor_index[n] for n in self.vendors]
        countries = [world.country_index[c] for c in self.countries]
        arrays.banned[np.ix_(vendors, countries)] = True


def _deny(cut: np.ndarray, share: np.ndarray) -> None:
    """Add a denial ``share`` to ``cut``, in place: where several instruments deny the same supply the
    strongest applies (as several national controls combine: the highest enforcement)."""
    np.maximum(cut, share, out=cut)
