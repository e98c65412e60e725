"""Who can buy what from whom, by which route, at one step — and the route tag it would carry.

Turns a :class:`PolicyState` plus this step's random draws into open/closed options. A control
closes an option except when it slips through: a non-compliant vendor meets an enforcement
failure (direct route), or a diverted shipment passes its transit hub undetected. A buyer tries
one diversion per vendor, item and step, through the hub with the lowest expected cost per
successful shipment (route cost / chance of passing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from model.market.draws import Draws
from model.policy import PolicyState
from model.vocabulary import tagged_by
from model.world import World

LEGAL = tagged_by("legal", "market/access.py: a sale that needs no licence, or is licensed")
FOREIGN = tagged_by("foreign_availability", "market/access.py: an uncontrolled seller to a controlled destination")
GAP = tagged_by("extraterritorial_gap", "market/access.py: a foreign vendor below the US-content threshold")
_UNCONTROLLED = {"legal": LEGAL, "foreign_availability": FOREIGN, "extraterritorial_gap": GAP}

Cells = Callable[[World, PolicyState], np.ndarray]
"""Which sales a rule selects, ``[V, C, I]`` bool (or broadcastable to it), under a policy state."""


@dataclass(frozen=True)
class Retag:
    """A route's tagging rule from outside the market: sales tagged ``parent`` that ``cells`` selects
    are tagged ``route`` (indices into :data:`model.vocabulary.ROUTES`)."""

    route: int
    parent: int
    cells: Cells


RETAGS: list[Retag] = []
"""The rules :func:`retag` added, applied in order by :func:`state_access`."""


def retag(route: str, parent: str, cells: Cells, rule: str) -> None:
    """Claim ``route`` (declared with :func:`model.vocabulary.declare_route`) for sales that no control
    stops and that would be tagged ``parent`` (``legal``, ``foreign_availability`` or
    ``extraterritorial_gap``) where ``cells(world, state)`` holds; ``rule`` says where and what it tags."""
    if parent not in _UNCONTROLLED:
        raise ValueError(f"tagging rule {rule!r} refines route {parent!r}; a rule of this module refines one of "
                         f"{', '.join(_UNCONTROLLED)}")
    RETAGS.append(Retag(tagged_by(route, rule), _UNCONTROLLED[parent], cells))


@dataclass(frozen=True)
class Access:
    """Options at one step, as vendor arrays ``[V, C, I]`` over the world's ``available[V, R, C, I]``.

    An uncontrolled option is open by every available route. A controlled one is open only by the
    routes it slipped through: direct (``direct_slip``) and one transit hub (``hub_route``).
    """

    available: np.ndarray  # [V, R, C, I] bool: route exists, vendor sells the item, no restraint
    controlled: np.ndarray  # [V, C, I] bool: a denied control applies to this vendor's sale
    tag_if_uncontrolled: np.ndarray  # [V, C, I] int: legal / foreign_availability / extraterritorial_gap
    direct_slip: np.ndarray  # [V, C, I] bool: a controlled sale's direct route is open (enforcement failed)
    hub_route: np.ndarray  # [V, C, I] int: the route of a controlled sale's undetected diversion, -1 none
    sales: np.ndarray  # [S] positions of the controlled sales in [V, C, I]: np.flatnonzero(controlled)

    @property
    def open(self) -> np.ndarray:
        """``[V, R, C, I]``: vendor v can deliver item i to c by route r (materialised on request)."""
        slipped = np.zeros_like(self.available)
        slipped[:, 0] = self.direct_slip
        v, c, i = np.nonzero(self.hub_route >= 0)
        slipped[v, self.hub_route[v, c, i], c, i] = True
        return self.available & (~self.controlled[:, None] | slipped)


@dataclass(frozen=True)
class StateAccess:
    """What a policy state settles before the step's draws: the route tag of every sale if
    uncontrolled, and every sale's best diversion were it controlled by its vendor's home country
    (``home_*``) or by the extraterritorial jurisdiction (``et_*``): the hub (0-based), its chance of
    passing, and whether any hub is usable, each ``[V, C, I]``; the licences it requires (``licensing``,
    flat positions in ``[E, C, I]``, ascending) with their ``approval``; its no-undercut groups, one
    after another (``undercut_members[undercut_bounds[g]:undercut_bounds[g + 1]]``, with each member's
    ``undercut_strength``). Worked out once per state (:func:`state_access`)."""

    tag_if_uncontrolled: np.ndarray
    home_hub: np.ndarray
    home_chance: np.ndarray
    home_usable: np.ndarray
    et_hub: np.ndarray
    et_chance: np.ndarray
    et_usable: np.ndarray
    licensing: np.ndarray
    approval: np.ndarray
    undercut_members: np.ndarray
    undercut_bounds: np.ndarray
    undercut_strength: np.ndarray


def state_access(world: World, state: PolicyState, base_price: np.ndarray) -> StateAccess:
    """Route tags of uncontrolled sales, and for every sale the hub with the lowest expected cost per
    successful shipment (route cost / chance of passing) under each possible controller
    (:func:`model.market.compiled.diversions`)."""
    from model.market import compiled  # Numba on first use: importing the package stays light

    vendor_requires = state.requires[world.vendor_exporter]
    gap = np.zeros_like(vendor_requires)
    if state.et_exporter >= 0:
        captured = state.et_capture[:, :, None]
        vendor_requires = vendor_requires | (captured & state.requires[state.et_exporter][None])
        gap = state.et_gap[:, :, None] & state.requires[state.et_exporter][None]
    any_control = state.requires.any(axis=0)[None]  # [1, C, I]
    tag = np.where(vendor_requires | ~any_control, LEGAL, np.where(gap, GAP, FOREIGN))
    for rule in RETAGS:
        tag = np.where((tag == rule.parent) & rule.cells(world, state), rule.route, tag)
    home = compiled.diversions(state.routes, state.hub_slip[world.vendor_exporter], base_price, state.offered)
    et = home
    if state.et_exporter >= 0:
        et = compiled.diversions(state.routes, state.hub_slip[np.full(world.n_vendors, state.et_exporter)],
                                 base_price, state.offered)
    licensing = np.flatnonzero(state.requires)
    groups = state.undercut_groups
    return StateAccess(
        tag, *home, *et, licensing=licensing, approval=state.approval.take(licensing),
        undercut_members=np.concatenate([*groups, np.zeros(0, dtype=np.intp)]).astype(np.intp),
        undercut_bounds=np.cumsum([0, *map(len, groups)], dtype=np.intp),
        undercut_strength=np.concatenate([*state.undercut_enforcement, np.zeros(0)]),
    )


def resolve_access(world: World, state: PolicyState, draws: Draws, base_price: np.ndarray,
                   settled: StateAccess | None = None) -> Access:
    """Decide licences, enforcement and hub detection for every option, in two compiled passes
    (:func:`model.market.compiled.controlled_sales`, :func:`model.market.compiled.enforce`).

    ``state.available[v, r, c, i]`` is what the world allows without any control (route exists,
    vendor sells the item, no voluntary restraint); ``base_price[v, r, c]`` the price by each route;
    ``settled`` the state's :func:`state_access` (worked out here when not given).
    Licences are drawn against only where required, enforcement and diversions only for controlled
    sales (the streams move past every decision's number: :class:`Draws`).
    """
    from model.market import compiled  # Numba on first use: importing the package stays light

    settled = settled or state_access(world, state, base_price)
    sales, home, enforcement = compiled.controlled_sales(
        settled.licensing, draws.licence.at(settled.licensing), settled.approval, state.enforcement,
        settled.undercut_members, settled.undercut_bounds, settled.undercut_strength, world.exporters,
        world.vendor_exporter, world.home_sale, state.et_exporter, state.et_capture, float(state.et_enforcement))
    controlled, direct_slip, hub_route = compiled.enforce(
        sales, home, enforcement, draws.enforcement.at(sales), draws.hub.at(sales), world.compliance,
        state.available, settled.home_hub, settled.home_chance, settled.home_usable, settled.et_hub,
        settled.et_chance, settled.et_usable)
    return Access(available=state.available, controlled=controlled, tag_if_uncontrolled=settled.tag_if_uncontrolled,
                  direct_slip=direct_slip, hub_route=hub_route, sales=sales)


def free_access(available: np.ndarray) -> Access:
    """The same world with no control in force: the counterfactual that measures what was blocked."""
    v, _, c, i = available.shape
    return Access(
        available=available,
        controlled=np.zeros((v, c, i), dtype=bool),
        tag_if_uncontrolled=np.full((v, c, i), LEGAL),
        direct_slip=np.zeros((v, c, i), dtype=bool),
        hub_route=np.full((v, c, i), -1),
        sales=np.zeros(0, dtype=np.intp),
    )
