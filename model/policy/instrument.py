"""The instrument protocol: what every policy instrument does, so that adding one is adding one class.

An :class:`Instrument` is a typed configuration (scenario files and the Python API check it alike)
with a window in force, and four duties:

- :meth:`Instrument.check`: refuse names and dates the world does not have (one error with the key path);
- :meth:`Instrument.signature`: what of it is in force at a step (hashable; steps with equal signatures
  of every instrument share one :class:`model.policy.PolicyState`);
- :meth:`Instrument.contribute`: add its effect at a step to the step's :class:`PolicyArrays`,
  reading of ``schedule.world`` only its structure, never what parameters change
  (``model.world.world.PARAMETER_FIELDS``: prices, market presence, trade costs, ties): the worlds of
  a sweep over those share one schedule (``tests/policy/test_schedule.py`` checks every preset);
- :meth:`Instrument.with_enforcement` and :meth:`Instrument.without_items`: the same instrument at
  another strength or with layers left out (what designs and the dashboard vary).

A :class:`model.policy.PolicySet` field holding instruments is all the rest of the model needs: the
schedule applies every instrument of the set in field order, and the set is empty when no field
holds one.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Self

import numpy as np

from model.policy.window import Window
from model.vocabulary import CONTROLLABLE_LAYERS, ITEM_INDEX, ITEMS
from model.world.inputs import COMPONENTS

if TYPE_CHECKING:
    from model.policy.schedule import PolicySchedule
    from model.world import World


@dataclass
class PolicyArrays:
    """The arrays of one step that instruments add to (shapes: E exporters, C countries, I items,
    V vendors, H hubs, K components, S suppliers); :class:`model.policy.PolicySchedule` turns them into
    a :class:`model.policy.schedule.PolicyState`."""

    requires: np.ndarray  # [E, C, I] bool: exporter e needs a licence to sell item i to c
    approval: np.ndarray  # [E, C, I] chance a licence is approved (the lowest of the controls)
    enforcement: np.ndarray  # [E, C, I] chance an unlicensed sale is stopped (the highest)
    reexport: np.ndarray  # [E] bool: the exporter's controls follow items through hubs
    slip_factor: np.ndarray  # [E, H] multiplies the hubs' leakiness for the exporter's shipments
    et_capture: np.ndarray  # [V, C] bool
    et_gap: np.ndarray  # [V, C] bool
    supply_cut: np.ndarray  # [V, K, S] share of v's purchases of component k from supplier s denied
    banned: np.ndarray  # [V, C] bool: country c's buyers may not buy from vendor v
    et_exporter: int = -1
    et_enforcement: float = 0.0
    undercut_groups: list[np.ndarray] = field(default_factory=list)
    undercut_enforcement: list[np.ndarray] = field(default_factory=list)
    takedown: bool = False  # hosted datasets taken down

    @classmethod
    def empty(cls, world: World) -> PolicyArrays:
        """Nothing controlled in ``world``."""
        n_exporters, n_countries, n_vendors = len(world.exporters), world.n_countries, world.n_vendors
        shape = (n_exporters, n_countries, len(ITEMS))
        return cls(
            requires=np.zeros(shape, dtype=bool),
            approval=np.ones(shape),
            enforcement=np.zeros(shape),
            reexport=np.zeros(n_exporters, dtype=bool),
            slip_factor=np.ones((n_exporters, len(world.hubs))),
            et_capture=np.zeros((n_vendors, n_countries), dtype=bool),
            et_gap=np.zeros((n_vendors, n_countries), dtype=bool),
            supply_cut=np.zeros((n_vendors, len(COMPONENTS), len(world.inputs.suppliers))),
            banned=np.zeros((n_vendors, n_countries), dtype=bool),
        )

    def impose(self, exporter: int | None, destinations: np.ndarray, items: Iterable[str], approval: float,
               enforcement: float, reexport: bool) -> None:
        """A licence requirement of ``exporter`` (None: a jurisdiction without vendors, which
        controls nothing that moves) for ``items`` to ``destinations``: the lowest approval and the
        highest enforcement of the controls on a cell hold."""
        if exporter is None:
            return
        cells = np.ix_([exporter], destinations, [ITEM_INDEX[i] for i in items])
        self.requires[cells] = True
        self.approval[cells] = np.minimum(self.approval[cells], approval)
        self.enforcement[cells] = np.maximum(self.enforcement[cells], enforcement)
        self.reexport[exporter] |= reexport


class Instrument(Window):
    """Base of every policy instrument (see the module's docstring for the protocol).

    A subclass must define :meth:`contribute`; one that does not is refused when it is defined."""

    strength_field: ClassVar[str | None] = "enforcement"
    """The field :meth:`with_enforcement` sets (None: the instrument has no enforcement to vary)."""

    cuts_supplies: ClassVar[bool] = False
    """Whether it denies vendors' component supplies (``PolicyArrays.supply_cut``): a run with such an
    instrument tracks its vendors' sourcing (:mod:`model.simulation.sourcing`, docs/ODD.md 7.17)."""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if cls.contribute is Instrument.contribute:
            raise TypeError(f"instrument {cls.__name__} does not define contribute(schedule, arrays, on): "
                            "every instrument adds its effect to the step's policy arrays")
        if cls.strength_field is not None and cls.strength_field not in cls.model_fields:
            raise TypeError(f"instrument {cls.__name__} has no field {cls.strength_field!r} for "
                            "with_enforcement: name its strength field in strength_field, or None")

    def check(self, schedule: PolicySchedule, key: str) -> None:
        """Refuse what the world does not have; ``key`` is the instrument's key path in a scenario
        file. The base checks the window (override, and call it, to check more)."""
        schedule.check_window(self, key)

    def signature(self, schedule: PolicySchedule, step: int) -> Hashable:
        """What of the instrument is in force at ``step`` (falsy: nothing)."""
        return schedule.in_force(self, step)

    def contribute(self, schedule: PolicySchedule, arrays: PolicyArrays, on: Hashable) -> None:
        """Add the instrument's effect to ``arrays``, given its :meth:`signature` ``on`` (truthy),
        reading only the structure of ``schedule.world`` (see the module's docstring)."""
        raise NotImplementedError

    def with_enforcement(self, enforcement: float) -> Self:
        """The instrument with its enforcement (:attr:`strength_field`) set to ``enforcement``."""
        if self.strength_field is None:
            return self
        return self.model_copy(update={self.strength_field: enforcement})

    def without_items(self, dropped: frozenset[str]) -> Self | None:
        """The instrument with the ``dropped`` items left out; None when no controllable layer is
        left for it to control. The base leaves an instrument without an ``items`` field as it is."""
        items = getattr(self, "items", None)
        if items is None:
            return self
        kept = [item for item in items if item not in dropped]
        return self.model_copy(update={"items": kept}) if any(i in CONTROLLABLE_LAYERS for i in kept) else None
