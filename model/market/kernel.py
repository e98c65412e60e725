"""The procurement kernel: options, effective prices, the logit split and route tags, on whole arrays.

For every buyer ``c`` and layer ``l`` the options are laid out as :class:`OptionLayout` describes. A
vendor reaches a buyer by its cheapest open route. Acquisitions are the buyer's CES composite (see
:mod:`model.market.choice`), attributed to options by their share of spending.

The kernel never materialises ``[vendor, route, buyer, item]`` per step: the cheapest available
route of every sale is worked out once per policy state (:class:`RoutePrices`), and only the
controlled sales, open at most by a direct slip and one diversion, are re-priced. The free
allocation (no control in force) differs from the actual one only in the controlled options, so
it shares the qualities, the option scales and every uncontrolled option's attraction, and it is
worked out only in the rows (a buyer's layer) with a controlled option: elsewhere it is the actual
row (:attr:`Procurement.free`).

The passes over the option table ``[C, L, O]`` are compiled (:mod:`model.market.compiled`) and give
NumPy's numbers to the last bit; NumPy takes the powers.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass

import numpy as np
from cachetools import LRUCache

from model.market.access import Access
from model.market.options import (
    CONVERSION,
    CONVERTED_ITEM,
    CONVERTED_LAYER,
    DOMESTIC,
    ITEM_LAYER,
    PUBLIC_COPIES,
    PUBLIC_LAYER,
    OptionLayout,
    openable,
)
from model.parameters import ModelParameters
from model.vocabulary import ITEM_INDEX, LAYER_ITEM, ROUTES, tagged_by
from model.world import World, per_world

ILLICIT = tagged_by("illicit", "market/kernel.py: a controlled direct sale enforcement failed to stop")
TRANSSHIPMENT = tagged_by("transshipment", "market/kernel.py: a controlled sale that slipped through a hub")
HOME = tagged_by("home_market", "market/kernel.py: a vendor's sale in its own home country")
_LAYER_ITEM = np.array(LAYER_ITEM)
_NO_OPTIONS = np.zeros((0, 0, 0))  # the unused arrays of a step with nothing controlled
TAG = np.min_scalar_type(-len(ROUTES))
"""The option table's route tags' type: the smallest signed integer that holds every route (int8: an
eighth of the bytes each pass over the table moves for them)."""
_NO_TAGS = np.zeros((0, 0, 0), dtype=TAG)
_NO_SLOTS = np.zeros((0, 0, 0), dtype=np.intp)
_NO_APPEAL = np.zeros((0, 0))
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
    counterfactual: Allocation
    """The free allocation's arrays as the kernel leaves them: worked out in the ``denying`` rows only
    (read :attr:`free`); the actual allocation itself when nothing is controlled."""
    denying: np.ndarray  # [C, L] bool: some option of the row is controlled
    controlled: np.ndarray  # [C, L, O] bool: option denied by a control (whether or not it slipped)
    by_route: np.ndarray  # [C, L, K] acquisitions by route tag
    blocked: np.ndarray  # [C, L] what controlled options would have delivered with no control in force
    leaked: np.ndarray
    """``[C, L, K]``: acquisitions by route beyond what uncontrolled options delivered freely.

    Slipped controlled options count in full. Home-market sales are never leakage (their column
    is 0), so ``leaked.sum(-1) = actual - (free - blocked)`` minus the change in home-market sales."""
    denied_share: np.ndarray  # [C, L] share of the budget the free allocation spent on options controls deny
    acquired_total: np.ndarray  # [C, L] acquisitions, ``actual.acquired.sum(axis=-1)``

    @functools.cached_property
    def free(self) -> Allocation:
        """The same step with no control in force (its tags and routes are not kept): in a row with
        nothing controlled it is the actual allocation, so only the others are worked out."""
        counterfactual = self.counterfactual
        if counterfactual is self.actual:
            return self.actual
        rows = self.denying[..., None]
        return Allocation(spend=np.where(rows, counterfactual.spend, self.actual.spend),
                          acquired=np.where(rows, counterfactual.acquired, self.actual.acquired), tag=None,
                          route=counterfactual.route)

    def vendor_revenue(self) -> np.ndarray:
        """``[V, I]`` revenue from every layer's options, conversion purchases under the 1:1 item."""
        from model.market import compiled

        revenue = np.zeros((self.layout.n_vendors, len(ITEM_INDEX)))
        compiled.vendor_revenue(self.actual.spend, _LAYER_ITEM, CONVERTED_LAYER, CONVERTED_ITEM, revenue)
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
                from model.market import compiled

                route, best = compiled.cheapest_routes(available, self.base)
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
    open_start, open_options = _open_options(world)
    shape = scale.shape
    exponent = _gathered_exponents(params.quality_sensitivity, params.data_quality_weight, shape[0], world.n_vendors)
    quality, positive = np.empty(exponent.size), np.empty(exponent.size, dtype=bool)
    compiled.qualities(market.vendor_quality, market.domestic_quality, market.public_quality,
                       params.conversion_efficiency, _LAYER_ITEM, CONVERTED_ITEM, quality, positive)
    powered = np.power(quality, exponent)

    any_control = access.sales.size > 0
    free_weight, free_total = np.empty(shape), np.empty(shape[:2])
    controlled, denying = np.zeros(shape, dtype=bool), np.zeros(shape[:2], dtype=bool)
    if any_control:
        weight, total, tag = np.empty(shape), np.empty(shape[:2]), np.empty(shape, dtype=base_tag.dtype)
        slot, cell_price = np.empty(shape, dtype=np.intp), np.empty(access.sales.size)
        actual_route = free_route.copy()
        compiled.slip(access.sales, access.direct_slip, access.hub_route, prices.base, 1.0 + params.risk_premium,
                      conversion, level, ITEM_LAYER, CONVERTED_ITEM, ILLICIT, TRANSSHIPMENT, actual_route,
                      controlled, denying, slot, cell_price, tag)
    else:
        weight, total, tag, actual_route = free_weight, free_total, base_tag, free_route
        slot, cell_price = _NO_SLOTS, _NO_PRICES
    usable_prices = np.empty(free_weight.size + access.sales.size)
    n_usable = compiled.appeal(
        free_price, scale, powered, positive,
        _NO_APPEAL if market.vendor_appeal is None else market.vendor_appeal, _LAYER_ITEM, CONVERTED_ITEM,
        level, conversion, params.domestic_price, params.public_copy_price, base_tag,
        any_control, slot, cell_price, open_start, open_options, free_weight, weight,
        tag if any_control else _NO_TAGS, controlled, denying, usable_prices,
    )
    powers = np.power(usable_prices[:n_usable], -b_p)
    compiled.weigh(free_weight, weight, controlled, denying, any_control, powers, open_start, open_options, free_total,
                   total)

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
        total ** inverse if any_control else free_composite, tags, controlled, denying, HOME, any_control,
        open_start, open_options, free_acquired, acquired, by_route, leaked, blocked, denied_share, acquired_total,
    )
    actual = Allocation(spend=weight, acquired=acquired, tag=tag, route=actual_route)
    free = Allocation(spend=free_weight, acquired=free_acquired, tag=None, route=free_route) if any_control else actual
    return Procurement(layout, actual, free, denying, controlled, by_route, blocked, leaked, denied_share,
                       acquired_total)


def quality_exponent(params: ModelParameters) -> np.ndarray:
    """``[L]`` logit coefficient on log quality per layer: ``quality_sensitivity``, times
    ``data_quality_weight`` for training data."""
    return _layer_exponent(params.quality_sensitivity, params.data_quality_weight)


def _layer_exponent(quality_sensitivity: float, data_quality_weight: float) -> np.ndarray:
    exponent = np.full(len(LAYER_ITEM), quality_sensitivity)
    exponent[PUBLIC_LAYER] *= data_quality_weight
    return exponent


@functools.lru_cache(maxsize=16)
def _gathered_exponents(quality_sensitivity: float, data_quality_weight: float, n_c: int, n_v: int) -> np.ndarray:
    """Each quality's b_q (:func:`quality_exponent`) in the order :func:`model.market.compiled.qualities`
    gathers the qualities: vendors ``[L, V]``, conversions ``[V]``, domestic ``[C, L]``, public copies
    (read-only). An option's attraction at unit price is its scale (:func:`_option_scale`) times its
    quality to this power, 0 for a quality that is not positive, and for a vendor times the input
    layer's factor (``Market.vendor_appeal``) when given."""
    exponent = _layer_exponent(quality_sensitivity, data_quality_weight)
    gathered = np.concatenate([np.repeat(exponent, n_v), np.full(n_v, exponent[CONVERTED_LAYER]),
                               np.tile(exponent, n_c), exponent[PUBLIC_LAYER:PUBLIC_LAYER + 1]])
    gathered.setflags(write=False)
    return gathered


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


@per_world()
def _open_options(world: World) -> tuple[np.ndarray, np.ndarray]:
    """The options each layer can open in ``world`` (:func:`model.market.options.openable`; read-only)."""
    start, options = openable(world.sells)
    for array in (start, options):
        array.setflags(write=False)
    return start, options


def _option_tags(layout: OptionLayout, home_sale: np.ndarray, vendor_tag: np.ndarray) -> np.ndarray:
    """``[C, L, O]`` route tags (:data:`TAG`) from the vendors' tags ``[V, C, I]``: a vendor's sales
    (direct or converted) in its own home country (``home_sale[v, c]``) are home-market sales;
    conversion, domestic and public-copy options carry their own route (whether open or not)."""
    from model.market import compiled

    n_c = vendor_tag.shape[1]
    tag = np.empty((n_c, len(LAYER_ITEM), layout.size), dtype=TAG)
    compiled.option_tags(vendor_tag, home_sale, _LAYER_ITEM, CONVERSION, DOMESTIC, PUBLIC_COPIES, HOME, tag)
    return tag
