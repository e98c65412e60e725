"""The trade network: gravity-style trade costs between countries and the route table.

A route takes goods from a vendor's home country to a buyer either directly (route 0) or through
one transit hub (route ``1 + k`` for hub ``k``); each extra hop adds ``hub_markup``.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from model.world.parameters import WorldParameters

EARTH_RADIUS_KM = 6371.0


def great_circle_km(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Pairwise great-circle distances (haversine), in km."""
    phi, lam = np.radians(lat), np.radians(lon)
    dphi = phi[:, None] - phi[None, :]
    dlam = lam[:, None] - lam[None, :]
    a = np.sin(dphi / 2) ** 2 + np.cos(phi[:, None]) * np.cos(phi[None, :]) * np.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


@dataclass(frozen=True)
class Geometry:
    """``[S, C]`` from every source (exporter or hub, ``sources``: sorted country indices) to every
    country: great-circle distance (km), whether they share a land border, whether they lie in one
    region."""

    sources: np.ndarray
    distance: np.ndarray
    contiguous: np.ndarray
    same_region: np.ndarray


def geometry(countries: pd.DataFrame, sources: np.ndarray) -> Geometry:
    """The :class:`Geometry` of ``countries`` (columns ``iso3``, ``lat``, ``lon``, ``land_borders``,
    ``region``) from ``sources``."""
    sources = np.asarray(sources)
    iso3 = countries["iso3"].to_numpy()
    distance = great_circle_km(countries["lat"].to_numpy(float), countries["lon"].to_numpy(float))[sources]
    borders = [set(str(b).split(";")) if isinstance(b, str) else set() for b in countries["land_borders"]]
    contiguous = np.array([[code in borders[s] for code in iso3] for s in sources], dtype=bool).reshape(len(sources), -1)
    region = countries["region"].to_numpy()
    return Geometry(sources, distance, contiguous, region[sources][:, None] == region[None, :])


def trade_costs(geo: Geometry, params: WorldParameters) -> np.ndarray:
    """``[S, C]`` price multiplier of trade from every source to every country: 1 plus the border
    cost plus the distance cost per 10,000 km, less the contiguity and region discounts."""
    return (
        1.0
        + params.border_cost
        + params.distance_cost * geo.distance / 10_000
        - params.contiguity_discount * geo.contiguous
        - params.region_discount * geo.same_region
    )


def trade_network(countries: pd.DataFrame, sources: np.ndarray, cost: np.ndarray) -> nx.DiGraph:
    """A DiGraph over all countries with an edge from every source (exporter or hub) to every other
    country; edges carry ``cost`` (from :func:`trade_costs`), ``distance_km``, ``contiguous``,
    ``same_region``."""
    iso3 = countries["iso3"].to_numpy()
    geo = geometry(countries, sources)
    graph = nx.DiGraph()
    graph.add_nodes_from(
        (row.iso3, {"name": row.name, "region": row.region, "lat": row.lat, "lon": row.lon,
                    "repression": row.repression})
        for row in countries[["iso3", "name", "region", "lat", "lon", "repression"]].itertuples(index=False)
    )
    graph.add_edges_from(
        (iso3[s], iso3[b], {"cost": c, "distance_km": d, "contiguous": t, "same_region": r})
        for s, costs, km, touching, regional in zip(geo.sources, cost.tolist(), geo.distance.tolist(),
                                                    geo.contiguous.tolist(), geo.same_region.tolist())
        for b, (c, d, t, r) in enumerate(zip(costs, km, touching, regional))
        if b != s
    )
    return graph


def route_costs(trade_cost: np.ndarray, sources: np.ndarray, homes: np.ndarray, hubs: np.ndarray,
                hub_markup: float) -> np.ndarray:
    """Cost multipliers ``[home, route, buyer]`` from :func:`trade_costs` (rows ``sources``):
    route 0 direct, route ``1 + k`` through hub ``k``.

    Home delivery costs 1. Routes through a hub that is the home or the buyer are impossible (inf).
    """
    n_c = trade_cost.shape[1]
    cost = np.full((n_c, n_c), np.inf)
    cost[np.asarray(sources)] = trade_cost
    np.fill_diagonal(cost, 1.0)
    direct = cost[homes][:, None, :]  # [E, 1, C]
    via = cost[homes][:, hubs][:, :, None] * cost[hubs][None, :, :] * (1.0 + hub_markup)  # [E, H, C]
    via[homes[:, None] == hubs[None, :], :] = np.inf
    via[:, np.arange(len(hubs)), hubs] = np.inf
    return np.concatenate([direct, via], axis=1)
