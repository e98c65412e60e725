"""The procurement kernel: options, effective prices, the logit split and route tags, on whole arrays.

For every buyer ``c`` and layer ``l`` the options ``o`` are laid out as
``[vendors (item of l) | vendors (1:1 item, for conversion) | domestic | public copies]``.
A vendor reaches a buyer by its cheapest open route. Acquisitions are the buyer's CES composite
(see :mod:`model.market.choice`), attributed to options by their share of spending.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from model.market.access import Access
from model.market.choice import attraction, purchase
from model.parameters import ModelParameters
from model.vocabulary import ITEM_INDEX, LAYER_INDEX, LAYER_ITEM, ROUTE_INDEX, ROUTES
from model.world import World

ALG_1N = LAYER_INDEX["algorithm_1n"]
DATA = LAYER_INDEX["training_data"]
ITEM_11 = ITEM_INDEX["algorithm_11"]
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

    actual: Allocation
    free: Allocation  # the same step with no control in force
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

        Slipped controlled options count in full. Home-market sales are never leakage (their column
        is 0), so ``leaked.sum(-1) = actual - (free - blocked)`` minus the change in home-market sales.
        """
        baseline = np.where(self.controlled, 0.0, self.free.acquired)
        leaked = self.by_route - route_sums(baseline, self.actual.tag)
        leaked[..., HOME] = 0.0
        return leaked

    @property
    def denied_share(self) -> np.ndarray:
        """``[C, L]``: share of the budget the free allocation spent on options controls deny."""
        budget = self.free.spend.sum(axis=-1)
        denied = np.where(self.controlled, self.free.spend, 0.0).sum(axis=-1)
        return np.divide(denied, budget, out=np.zeros_like(denied), where=budget > 0)

    def vendor_revenue(self, n_vendors: int) -> np.ndarray:
        """``[V, I]`` revenue from every layer's options, conversion purchases under the 1:1 item."""
        spend = self.actual.spend
        revenue = np.zeros((n_vendors, len(ITEM_INDEX)))
        for layer, item in enumerate(LAYER_ITEM):
            revenue[:, item] += spend[:, layer, :n_vendors].sum(axis=0)
        revenue[:, ITEM_11] += spend[:, ALG_1N, n_vendors : 2 * n_vendors].sum(axis=0)
        return revenue


def route_sums(values: np.ndarray, tag: np.ndarray) -> np.ndarray:
    """Sum ``values[C, L, O]`` by ``tag[C, L, O]`` into ``[C, L, K]``."""
    n_c, n_l, n_o = values.shape
    k = len(ROUTES)
    cell = np.arange(n_c * n_l)[:, None] * k + tag.reshape(n_c * n_l, n_o)
    return np.bincount(cell.ravel(), weights=values.ravel(), minlength=n_c * n_l * k).reshape(n_c, n_l, k)


def procure(
    world: World,
    params: ModelParameters,
    market: Market,
    access: Access,
    free: Access,
    base_price: np.ndarray,
) -> Procurement:
    """Allocate every buyer's budget with controls (``access``) and without them (``free``).

    ``base_price[v, r, c]`` is the vendor's price index times the route's cost multiplier.
    """
    actual = _allocate(world, params, market, access, base_price)
    return Procurement(
        actual=actual,
        # with nothing controlled the free allocation is the actual one (same options, no premium)
        free=_allocate(world, params, market, free, base_price) if access.controlled.any() else actual,
        controlled=_option_mask(world, access.controlled),
    )


def _allocate(
    world: World, params: ModelParameters, market: Market, access: Access, base_price: np.ndarray
) -> Allocation:
    n_v = world.n_vendors
    premium = 1.0 + params.risk_premium * (access.controlled[:, None] & access.open)
    price = np.where(access.open, base_price[..., None] * premium, np.inf)  # [V, R, C, I]
    route = np.argmin(price, axis=1)  # [V, C, I]
    best = np.take_along_axis(price, route[:, None], axis=1)[:, 0]  # [V, C, I]
    route = np.where(np.isfinite(best), route, -1)

    vendor_tag = np.where(
        access.controlled,
        np.where(route == 0, ROUTE_INDEX["illicit"], ROUTE_INDEX["transshipment"]),
        access.tag_if_uncontrolled,
    )
    n_c, n_l = world.n_countries, len(LAYER_ITEM)
    price_o = np.full((n_c, n_l, 2 * n_v + 2), np.inf)
    quality_o = np.zeros_like(price_o)
    tag_o = np.empty(price_o.shape, dtype=int)
    items = list(LAYER_ITEM)
    price_o[:, :, :n_v] = best[:, :, items].transpose(1, 2, 0)
    quality_o[:, :, :n_v] = market.vendor_quality[:, items].T[None]
    tag_o[:, :, :n_v] = vendor_tag[:, :, items].transpose(1, 2, 0)
    price_o[:, ALG_1N, n_v : 2 * n_v] = best[:, :, ITEM_11].T * (1.0 + params.conversion_cost)
    quality_o[:, ALG_1N, n_v : 2 * n_v] = market.vendor_quality[None, :, ITEM_11] * params.conversion_efficiency
    tag_o[:, :, n_v : 2 * n_v] = ROUTE_INDEX["conversion"]
    home = np.tile(world.home_sale.T[:, None, :], (1, 1, 2))  # [C, 1, 2V]: sales in the vendor's home
    tag_o[:, :, : 2 * n_v] = np.where(home, HOME, tag_o[:, :, : 2 * n_v])
    price_o[:, :, 2 * n_v] = params.domestic_price
    quality_o[:, :, 2 * n_v] = market.domestic_quality
    tag_o[:, :, 2 * n_v] = ROUTE_INDEX["domestic"]
    price_o[:, DATA, 2 * n_v + 1] = params.public_copy_price
    quality_o[:, DATA, 2 * n_v + 1] = market.public_quality
    tag_o[:, :, 2 * n_v + 1] = ROUTE_INDEX["public_copies"]

    vendor_scale = world.scale[None] * world.tie_weight[:, None]  # [C, L, V]: presence times exp(affinity)
    other_scale = np.broadcast_to([1.0, market.public_availability], (n_c, n_l, 2))
    scale = np.concatenate([vendor_scale, vendor_scale, other_scale], axis=2)  # [C, L, O]
    price_o = price_o * market.price_level
    weight = attraction(price_o, quality_o, scale, params.price_sensitivity, quality_exponent(params)[None, :, None])
    spend, acquired = purchase(market.budget, weight, params.price_sensitivity)
    return Allocation(spend=spend, acquired=acquired, tag=tag_o, route=route)


def quality_exponent(params: ModelParameters) -> np.ndarray:
    """``[L]`` logit coefficient on log quality per layer: ``quality_sensitivity``, times
    ``data_quality_weight`` for training data."""
    exponent = np.full(len(LAYER_ITEM), params.quality_sensitivity)
    exponent[DATA] *= params.data_quality_weight
    return exponent


def _option_mask(world: World, per_vendor: np.ndarray) -> np.ndarray:
    """Lay a ``[V, C, I]`` vendor array out as the ``[C, L, O]`` option table (False elsewhere)."""
    n_v = world.n_vendors
    mask = np.zeros((world.n_countries, len(LAYER_ITEM), 2 * n_v + 2), dtype=bool)
    mask[:, :, :n_v] = per_vendor[:, :, list(LAYER_ITEM)].transpose(1, 2, 0)
    mask[:, ALG_1N, n_v : 2 * n_v] = per_vendor[:, :, ITEM_11].T
    return mask
