"""Instruments on vendors' inputs: the Entity List, country-wide component controls and procurement bans.

These are what the United States actually used against surveillance vendors (docs/ODD.md, 7.16).
They do not close a buyer's options: an Entity List or a component control cuts a vendor's supply of
components (:class:`InputState`, ``cut[v, k, s]``: the share of vendor ``v``'s purchases of component
``k`` from supplier ``s`` that is denied), which the vendor's response turns into cost and quality
(:mod:`model.simulation.sourcing`); a procurement ban removes the banned vendors from the banning
governments' purchases, so it acts on the vendors' revenue and, through it, their learning.

Each instrument is a unit of one shape (:class:`InputInstrument`): it checks itself against a
world, contributes to the step's state, and names the field a design varies as its strength.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Literal, Protocol

import numpy as np
from pydantic import Field, field_validator

from model.dates import Calendar, Date
from model.errors import ModelInputError
from model.policy.window import Window
from model.world import World
from model.world.inputs import COMPONENT_INDEX, COMPONENTS

Component = Literal["camera_soc", "image_sensor", "ai_accelerator"]
TimeCheck = Callable[[Date, str], None]


class InputInstrument(Protocol):
    """The shape every instrument on inputs has."""

    strength_field: ClassVar[str]
    """The field a design or the dashboard varies as the instrument's strength."""

    def validate(self, world: World, key: str) -> None:
        """Raise :class:`model.errors.ModelInputError` naming ``key`` for names the world lacks."""

    def contribute(self, world: World, cut: np.ndarray, banned: np.ndarray) -> None:
        """Add the instrument's effect to the step's ``cut[V, K, S]`` (the strongest denial of a supply
        applies) and ``banned[V, C]``."""


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
    strength_field: ClassVar[str] = "enforcement"

    def _reach(self, world: World) -> np.ndarray:
        """``[S]``: the share of each supplier's output this instrument denies to a covered buyer."""
        inputs = world.inputs
        home = inputs.us_origin * self.enforcement
        abroad = (~inputs.us_origin) * inputs.us_technology * self.enforcement_abroad
        return (1.0 - self.approval_probability) * (home + (abroad if self.foreign_direct_product else 0.0))


class EntityList(_SupplyDenial):
    """An Entity List entry (15 CFR 744.11): the named vendors need a licence for every item subject
    to US rules (US-origin components, and with ``foreign_direct_product`` foreign-made components made
    with US technology, as the Huawei rule of Aug 2020). Suppliers the named vendors own (HiSilicon:
    Huawei) lose, under ``foreign_direct_product``, the output made with US technology for every buyer."""

    entities: list[str] = Field(description="Vendors named, as in `model/data/vendors.csv`.")

    _entities = field_validator("entities")(_nonempty)

    def validate(self, world: World, key: str) -> None:
        for name in self.entities:
            world.vendor(name, f"{key}.entities")

    def contribute(self, world: World, cut: np.ndarray, banned: np.ndarray) -> None:
        reach = self._reach(world)
        listed = [world.vendor_index[n] for n in self.entities]
        _deny(cut, np.isin(np.arange(world.n_vendors), listed)[:, None, None] * reach[None, None, :])
        if self.foreign_direct_product:
            owned = np.isin(np.array(world.inputs.supplier_owner, dtype=object), self.entities)
            output = owned * world.inputs.us_technology * self.enforcement_abroad
            _deny(cut, np.broadcast_to(output, cut.shape))


class ComponentControl(_SupplyDenial):
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

    def validate(self, world: World, key: str) -> None:
        for code in self.destinations:
            world.country(code, f"{key}.destinations")

    def contribute(self, world: World, cut: np.ndarray, banned: np.ndarray) -> None:
        covered = np.isin(world.vendor_home, [world.country_index[c] for c in self.destinations])
        components = np.isin(world.inputs.supplier_component, [COMPONENT_INDEX[c] for c in self.components])
        _deny(cut, covered[:, None, None] * (components * self._reach(world))[None, None, :])


class ProcurementBan(Window):
    """A government procurement ban (section 889 of the FY2019 National Defense Authorization Act):
    the banning countries' public buyers stop buying from the named vendors. In the model a country's
    surveillance budget is public, so the vendors lose those countries' sales; target regimes are
    touched only through the vendors' lost revenue (learning, docs/ODD.md 7.11)."""

    countries: list[str] = Field(default_factory=lambda: ["USA"], description="ISO3 codes of the banning states.")
    vendors: list[str] = Field(description="Vendors banned, as in `model/data/vendors.csv`.")
    strength_field: ClassVar[str] = "countries"

    _names = field_validator("countries", "vendors")(_nonempty)

    def validate(self, world: World, key: str) -> None:
        for name in self.vendors:
            world.vendor(name, f"{key}.vendors")
        for code in self.countries:
            world.country(code, f"{key}.countries")

    def contribute(self, world: World, cut: np.ndarray, banned: np.ndarray) -> None:
        vendors = [world.vendor_index[n] for n in self.vendors]
        countries = [world.country_index[c] for c in self.countries]
        banned[np.ix_(vendors, countries)] = True


INSTRUMENTS: dict[str, type] = {
    "entity_lists": EntityList,
    "component_controls": ComponentControl,
    "procurement_bans": ProcurementBan,
}
"""The policy set's lists of instruments on inputs, by key."""


def _deny(cut: np.ndarray, share: np.ndarray) -> None:
    """Add a denial ``share`` to ``cut``, in place: where several instruments deny the same supply the
    strongest applies (as several national controls combine: the highest enforcement)."""
    np.maximum(cut, share, out=cut)


@dataclass(frozen=True, eq=False)
class InputState:
    """Instruments on inputs in force at one step. ``cut[V, K, S]``: share of vendor ``v``'s purchases
    of component ``k`` from supplier ``s`` denied; ``banned[V, C]``: country ``c``'s buyers may not buy
    from vendor ``v``."""

    cut: np.ndarray
    banned: np.ndarray

    def denied(self, sourcing: np.ndarray) -> np.ndarray:
        """``[V, K]``: the share of each vendor's supply of each component that is denied."""
        return (sourcing * self.cut).sum(axis=-1)


class InputSchedule:
    """A policy set's instruments on inputs, checked against a world; :meth:`state` answers the
    arrays in force at a step (worked out once per set of instruments in force)."""

    def __init__(self, world: World, instruments: dict[str, list], calendar: Calendar, warmup: int,
                 check_time: TimeCheck) -> None:
        self.world = world
        self.calendar, self.warmup = calendar, warmup
        self._units: list[tuple[str, object]] = []
        for key, units in instruments.items():
            for n, unit in enumerate(units):
                where = f"policies.{key}[{n}]"
                unit.validate(world, where)
                check_time(unit.start if unit.start is not None else warmup, f"{where}.start")
                if unit.end is not None and calendar.step_of(unit.end) <= self._start(unit):
                    raise ModelInputError(f"{where}.end", "ends before it starts", got=str(unit.end))
                self._units.append((where, unit))
        self._cache: dict[tuple[bool, ...], InputState] = {}

    @property
    def active(self) -> bool:
        """Whether the policy set has any instrument on inputs."""
        return bool(self._units)

    def _start(self, unit) -> int:
        return self.warmup if unit.start is None else self.calendar.step_of(unit.start)

    def _in_force(self, unit, step: int) -> bool:
        end = None if unit.end is None else self.calendar.step_of(unit.end)
        return self._start(unit) + unit.lag <= step and (end is None or step < end)

    def signature(self, step: int) -> tuple[bool, ...]:
        """Which instruments are in force at ``step``."""
        return tuple(self._in_force(unit, step) for _, unit in self._units)

    def state(self, step: int) -> InputState:
        """The :class:`InputState` at ``step``."""
        return self.state_of(self.signature(step))

    def state_of(self, signature: tuple[bool, ...]) -> InputState:
        """The :class:`InputState` with the instruments ``signature`` says are in force."""
        state = self._cache.get(signature)
        if state is None:
            w = self.world
            cut = np.zeros((w.n_vendors, len(COMPONENTS), len(w.inputs.suppliers)))
            banned = np.zeros((w.n_vendors, w.n_countries), dtype=bool)
            for (_, unit), on in zip(self._units, signature):
                if on:
                    unit.contribute(w, cut, banned)
            cut *= w.inputs.supplier_component[None, None, :] == np.arange(len(COMPONENTS))[None, :, None]
            cut.setflags(write=False)
            banned.setflags(write=False)
            state = self._cache.setdefault(signature, InputState(cut, banned))
        return state
