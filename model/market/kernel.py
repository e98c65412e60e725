"""The procurement kernel: options, effective prices, the logit split and route tags, on whole arrays.

For every buyer ``c`` and layer ``l`` the options are laid out as :class:`OptionLayout` describes. A
vendor reaches a buyer by its cheapest open route. Acquisitions are the buyer's CES composite (see
:mod:`model.market.choice`), attributed to options by their share of spending.

The kernel never materialises ``[vendor, route, buyer, item]`` per step: the cheapest available
route of every sale is worked out once per policy state (:class:`RoutePrices`), and only the
controlled sales, open at most by a direct slip and one diversion, are re-priced. The free
allocation (no control in force) differs from the actual one only in the controlled options, so
it shares the qualities, the option scales and every uncontrolled option's attraction.

The passes over the option table ``[C, L, O]`` are compiled (:mod:`model.market.compiled`) and give
NumPy's numbers to the last bit; NumPy takes the powers.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from cachetools import LRUCache

from model.market.access import Access
from model.market.indexing import unravel
from model.market.options import CONVERTED_ITEM, CONVERTED_LAYER, PUBLIC_LAYER, OptionLayout
from model.parameters import ModelParameters
from model.vocabulary import ITEM_INDEX, LAYER_INDEX, LAYER_ITEM, ROUTES, tagged_by
from model.world import World, per_world

ALG_1N = LAYER_INDEX["algorithm_1n"]
ILLICIT = tagged_by("illicit", "market/kernel.py: a controlled direct sale enforcement failed to stop")
TRANSSHIPMENT = tagged_by("transshipment", "market/kernel.py: a controlled sale that slipped through a hub")
HOME = tagged_by("home_market", "market/kernel.py: a vendor's sale in its own home country")
_LAYER_ITEM = np.array(LAYER_ITEM)
_NO_OPTIONS = np.zeros((0, 0, 0))  # the unused arrays of a step with nothing controlled
_NO_TAGS = np.zeros((0, 0, 0), dtype=np.intp)
_NO_CELLS = np.zeros(0, dtype=np.intp)
_NO_PRICES = np.zeros(0)


@dataclass(frozen=True)
class Market:
    """What a step's market needs besides access: budgets and the qualities in force."""

    budget: np.ndarray  # [C, L] US$ this step
    vendor_quality: np.ndarray  # [V, I]
    domestic_quality: np.ndarray  # [C, L]
    public_quality: float
    public_availability: float = 1.0  # scales the public copies' attraction (takedowns)
    price_level: float = 1.0  # multiplies every price (falling technology prices)
    vendor_appeal: np.ndarray | None = None  # [V, I] multiplies vendor options' attraction (inputs, 7.17)


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
    by_route: np.ndarray  # [C, L, K] acquisitions by route tag
    blocked: np.ndarray  # [C, L] what controlled options would have delivered with no control in force
    leaked: np.ndarray
    """``[C, L, K]``: acquisitions by route beyond what uncontrolled options delivered freely.

    Slipped controlled options count in full. Home-market sales are never leakage (their column
    is 0), so ``leaked.sum(-1) = actual - (free - blocked)`` minus the change in home-market sales."""
    denied_share: np.ndarray  # [C, L] share of the budget the free allocation spent on options controls deny
    acquired_total: np.ndarray  # [C, L] acquisitions, ``actual.acquired.sum(axis=-1)``

    def vendor_revenue(self) -> np.ndarray:
        """``[V, I]`` revenue from every layer's options, conversion purchases under the 1:1 item."""
        spend = self.actual.spend
        layout = self.layout
        revenue = np.zeros((layout.n_vendors, len(ITEM_INDEX)))
        for layer, item in enumerate(LAYER_ITEM):
            revenue[:, item] += spend[:, layer, layout.vendors].sum(axis=0)
        revenue[:, CONVERTED_ITEM] += spend[:, ALG_1N, layout.converted].sum(axis=0)
        return revenue


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
    from model.market import compiled  # Numba on first use: importing the package stays light

    layout = OptionLayout(world.n_vendors)
    free_route, free_price = prices.cheapest(access.available)
    base_tag = prices.tags(access.tag_if_uncontrolled)
    b_p, level = params.price_sensitivity, market.price_level
    conversion = 1.0 + params.conversion_cost
    scale = _option_scale(world, market.public_availability)
    shape = scale.shape
    q_vendor, q_converted, q_domestic, q_public = _powered_qualities(params, market)

    any_control = access.sales.size > 0
    free_weight, free_total = np.empty(shape), np.empty(shape[:2])
    if any_control:
        v, c, i = unravel(access.sales, access.controlled.shape)
        cells = layout.positions(v, c, i)
        order = np.argsort(cells)
        route, sale_price = _slipped(access, prices.base, (v, c), 1.0 + params.risk_premium)
        cell_price = (sale_price * np.where(i == CONVERTED_ITEM, conversion, 1.0) * level)[order]
        cell_tag = np.where(route == 0, ILLICIT, TRANSSHIPMENT).astype(base_tag.dtype)[order]
        cells = cells[order]
        weight, total, tag = np.empty(shape), np.empty(shape[:2]), np.empty(shape, dtype=base_tag.dtype)
        controlled = np.empty(shape, dtype=bool)
        actual_route = free_route.copy()
        actual_route.put(access.sales, route)
    else:
        cells, cell_price, cell_tag = _NO_CELLS, _NO_PRICES, _NO_CELLS.astype(base_tag.dtype)
        weight, total, tag, actual_route = free_weight, free_total, base_tag, free_route
        controlled = np.zeros(shape, dtype=bool)
    usable_prices = np.empty(free_weight.size + cells.size)
    n_usable = compiled.appeal(
        free_price, scale, q_vendor, q_converted, q_domestic, q_public, _LAYER_ITEM, CONVERTED_ITEM,
        CONVERTED_LAYER, PUBLIC_LAYER, level, conversion, params.domestic_price, params.public_copy_price,
        base_tag, cells, cell_price, cell_tag, free_weight, weight, tag if any_control else _NO_TAGS, controlled,
        usable_prices,
    )
    powers = np.power(usable_prices[:n_usable], -b_p)
    denying = np.empty(shape[:2], dtype=bool)  # rows with a controlled option
    compiled.weigh(free_weight, weight, controlled, any_control, powers, free_total, total, denying)

    free_acquired = np.empty(shape) if any_control else _NO_OPTIONS
    acquired = np.empty(shape)
    by_route, leaked = np.empty((*shape[:2], len(ROUTES))), np.zeros((*shape[:2], len(ROUTES)))
    blocked, denied_share, acquired_total = np.zeros(shape[:2]), np.zeros(shape[:2]), np.empty(shape[:2])
    inverse = 1.0 / b_p
    tags = tag.view()
    tags.setflags(write=False)  # the shared tags when nothing is controlled: one compiled signature
    free_composite = free_total ** inverse
    compiled.split(
        market.budget, free_weight, weight, free_total, total, free_composite,
        total ** inverse if any_control else free_composite, tags, controlled, denying, HOME, any_control, free_acquired,
        acquired, by_route, leaked, blocked, denied_share, acquired_total,
    )
    actual = Allocation(spend=weight, acquired=acquired, tag=tag, route=actual_route)
    free = Allocation(spend=free_weight, acquired=free_acquired, tag=None, route=free_route) if any_control else actual
    return Procurement(layout, actual, free, controlled, by_route, blocked, leaked, denied_share, acquired_total)


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


def quality_exponent(params: ModelParameters) -> np.ndarray:
    """``[L]`` logit coefficient on log quality per layer: ``quality_sensitivity``, times
    ``data_quality_weight`` for training data."""
    exponent = np.full(len(LAYER_ITEM), params.quality_sensitivity)
    exponent[PUBLIC_LAYER] *= params.data_quality_weight
    return exponent


def _powered_qualities(params: ModelParameters, market: Market) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Each option's quality to the power of its layer's b_q (0 for zero quality), on the small
    per-vendor arrays: vendors ``[L, V]`` (each layer's item), conversions ``[V]`` (the 1:1 item at
    ``conversion_efficiency``), domestic ``[C, L]`` and public copies; a vendor's are multiplied by the
    input layer's factor (``Market.vendor_appeal``) when given. An option's attraction at unit price is
    its scale (:func:`_option_scale`) times this."""
    qs = quality_exponent(params)
    vendor = market.vendor_quality[:, list(LAYER_ITEM)].T  # [L, V]
    converted = market.vendor_quality[:, CONVERTED_ITEM] * params.conversion_efficiency
    pieces = ((vendor, qs[:, None]), (converted, qs[CONVERTED_LAYER]), (market.domestic_quality, qs),
              (np.array(market.public_quality), qs[PUBLIC_LAYER]))
    q_vendor, q_converted, q_domestic, q_public = (
        np.where(q > 0, np.power(np.where(q > 0, q, 1.0), b), 0.0) for q, b in pieces)
    if market.vendor_appeal is not None:  # vendors' denied inputs (model.simulation.sourcing, docs/ODD.md 7.17)
        q_vendor = q_vendor * market.vendor_appeal[:, list(LAYER_ITEM)].T
        q_converted = q_converted * market.vendor_appeal[:, CONVERTED_ITEM]
    return q_vendor, q_converted, q_domestic, float(q_public)


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
