"""The trade network: gravity-style trade costs between countries and the route table.

A route takes goods from a vendor's home country to a buyer either directly (route 0) or through
one transit hub (route ``1 + k`` for hub ``k``); each extra hop adds ``hub_markup``.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from model.parameters import ModelParameters

EARTH_RADIUS_KM = 6371.0


def great_circle_km(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Pairwise great-circle distances (haversine), in km."""
    phi, lam = np.radians(lat), np.radians(lon)
    dphi = phi[:, None] - phi[None, :]
    dlam = lam[:, None] - lam[None, :]
    a = np.sin(dphi / 2) ** 2 + np.cos(phi[:, None]) * np.cos(phi[None, :]) * np.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def trade_network(
    countries: pd.DataFrame, sources: np.ndarray, params: ModelParameters
) -> nx.DiGraph:
    """A DiGraph over all countries with an edge from every source (exporter or hub) to every other
    country; edges carry ``cost`` (price multiplier), ``distance_km``, ``contiguous``, ``same_region``."""
    iso3 = countries["iso3"].to_numpy()
    distance = great_circle_km(countries["lat"].to_numpy(float), countries["lon"].to_numpy(float))
    borders = [set(str(b).split(";")) if isinstance(b, str) else set() for b in countries["land_borders"]]
    region = countries["region"].to_numpy()
    graph = nx.DiGraph()
    graph.add_nodes_from(
        (row.iso3, {"name": row.name, "region": row.region, "lat": row.lat, "lon": row.lon,
                    "repression": row.repression})
        for row in countries[["iso3", "name", "region", "lat", "lon", "repression"]].itertuples(index=False)
    )
    sources = np.asarray(sources)
    contiguous = np.array([[code in borders[s] for code in iso3] for s in sources])  # [S, C]
    same_region = region[sources][:, None] == region[None, :]
    cost = (
        1.0
        + params.border_cost
        + params.distance_cost * distance[sources] / 10_000
        - params.contiguity_discount * contiguous
        - params.region_discount * same_region
    )
    graph.add_edges_from(
        (iso3[s], iso3[b], {"cost": c, "distance_km": d, "contiguous": t, "same_region": r})
        for s, costs, km, touching, regional in zip(sources, cost.tolist(), distance[sources].tolist(),
                                                    contiguous.tolist(), same_region.tolist())
        for b, (c, d, t, r) in enumerate(zip(costs, km, touching, regional))
        if b != s
    )
    return graph


def route_costs(
    graph: nx.DiGraph, iso3: list[str], homes: np.ndarray, hubs: np.ndarray, hub_markup: float
) -> np.ndarray:
    """Cost multipliers ``[home, route, buyer]``: route 0 direct, route ``1 + k`` through hub ``k``.

    Home delivery costs 1. Routes through a hub that is the home or the buyer are impossible (inf).
    """
    cost = nx.to_numpy_array(graph, nodelist=iso3, weight="cost", nonedge=np.inf)
    np.fill_diagonal(cost, 1.0)
    direct = cost[homes][:, None, :]  # [E, 1, C]
    via = cost[homes][:, hubs][:, :, None] * cost[hubs][None, :, :] * (1.0 + hub_markup)  # [E, H, C]
    via[homes[:, None] == hubs[None, :], :] = np.inf
    via[:, np.arange(len(hubs)), hubs] = np.inf
    return np.concatenate([direct, via], axis=1)
