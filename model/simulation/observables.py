"""Observables for comparison with public figures: adoption, supplier reach, vendor shares.

They turn a step's state into the quantities the calibration targets name (Carnegie AIGS adoption
and supplier counts, market shares, the public-copy share of training data).
"""

from __future__ import annotations

import functools

import numpy as np

from model.market import Procurement
from model.parameters import ModelParameters
from model.vocabulary import LAYER_INDEX, LAYER_ITEM, ROUTE_INDEX
from model.world import World


def vendor_spend(world: World, result: Procurement) -> np.ndarray:
    """``[C, L, V]`` spending of each country on each vendor per layer (conversions under 1:N)."""
    return result.layout.per_vendor(result.actual.spend)


def reached(world: World, params: ModelParameters, capability: np.ndarray, result: Procurement) -> np.ndarray:
    """``[C, V]`` bool: vendor ``v`` supplies country ``c`` — the one definition of "reached".

    ``c`` uses AI surveillance (capability >= ``adoption_threshold``), is not the vendor's home
    country (a home sale is not an export), and the vendor takes at least ``reach_share`` of what
    ``c`` spends on vendors for the layers the vendor sells. A home country's vendors reach ``c``
    when any of them does (as the AIGS counts countries supplied by a nation's firms)."""
    adopters = capability >= params.adoption_threshold
    by_layer = vendor_spend(world, result)  # [C, L, V]
    sold = world.sells[:, list(LAYER_ITEM)].T.astype(float)  # [L, V]
    market = by_layer.sum(axis=2) @ sold  # vendor spending on each vendor's layers
    spend = by_layer.sum(axis=1)  # [C, V]
    own = np.divide(spend, market, out=np.zeros_like(spend), where=market > 0)
    return (own >= params.reach_share) & adopters[:, None] & ~world.home_sale.T


def observe(world: World, params: ModelParameters, capability: np.ndarray, result: Procurement) -> dict[str, float]:
    """Adopters, supplier reach per home country and per vendor (see :func:`reached`), vendor
    revenue shares, and the share of training data (all buyers) that came from public copies."""
    out: dict[str, float] = {"adopters": int((capability >= params.adoption_threshold).sum())}
    supplied = reached(world, params, capability, result)  # [C, V]
    by_home = (supplied @ _home_of(world)) > 0  # [C, E]: some vendor of the home country reaches c
    keys = _keys(world)
    out.update(zip(keys[0], by_home.sum(axis=0).tolist()))
    out.update(zip(keys[1], supplied.sum(axis=0).tolist()))
    revenue = vendor_spend(world, result).sum(axis=(0, 1))
    total = revenue.sum()
    out.update(zip(keys[2], (revenue / total if total > 0 else np.zeros_like(revenue)).tolist()))
    data = result.by_route[:, LAYER_INDEX["training_data"]].sum(axis=0)
    out["data_public_share"] = float(data[ROUTE_INDEX["public_copies"]] / data.sum()) if data.sum() > 0 else 0.0
    return out


@functools.lru_cache(maxsize=32)
def _keys(world: World) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Column names: reach per home country, reach per vendor, revenue share per vendor."""
    return (
        tuple(f"reach_{world.iso3[c]}" for c in world.exporters),
        tuple(f"reach_vendor_{name}" for name in world.vendor_names),
        tuple(f"vendor_share_{name}" for name in world.vendor_names),
    )


@functools.lru_cache(maxsize=32)
def _home_of(world: World) -> np.ndarray:
    """``[V, E]``: 1 where the vendor's home is the exporter."""
    return (world.vendor_exporter[:, None] == np.arange(len(world.exporters))[None, :]).astype(float)
