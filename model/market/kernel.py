"""The procurement kernel: options, effective prices, the logit split and route tags, on whole arrays.

For every buyer ``c`` and layer ``l`` the options are laid out as :class:`OptionLayout` describes. A
vendor reaches a buyer by its cheapest open route. Acquisitions are the buyer's CES composite (see
:mod:`model.market.choice`), attributed to options by their share of spending.

The kernel never materialises ``[vendor, route, buyer, item]`` per step: the cheapest available
route of every sale is worked out once per policy state (:class:`RoutePrices`), and only the
controlled sales, open at most by a direct slip and one diversion, are re-priced. The free
allocation (no control in force) differs from the actual one only in the controlled options, so
it shares the qualities, the option scales and every uncontrolled option's attraction.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from model.market.access import Access
from model.market.choice import attraction, purchase
from model.market.options import CONVERTED_ITEM, OptionLayout
from model.parameters import ModelParameters
from model.vocabulary import ITEM_INDEX, LAYER_INDEX, LAYER_ITEM, ROUTE_INDEX, ROUTES
from model.world import World

ALG_1N = LAYER_INDEX["algorithm_1n"]
ILLICIT = ROUTE_INDEX["illicit"]
TRANSSHIPMENT = ROUTE_INDEX["transshipment"]


@dataclass(frozen=True)
class Market:
    """What a step's market needs besides access: budgets and the qualities in force."""

    budget: np.ndarray  # [C, L] US$ this step
    vendor_quality: np.ndarray  # [V, I]
    domestic_quality: np.ndarray  # [C, L]
    public_quality: float
    public_availability: float = 1.0  # scales the public copies' attraction (takedowns)
    price_level: float = 1.0  # multiplies every price (falling technology prices)


@dataclass(frozen=True)
class Allocation:
    """One logit allocation over the option table (arrays ``[C, L, O]``)."""

    spend: np.ndarray
    acquired: np.ndarray
    tag: np.ndarray
    route: np.ndarray  # [V, C, I] chosen route per vendor option (-1 none open)


@dataclass(frozen=True)
class Procurement:
    """A step's purchases, their routes, and what controls blocked and what leaked."""

    layout: OptionLayout
    actual: Allocation
    free: Allocation  # the same step with no control in force (its tags and routes are not kept)
    controlled: np.ndarray  # [C, L, O] bool: option denied by a control (whether or not it slipped)

    @cached_property
    def by_route(self) -> np.ndarray:
        """Acquisitions ``[C, L, K]`` by route tag."""
        return route_sums(self.actual.acquired, self.actual.tag)

    @property
    def blocked(self) -> np.ndarray:
        """``[C, L]``: what controlled options would have delivered with no control in force."""
        return np.where(self.controlled, self.free.acquired, 0.0).sum(axis=-1)

    @cached_property
    def leaked(self) -> np.ndarray:
        """``[C, L, K]``: acquisitions by route beyond what uncontrolled options delivered freely.

        Slipped controlled options count in full; ``leaked.sum(-1) = actual - (free - blocked)``.
        """
        baseline = np.where(self.controlled, 0.0, self.free.acquired)
        return self.by_route - route_sums(baseline, self.actual.tag)

    @cached_property
    def denied_share(self) -> np.ndarray:
        """``[C, L]``: share of the budget the free allocation spent on options controls deny."""
        budget = self.free.spend.sum(axis=-1)
        denied = np.where(self.controlled, self.free.spend, 0.0).sum(axis=-1)
        return np.divide(denied, budget, out=np.zeros_like(denied), where=budget > 0)

    def vendor_revenue(self) -> np.ndarray:
        """``[V, I]`` revenue from every layer's options, conversion purchases under the 1:1 item."""
        spend = self.actual.spend
        layout = self.layout
        revenue = np.zeros((layout.n_vendors, len(ITEM_INDEX)))
        for layer, item in enumerate(LAYER_ITEM):
            revenue[:, item] += spend[:, layer, layout.vendors].sum(axis=0)
        revenue[:, CONVERTED_ITEM] += spend[:, ALG_1N, layout.converted].sum(axis=0)
        return revenue


def route_sums(values: np.ndarray, tag: np.ndarray) -> np.ndarray:
    """Sum ``values[C, L, O]`` by ``tag[C, L, O]`` into ``[C, L, K]``."""
    n_c, n_l, n_o = values.shape
    k = len(ROUTES)
    cell = np.arange(n_c * n_l)[:, None] * k + tag.reshape(n_c * n_l, n_o)
    return np.bincount(cell.ravel(), weights=values.ravel(), minlength=n_c * n_l * k).reshape(n_c, n_l, k)


class RoutePrices:
    """Route prices ``base[v, r, c]`` (the vendor's price index times the route's cost multiplier)
    and, per availability array, every sale's cheapest available route, worked out once."""

    def __init__(self, base: np.ndarray) -> None:
        self.base = base
        self._cheapest: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def cheapest(self, available: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(route, price)``, each ``[V, C, I]``: the cheapest available route (-1, inf: none)."""
        key = id(available)
        if key not in self._cheapest:  # the array is kept, so its id is not reused
            price = np.where(available, self.base[..., None], np.inf)  # [V, R, C, I]
            route = np.argmin(price, axis=1)
            best = np.take_along_axis(price, route[:, None], axis=1)[:, 0]
            self._cheapest[key] = (available, np.where(np.isfinite(best), route, -1), best)
        return self._cheapest[key][1:]


def procure(world: World, params: ModelParameters, market: Market, access: Access, prices: RoutePrices) -> Procurement:
    """Allocate every buyer's budget with controls (``access``) and, when some option is
    controlled, without them (the free counterfactual)."""
    layout = OptionLayout(world.n_vendors)
    free_route, free_price = prices.cheapest(access.available)
    quality = _option_quality(layout, params, market)
    scale = _option_scale(world, market)
    free_weight = attraction(
        _option_price(layout, params, market, free_price), quality, scale,
        params.price_sensitivity, params.quality_sensitivity,
    )
    free_tag = access.tag_if_uncontrolled
    if not access.controlled.any():  # nothing controlled: the free allocation is the actual one
        actual = _allocation(layout, params, market, free_weight, free_route, free_tag)
        return Procurement(layout, actual, actual, np.zeros(free_weight.shape, dtype=bool))

    controlled = access.controlled
    route, price = _slipped(access, prices.base, 1.0 + params.risk_premium)
    route = np.where(controlled, route, free_route)
    price = np.where(controlled, price, free_price)
    tag = np.where(controlled, np.where(route == 0, ILLICIT, TRANSSHIPMENT), free_tag)
    weight = attraction(
        _option_price(layout, params, market, price), quality, scale,
        params.price_sensitivity, params.quality_sensitivity,
    )
    return Procurement(
        layout=layout,
        actual=_allocation(layout, params, market, weight, route, tag),
        free=_allocation(layout, params, market, free_weight, free_route, None),
        controlled=layout.vendor_mask(controlled),
    )


def _slipped(access: Access, base: np.ndarray, premium: float) -> tuple[np.ndarray, np.ndarray]:
    """Controlled sales' cheaper open route (direct first on a tie) and its price with the risk
    premium: ``(route, price)``, each ``[V, C, I]`` (-1, inf where nothing slipped)."""
    n_v, _, n_c, n_i = access.available.shape
    v, c = np.arange(n_v)[:, None, None], np.arange(n_c)[None, :, None]
    direct = np.where(access.direct_slip, base[:, 0, :, None] * premium, np.inf)
    hub = access.hub_route
    via_hub = np.where(hub >= 0, base[v, np.maximum(hub, 0), c] * premium, np.inf)
    use_hub = via_hub < direct
    route = np.where(use_hub, hub, np.where(np.isfinite(direct), 0, -1))
    return route, np.where(use_hub, via_hub, direct)


def _option_price(layout: OptionLayout, params: ModelParameters, market: Market, price: np.ndarray) -> np.ndarray:
    """``[C, L, O]`` prices from the vendors' prices ``[V, C, I]`` (closed options: inf)."""
    table = layout.table(
        layout.vendor_block(price), price[:, :, CONVERTED_ITEM].T * (1.0 + params.conversion_cost),
        params.domestic_price, params.public_copy_price, np.inf,
    )
    return table * market.price_level


def _option_quality(layout: OptionLayout, params: ModelParameters, market: Market) -> np.ndarray:
    """``[C, L, O]`` qualities (closed options: 0)."""
    n_c = market.domestic_quality.shape[0]
    vendors = np.broadcast_to(market.vendor_quality[:, list(LAYER_ITEM)].T[None], (n_c, len(LAYER_ITEM), layout.n_vendors))
    converted = market.vendor_quality[None, :, CONVERTED_ITEM] * params.conversion_efficiency
    return layout.table(vendors, converted, market.domestic_quality, market.public_quality, 0.0)


def _option_scale(world: World, market: Market) -> np.ndarray:
    """Each option's attraction scale, ``[O]`` (or anything that broadcasts to ``[C, L, O]``):
    the vendor's scale for vendor and conversion options, 1 for domestic, the public copies'
    availability for public copies."""
    return np.concatenate([world.scale, world.scale, [1.0, market.public_availability]])


def _allocation(
    layout: OptionLayout, params: ModelParameters, market: Market, weight: np.ndarray, route: np.ndarray,
    vendor_tag: np.ndarray | None,
) -> Allocation:
    """The logit split of the budgets over options of attraction ``weight``; the tag table is laid
    out from the vendors' tags ``[V, C, I]`` (None: not needed)."""
    spend, acquired = purchase(market.budget, weight, params.price_sensitivity)
    tag = None if vendor_tag is None else layout.tags(layout.vendor_block(vendor_tag))
    return Allocation(spend=spend, acquired=acquired, tag=tag, route=route)
