"""Who can buy what from whom, by which route, at one step — and the route tag it would carry.

Turns a :class:`PolicyState` plus this step's random draws into open/closed options. A control
closes an option except when it slips through: a non-compliant vendor meets an enforcement
failure (direct route), or a diverted shipment passes its transit hub undetected. A buyer tries
one diversion per vendor, item and step, through the hub with the lowest expected cost per
successful shipment (route cost / chance of passing).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.policy import PolicyState
from model.vocabulary import ROUTE_INDEX
from model.world import World

LEGAL = ROUTE_INDEX["legal"]
FOREIGN = ROUTE_INDEX["foreign_availability"]
GAP = ROUTE_INDEX["extraterritorial_gap"]


@dataclass(frozen=True)
class Draws:
    """Uniform random numbers for one step, one per decision (drawn whether used or not)."""

    licence: np.ndarray  # [E, C, I]
    enforcement: np.ndarray  # [V, C, I]
    hub: np.ndarray  # [V, C, I]

    @classmethod
    def draw(cls, world: World, n_items: int, licence_rng, enforcement_rng) -> Draws:
        c, v = world.n_countries, world.n_vendors
        return cls(
            licence=licence_rng.random((len(world.exporters), c, n_items)),
            enforcement=enforcement_rng.random((v, c, n_items)),
            hub=enforcement_rng.random((v, c, n_items)),
        )


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

    @property
    def open(self) -> np.ndarray:
        """``[V, R, C, I]``: vendor v can deliver item i to c by route r (materialised on request)."""
        slipped = np.zeros_like(self.available)
        slipped[:, 0] = self.direct_slip
        v, c, i = np.nonzero(self.hub_route >= 0)
        slipped[v, self.hub_route[v, c, i], c, i] = True
        return self.available & (~self.controlled[:, None] | slipped)


def resolve_access(world: World, state: PolicyState, draws: Draws, base_price: np.ndarray) -> Access:
    """Decide licences, enforcement and hub detection for every option.

    ``state.available[v, r, c, i]`` is what the world allows without any control (route exists,
    vendor sells the item, no voluntary restraint); ``base_price[v, r, c]`` the price by each route.
    Diversions are only worked out for controlled options (the draws are made for all).
    """
    available = state.available
    granted = draws.licence < state.approval
    denied = state.requires & ~granted  # [E, C, I]
    enforcement_by_exporter = state.enforcement
    if state.undercut_groups:
        enforcement_by_exporter = state.enforcement.copy()
        for group, strength in zip(state.undercut_groups, state.undercut_enforcement):
            binding = denied[group].any(axis=0) & ~denied[group]  # denied by another member only
            denied[group] |= binding
            enforcement_by_exporter[group] = np.where(binding, strength[:, None, None], state.enforcement[group])
        denied[np.arange(len(world.exporters)), world.exporters, :] = False  # home sales are not exports

    home_denied = denied[world.vendor_exporter]  # [V, C, I]
    vendor_requires = state.requires[world.vendor_exporter]
    gap = np.zeros_like(home_denied)
    et_denied = np.zeros_like(home_denied)
    if state.et_exporter >= 0:
        captured = state.et_capture[:, :, None]
        et_denied = captured & denied[state.et_exporter][None] & ~home_denied
        vendor_requires = vendor_requires | (captured & state.requires[state.et_exporter][None])
        gap = state.et_gap[:, :, None] & state.requires[state.et_exporter][None]
    controlled = home_denied | et_denied

    v, c, i = sales = np.nonzero(controlled)
    home = home_denied[sales]
    enforcement = np.where(home, enforcement_by_exporter[world.vendor_exporter[v], c, i], state.et_enforcement)
    direct_slip = np.zeros_like(controlled)
    direct_slip[sales] = (draws.enforcement[sales] < (1.0 - world.compliance[v]) * (1.0 - enforcement)) & available[v, 0, c, i]
    controller = np.where(home, world.vendor_exporter[v], max(state.et_exporter, 0))
    passing = state.hub_slip[controller]  # [sale, H]
    usable = available[v, 1:, c, i] & (passing > 0)
    expected_cost = np.where(usable, base_price[v, 1:, c] / np.where(usable, passing, 1.0), np.inf)
    hub = np.argmin(expected_cost, axis=1)
    chance = np.take_along_axis(passing, hub[:, None], axis=1)[:, 0]
    diverted = (draws.hub[sales] < chance) & np.isfinite(expected_cost.min(axis=1))
    hub_route = np.full(controlled.shape, -1)
    hub_route[sales] = np.where(diverted, hub + 1, -1)

    any_control = state.requires.any(axis=0)[None]  # [1, C, I]
    tag = np.where(vendor_requires | ~any_control, LEGAL, np.where(gap, GAP, FOREIGN))  # [V, C, I]
    return Access(available=available, controlled=controlled, tag_if_uncontrolled=tag,
                  direct_slip=direct_slip, hub_route=hub_route)


def free_access(available: np.ndarray) -> Access:
    """The same world with no control in force: the counterfactual that measures what was blocked."""
    v, _, c, i = available.shape
    return Access(
        available=available,
        controlled=np.zeros((v, c, i), dtype=bool),
        tag_if_uncontrolled=np.full((v, c, i), LEGAL),
        direct_slip=np.zeros((v, c, i), dtype=bool),
        hub_route=np.full((v, c, i), -1),
    )
