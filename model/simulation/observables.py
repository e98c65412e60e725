"""Observables for comparison with public figures: adoption, supplier reach, vendor shares.

They turn a step's state into the quantities the calibration targets name (Carnegie AIGS adoption
and supplier counts, market shares, the public-copy share of training data).
"""

from __future__ import annotations

import numpy as np

from model.market import Procurement
from model.parameters import ModelParameters
from model.vocabulary import LAYER_INDEX, ROUTE_INDEX
from model.world import World, per_world

ALG_1N = LAYER_INDEX["algorithm_1n"]


def reached(params: ModelParameters, capability: np.ndarray, share: np.ndarray, home: np.ndarray) -> np.ndarray:
    """``[C, S]`` bool: supplier ``s`` (a vendor, or a nation's vendors together) supplies country
    ``c`` — the one definition of "reached".

    ``c`` uses AI surveillance (capability >= ``adoption_threshold``), is not the supplier's home
    (``home[c, s]``: a home sale is not an export), and the supplier takes at least ``reach_share``
    of ``c``'s spending on vendors' 1:N algorithms, direct or converted from 1:1 (``share[c, s]``).
    The AIGS counts AI-surveillance supply (facial recognition, smart city, smart policing): camera
    hardware or training data alone is not AI surveillance."""
    return (share >= params.reach_share) & (capability >= params.adoption_threshold)[:, None] & ~home


def observe(world: World, params: ModelParameters, capability: np.ndarray, result: Procurement,
            world_spending: float) -> dict[str, float]:
    """Adopters, supplier reach per vendor and per home country (see :func:`reached`; a nation's
    vendors are one supplier with their shares added), vendor revenue shares and each vendor's share
    of revenue from abroad, the exporting nations' shares of world spending, how many of the AIGS
    2019 adopters adopt (``aigs_2019_matched``: which countries, not only how many), and the share
    of training data (all buyers) that came from public copies. ``world_spending``: the sum of
    ``result.actual.spend``, which the caller has."""
    from model.market import compiled  # Numba on first use: importing the package stays light

    adopting = capability >= params.adoption_threshold
    out: dict[str, float] = {"adopters": int(adopting.sum())}
    n_c, n_v = world.n_countries, world.n_vendors
    share, revenue, abroad = np.empty((n_c, n_v)), np.empty(n_v), np.empty(n_v)  # share: of c's 1:N algorithms
    compiled.vendor_spending(result.actual.spend, ALG_1N, world.home_sale, share, revenue, abroad)
    supplied = reached(params, capability, share, world.home_sale.T)
    by_home = reached(params, capability, share @ _home_of(world), _nation_home(world))  # [C, E]
    keys = _keys(world)
    out.update(zip(keys[0], by_home.sum(axis=0).tolist()))
    out.update(zip(keys[1], supplied.sum(axis=0).tolist()))
    total = revenue.sum()
    out.update(zip(keys[2], (revenue / total if total > 0 else np.zeros_like(revenue)).tolist()))
    out.update(zip(keys[3], np.divide(abroad, revenue, out=np.zeros_like(revenue), where=revenue > 0).tolist()))
    spending = result.actual.spend[world.exporters].sum(axis=(1, 2))  # [E] of every option
    out.update(zip(keys[4], (spending / world_spending if world_spending > 0 else 0.0 * spending).tolist()))
    out["aigs_2019_matched"] = int(adopting[_aigs_2019(world)].sum())
    data = result.by_route[:, LAYER_INDEX["training_data"]].sum(axis=0)
    out["data_public_share"] = float(data[ROUTE_INDEX["public_copies"]] / data.sum()) if data.sum() > 0 else 0.0
    return out


@per_world()
def _keys(world: World) -> tuple[tuple[str, ...], ...]:
    """Column names: reach per home country, reach per vendor, revenue share per vendor, the share
    of a vendor's revenue from outside its home country, each exporting nation's share of world
    spending."""
    return (
        tuple(f"reach_{world.iso3[c]}" for c in world.exporters),
        tuple(f"reach_vendor_{name}" for name in world.vendor_names),
        tuple(f"vendor_share_{name}" for name in world.vendor_names),
        tuple(f"vendor_abroad_{name}" for name in world.vendor_names),
        tuple(f"spend_share_{world.iso3[c]}" for c in world.exporters),
    )


@per_world()
def _aigs_2019(world: World) -> np.ndarray:
    """``[C]`` bool: the country uses AI surveillance in the Carnegie AIGS 2019 (``aigs_adopter_2019``)."""
    return world.countries["aigs_adopter_2019"].to_numpy(int) == 1


@per_world()
def _home_of(world: World) -> np.ndarray:
    """``[V, E]``: 1 where the vendor's home is the exporter."""
    return (world.vendor_exporter[:, None] == np.arange(len(world.exporters))[None, :]).astype(float)


@per_world()
def _nation_home(world: World) -> np.ndarray:
    """``[C, E]`` bool: the country is the exporter."""
    return np.arange(world.n_countries)[:, None] == world.exporters[None, :]
