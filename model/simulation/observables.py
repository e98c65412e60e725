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


def observe(world: World, params: ModelParameters, capability: np.ndarray, result: Procurement,
            world_spending: float) -> dict[str, float]:
    """Adopters, supplier reach per vendor and per home country (by the one definition of "reached",
    :func:`model.simulation.compiled_step.reach_counts`; a nation's vendors are one supplier with
    their shares added), vendor revenue shares and each vendor's share
    of revenue from abroad, the exporting nations' shares of world spending, how many of the AIGS
    2019 adopters adopt (``aigs_2019_matched``: which countries, not only how many), and the share
    of training data (all buyers) that came from public copies. ``world_spending``: the sum of
    ``result.actual.spend``, which the caller has."""
    from model.market import compiled  # Numba on first use: importing the package stays light
    from model.simulation import compiled_step

    n_c, n_v, n_e = world.n_countries, world.n_vendors, len(world.exporters)
    share, revenue, abroad = np.empty((n_c, n_v)), np.empty(n_v), np.empty(n_v)  # share: of c's 1:N algorithms
    compiled.vendor_spending(result.actual.spend, ALG_1N, world.home_sale, share, revenue, abroad)
    supplied, by_home = np.empty(n_v, dtype=np.int64), np.empty(n_e, dtype=np.int64)
    adopters, matched = compiled_step.reach_counts(capability, params.adoption_threshold, params.reach_share, share,
                                                   world.home_sale, share @ _home_of(world), world.exporters,
                                                   _aigs_2019(world), supplied, by_home)
    out: dict[str, float] = {"adopters": adopters}
    keys = _keys(world)
    out.update(zip(keys[0], by_home.tolist()))
    out.update(zip(keys[1], supplied.tolist()))
    total = revenue.sum()
    out.update(zip(keys[2], (revenue / total if total > 0 else np.zeros_like(revenue)).tolist()))
    out.update(zip(keys[3], np.divide(abroad, revenue, out=np.zeros_like(revenue), where=revenue > 0).tolist()))
    spending = result.actual.spend[world.exporters].sum(axis=(1, 2))  # [E] of every option
    out.update(zip(keys[4], (spending / world_spending if world_spending > 0 else 0.0 * spending).tolist()))
    out["aigs_2019_matched"] = matched
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
