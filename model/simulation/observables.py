"""Observables for comparison with public figures: adoption, supplier reach, vendor shares.

They turn a step's state into the quantities the calibration targets name (Carnegie AIGS adoption
and supplier counts, market shares, the public-copy share of training data).
"""

from __future__ import annotations

import numpy as np

from model.market import Procurement
from model.parameters import ModelParameters
from model.vocabulary import LAYER_INDEX, ROUTE_INDEX
from model.world import World

ALG_1N = LAYER_INDEX["algorithm_1n"]


def vendor_spend(world: World, result: Procurement) -> np.ndarray:
    """``[C, L, V]`` spending of each country on each vendor per layer (conversions under 1:N)."""
    n_v = world.n_vendors
    spend = result.actual.spend
    return spend[:, :, :n_v] + spend[:, :, n_v : 2 * n_v]


def reached(world: World, params: ModelParameters, capability: np.ndarray, result: Procurement) -> np.ndarray:
    """``[C, V]`` bool: vendor ``v`` supplies country ``c`` — the one definition of "reached".

    ``c`` uses AI surveillance (capability >= ``adoption_threshold``), is not the vendor's home
    country (a home sale is not an export), and the vendor takes at least ``reach_share`` of what
    ``c`` spends on vendors' 1:N algorithms (direct or converted from 1:1): the AIGS counts
    AI-surveillance supply (facial recognition, smart-city and smart-policing systems), and camera
    hardware or training data alone is not AI surveillance. A home country's vendors reach ``c``
    when any of them does (as the AIGS counts countries supplied by a nation's firms)."""
    adopters = capability >= params.adoption_threshold
    spend = vendor_spend(world, result)[:, ALG_1N]  # [C, V]: 1:N algorithm spending on each vendor
    market = spend.sum(axis=1, keepdims=True)
    own = np.divide(spend, market, out=np.zeros_like(spend), where=market > 0)
    return (own >= params.reach_share) & adopters[:, None] & ~world.home_sale.T


def observe(world: World, params: ModelParameters, capability: np.ndarray, result: Procurement) -> dict[str, float]:
    """Adopters, supplier reach per home country and per vendor (see :func:`reached`), vendor
    revenue shares, and the share of training data (all buyers) that came from public copies."""
    out: dict[str, float] = {"adopters": int((capability >= params.adoption_threshold).sum())}
    supplied = reached(world, params, capability, result)  # [C, V]
    by_home = np.zeros((world.n_countries, len(world.exporters)), dtype=bool)
    np.logical_or.at(by_home.T, world.vendor_exporter, supplied.T)
    for e, c in enumerate(world.exporters):
        out[f"reach_{world.iso3[c]}"] = int(by_home[:, e].sum())
    revenue = vendor_spend(world, result).sum(axis=(0, 1))
    for v, name in enumerate(world.vendor_names):
        out[f"reach_vendor_{name}"] = int(supplied[:, v].sum())
    for v, name in enumerate(world.vendor_names):
        out[f"vendor_share_{name}"] = float(revenue[v] / revenue.sum()) if revenue.sum() > 0 else 0.0
    data = result.by_route[:, LAYER_INDEX["training_data"]].sum(axis=0)
    out["data_public_share"] = float(data[ROUTE_INDEX["public_copies"]] / data.sum()) if data.sum() > 0 else 0.0
    return out
