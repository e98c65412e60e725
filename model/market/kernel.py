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

import threading
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from cachetools import LRUCache

from model.market.access import Access
from model.market.choice import attraction, purchase
from model.market.indexing import unravel
from model.market.options import CONVERTED_ITEM, CONVERTED_LAYER, PUBLIC_LAYER, OptionLayout
from model.parameters import ModelParameters
from model.vocabulary import ITEM_INDEX, LAYER_INDEX, LAYER_ITEM, ROUTE_INDEX, ROUTES
from model.world import World, per_world

ALG_1N = LAYER_INDEX["algorithm_1n"]
ILLICIT = ROUTE_INDEX["illicit"]
TRANSSHIPMENT = ROUTE_INDEX["transshipment"]
HOME = ROUTE_INDEX["home_market"]


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

    @cached_property
    def blocked(self) -> np.ndarray:
        """``[C, L]``: what controlled options would have delivered with no control in force."""
        return np.where(self.controlled, self.free.acquired, 0.0).sum(axis=-1)

    @cached_property
    def leaked(self) -> np.ndarray:
        """``[C, L, K]``: acquisitions by route beyond what uncontrolled options delivered freely.

        Slipped controlled options count in full. Home-market sales are never leakage (their column
        is 0), so ``leaked.sum(-1) = actual - (free - blocked)`` minus the change in home-market sales.
        """
        if self.free is self.actual:  # nothing controlled: nothing leaked
            return np.zeros_like(self.by_route)
        baseline = np.where(self.controlled, 0.0, self.free.acquired)
        leaked = self.by_route - route_sums(baseline, self.actual.tag)
        leaked[..., HOME] = 0.0
        return leaked

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
    """A world's route prices ``base[v, r, c]`` (the vendor's price index times the route's cost
    multiplier), every sale's cheapest available route (once per availability pattern) and the
    option table's route tags of uncontrolled sales (once per policy state's tags).

    Build it with :func:`route_prices`, which keeps one per world. Each table keeps the
    :data:`MAX_PATTERNS` patterns last used."""

    MAX_PATTERNS = 64

    def __init__(self, world: World) -> None:
        self.base = world.price[:, None, None] * world.route_cost[world.vendor_exporter]
        self.base.setflags(write=False)
        self._cheapest: LRUCache[bytes, tuple[np.ndarray, np.ndarray]] = LRUCache(self.MAX_PATTERNS)
        self._by_array: LRUCache[int, tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]] = LRUCache(self.MAX_PATTERNS)
        self._tags: LRUCache[int, tuple[np.ndarray, np.ndarray]] = LRUCache(self.MAX_PATTERNS)
        self._lock = threading.Lock()  # runs on a threaded executor share a world's route prices
        self._layout = OptionLayout(world.n_vendors)
        self._home_sale = world.home_sale  # not the world: a value kept per world must not hold it

    def cheapest(self, available: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(route, price)``, each ``[V, C, I]``: the cheapest available route (-1, inf: none).
        Do not write to them: they are shared by every run on the world."""
        with self._lock:
            seen = self._by_array.get(id(available))
            if seen is not None and seen[0] is available:  # the same array as before (a cached policy state)
                return seen[1]
            key = available.tobytes()
            cheapest = self._cheapest.get(key)
            if cheapest is None:
                price = np.where(available, self.base[..., None], np.inf)  # [V, R, C, I]
                route = np.argmin(price, axis=1)
                best = np.take_along_axis(price, route[:, None], axis=1)[:, 0]
                route = np.where(np.isfinite(best), route, -1)
                route.setflags(write=False)
                best.setflags(write=False)
                cheapest = self._cheapest[key] = (route, best)
            self._by_array[id(available)] = (available, cheapest)  # kept alive: its id stays unique
            return cheapest

    def tags(self, vendor_tag: np.ndarray) -> np.ndarray:
        """The ``[C, L, O]`` route tags of the options when no sale is controlled, from the vendors'
        tags ``[V, C, I]`` (read-only: copy before changing it)."""
        with self._lock:
            seen = self._tags.get(id(vendor_tag))
            if seen is None or seen[0] is not vendor_tag:
                table = _option_tags(self._layout, self._home_sale, vendor_tag)
                table.setflags(write=False)
                seen = self._tags[id(vendor_tag)] = (vendor_tag, table)  # kept alive: its id stays unique
            return seen[1]


@per_world()
def route_prices(world: World) -> RoutePrices:
    """The world's :class:`RoutePrices`, kept as long as the world."""
    return RoutePrices(world)


def procure(world: World, params: ModelParameters, market: Market, access: Access, prices: RoutePrices) -> Procurement:
    """Allocate every buyer's budget with controls (``access``) and, when some option is
    controlled, without them (the free counterfactual, which shares all but the controlled options)."""
    layout = OptionLayout(world.n_vendors)
    free_route, free_price = prices.cheapest(access.available)
    price = _option_price(layout, params, market, free_price)
    appeal = _option_appeal(layout, params, market, world)
    free_weight = attraction(price, appeal, params.price_sensitivity)
    tag = prices.tags(access.tag_if_uncontrolled)
    if not access.controlled.any():  # nothing controlled: the free allocation is the actual one
        actual = _allocation(market, params, free_weight, tag, free_route)
        return Procurement(layout, actual, actual, np.zeros(free_weight.shape, dtype=bool))

    v, c, i = unravel(access.sales, access.controlled.shape)
    cells = layout.positions(v, c, i)
    route, sale_price = _slipped(access, prices.base, (v, c), 1.0 + params.risk_premium)
    weight = free_weight.copy()
    weight.put(cells, attraction(
        sale_price * np.where(i == CONVERTED_ITEM, 1.0 + params.conversion_cost, 1.0) * market.price_level,
        appeal.take(cells), params.price_sensitivity,
    ))
    tag = tag.copy()
    tag.put(cells, np.where(route == 0, ILLICIT, TRANSSHIPMENT))
    actual_route = free_route.copy()
    actual_route.put(access.sales, route)
    controlled = np.zeros(weight.shape, dtype=bool)
    controlled.put(cells, True)
    return Procurement(
        layout=layout,
        actual=_allocation(market, params, weight, tag, actual_route),
        free=_allocation(market, params, free_weight, None, free_route),
        controlled=controlled,
    )


def _slipped(access: Access, base: np.ndarray, seller: tuple[np.ndarray, np.ndarray], premium: float
             ) -> tuple[np.ndarray, np.ndarray]:
    """Controlled sales' cheaper open route (direct first on a tie) and its price with the risk
    premium: ``(route, price)`` per sale (-1, inf where nothing slipped). ``seller`` holds each
    sale's vendor and buyer ``(v, c)``; ``base`` is ``[V, R, C]``."""
    v, c = seller
    n_r, n_c = base.shape[1:]
    direct = np.where(access.direct_slip.take(access.sales), base.take(v * (n_r * n_c) + c) * premium, np.inf)
    hub = access.hub_route.take(access.sales)
    via_hub = np.where(hub >= 0, base.take((v * n_r + np.maximum(hub, 0)) * n_c + c) * premium, np.inf)
    use_hub = via_hub < direct
    route = np.where(use_hub, hub, np.where(np.isfinite(direct), 0, -1))
    return route, np.where(use_hub, via_hub, direct)


def _option_price(layout: OptionLayout, params: ModelParameters, market: Market, price: np.ndarray) -> np.ndarray:
    """``[C, L, O]`` prices from the vendors' prices ``[V, C, I]`` (closed options: inf)."""
    table = layout.table(
        price.shape[1], layout.vendor_block(price), price[:, :, CONVERTED_ITEM].T * (1.0 + params.conversion_cost),
        params.domestic_price, params.public_copy_price, np.inf,
    )
    return table * market.price_level


def quality_exponent(params: ModelParameters) -> np.ndarray:
    """``[L]`` logit coefficient on log quality per layer: ``quality_sensitivity``, times
    ``data_quality_weight`` for training data."""
    exponent = np.full(len(LAYER_ITEM), params.quality_sensitivity)
    exponent[PUBLIC_LAYER] *= params.data_quality_weight
    return exponent


def _option_appeal(layout: OptionLayout, params: ModelParameters, market: Market, world: World) -> np.ndarray:
    """``[C, L, O]`` attraction at unit price: the option's scale times its quality to the power of
    its layer's b_q (0 for zero quality), the powers taken on the small per-vendor arrays and then
    laid out."""
    qs = quality_exponent(params)
    n_c = market.domestic_quality.shape[0]
    vendor = market.vendor_quality[:, list(LAYER_ITEM)].T[None]  # [1, L, V]
    converted = market.vendor_quality[None, :, CONVERTED_ITEM] * params.conversion_efficiency  # 1:N layer
    pieces = ((vendor, qs[:, None]), (converted, qs[CONVERTED_LAYER]), (market.domestic_quality, qs),
              (np.array(market.public_quality), qs[PUBLIC_LAYER]))
    powered = (np.where(q > 0, np.power(np.where(q > 0, q, 1.0), b), 0.0) for q, b in pieces)
    return _option_scale(world, market.public_availability) * layout.table(n_c, *powered, 0.0)


@per_world(maxsize=4)
def _option_scale(world: World, public_availability: float) -> np.ndarray:
    """Each option's attraction scale, ``[C, L, O]`` (read-only, kept per world and availability):
    for vendor and conversion options the vendor's market presence in the layer times
    ``exp(affinity)`` of the buyer for the vendor's home country, 1 for domestic, the public
    copies' ``public_availability`` for public copies."""
    vendor_scale = world.scale[None] * world.tie_weight[:, None]  # [C, L, V]
    n_l = world.scale.shape[0]
    other_scale = np.broadcast_to([1.0, public_availability], (world.n_countries, n_l, 2))
    scale = np.concatenate([vendor_scale, vendor_scale, other_scale], axis=2)
    scale.setflags(write=False)
    return scale


def _option_tags(layout: OptionLayout, home_sale: np.ndarray, vendor_tag: np.ndarray) -> np.ndarray:
    """``[C, L, O]`` route tags from the vendors' tags ``[V, C, I]``; a vendor's sales (direct or
    converted) in its own home country (``home_sale[v, c]``) are home-market sales."""
    tag = layout.tags(layout.vendor_block(vendor_tag))
    home = np.tile(home_sale.T[:, None, :], (1, 1, 2))  # [C, 1, 2V]
    tag[:, :, : layout.converted.stop] = np.where(home, HOME, tag[:, :, : layout.converted.stop])
    return tag


def _allocation(
    market: Market, params: ModelParameters, weight: np.ndarray, tag: np.ndarray | None, route: np.ndarray
) -> Allocation:
    """The logit split of the budgets over options of attraction ``weight``."""
    spend, acquired = purchase(market.budget, weight, params.price_sensitivity)
    return Allocation(spend=spend, acquired=acquired, tag=tag, route=route)
