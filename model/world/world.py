"""The world a run takes place in: countries, vendors, hubs and the trade network, as arrays.

Built once from the data tables plus a scenario's overrides; read-only and free of randomness.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, fields
from functools import cached_property, lru_cache

import networkx as nx
import numpy as np
import pandas as pd

from model import data
from model.errors import ModelInputError, check_name
from model.parameters import ModelParameters
from model.vocabulary import ITEM_INDEX, ITEMS, LAYER_INDEX, LAYERS
from model.world.inputs import Inputs, build_inputs, vendor_content
from model.world.network import Geometry, geometry, route_costs, trade_costs, trade_network
from model.world.overrides import WorldOverrides
from model.world.parameters import WorldParameters
from model.world.restraint import VoluntaryRestraint
from model.world.ties import TieTerms, tie_terms

MEMBERSHIPS = ("wassenaar", "eu", "echri_code")

QUALITY_COLUMN = {
    "camera": "quality_camera",
    "algorithm_1n": "quality_algorithm",
    "algorithm_11": "quality_algorithm",
    "training_data": "quality_training_data",
}


@dataclass(frozen=True, eq=False)
class World:
    """Countries (index ``c``), vendors (``v``), exporting nations (``e``) and hubs (``k``).

    Arrays are indexed in the order of the tuples of names. ``route_cost[e, r, c]`` is the price
    multiplier of delivering from exporter ``e`` to country ``c`` by route ``r``.
    """

    countries: pd.DataFrame
    vendors: pd.DataFrame
    hub_table: pd.DataFrame
    repression: np.ndarray
    gdp: np.ndarray
    population: np.ndarray
    memberships: dict[str, frozenset[str]]
    vendor_home: np.ndarray
    sells: np.ndarray
    quality: np.ndarray
    price: np.ndarray
    us_content: np.ndarray  # [V] US-origin content, computed from the input layer (inputs)
    compliance: np.ndarray
    scale: np.ndarray  # [L, V]: market presence per layer (LAYERS order)
    restraints: tuple[VoluntaryRestraint, ...]
    exporters: np.ndarray
    vendor_exporter: np.ndarray
    hubs: np.ndarray
    hub_leakiness: np.ndarray
    trade_cost: np.ndarray  # [S, C] from each source (exporters and hubs, ``sources``) to each country
    route_cost: np.ndarray
    affinity: np.ndarray  # [C, E] buyers' ties to exporting nations (model.world.ties)
    inputs: Inputs  # vendors' components, suppliers and sourcing (model.world.inputs)

    @cached_property
    def sources(self) -> np.ndarray:
        """Countries trade leaves from: the exporting nations and the hubs (sorted indices)."""
        return np.union1d(self.exporters, self.hubs)

    @cached_property
    def network(self) -> nx.DiGraph:
        """The trade network (:func:`model.world.network.trade_network`), built when first asked for."""
        return trade_network(self.countries, self.sources, self.trade_cost)

    @cached_property
    def iso3(self) -> tuple[str, ...]:
        return tuple(self.countries["iso3"])

    @cached_property
    def vendor_names(self) -> tuple[str, ...]:
        return tuple(self.vendors["vendor"])

    @cached_property
    def country_index(self) -> dict[str, int]:
        return {code: i for i, code in enumerate(self.iso3)}

    @cached_property
    def vendor_index(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.vendor_names)}

    @cached_property
    def tie_weight(self) -> np.ndarray:
        """``[C, V]``: ``exp(affinity)`` of every buyer for every vendor's home country."""
        return np.exp(self.affinity[:, self.vendor_exporter])

    @cached_property
    def home_sale(self) -> np.ndarray:
        """``[V, C]`` bool: the buyer is the vendor's home country (a sale that is not an export)."""
        return self.vendor_home[:, None] == np.arange(self.n_countries)[None, :]

    @property
    def n_countries(self) -> int:
        return len(self.iso3)

    @property
    def n_vendors(self) -> int:
        return len(self.vendor_names)

    @property
    def n_routes(self) -> int:
        return 1 + len(self.hubs)

    def country(self, code: str, key: str = "country") -> int:
        """The index of country ``code``, or a :class:`ModelInputError` with suggestions."""
        return self.country_index[check_name(code, self.iso3, key, "country code")]

    def vendor(self, name: str, key: str = "vendor") -> int:
        """The index of vendor ``name``, or a :class:`ModelInputError` with suggestions."""
        return self.vendor_index[check_name(name, self.vendor_names, key, "vendor")]


PARAMETER_FIELDS = ("price", "scale", "trade_cost", "route_cost", "affinity")
"""The fields of :class:`World` that :class:`WorldParameters` change; the others are its structure.
A parameter-dependent field missing here would only keep worlds from sharing (:func:`build_world`
makes it anew for each world, so :func:`structure_key` tells them apart)."""
STRUCTURE_FIELDS = tuple(f.name for f in fields(World) if f.name not in PARAMETER_FIELDS)


def structure_key(world: World) -> Hashable:
    """What identifies ``world``'s structure: the very objects of its fields that no
    :class:`WorldParameters` change (worlds built from the same tables and overrides share them,
    :func:`build_world`), and which routes exist (``route_cost`` finite). Worlds with equal keys differ
    only in :data:`PARAMETER_FIELDS`; a world changed field by field (``dataclasses.replace``) has
    a key of its own unless every structural object is the same. The key holds identities: it is
    valid while ``world`` (or another world sharing them) is alive."""
    return (*(id(getattr(world, name)) for name in STRUCTURE_FIELDS), np.isfinite(world.route_cost).tobytes())


def build_world(
    params: ModelParameters | WorldParameters | None = None,
    overrides: WorldOverrides | None = None,
    *,
    countries: pd.DataFrame | None = None,
    vendors: pd.DataFrame | None = None,
    hubs: pd.DataFrame | None = None,
    ties: pd.DataFrame | None = None,
    inputs: Mapping[str, pd.DataFrame] | None = None,
) -> World:
    """The world from tables (by default the shipped ``model/data``), with ``overrides`` applied.

    Custom tables need the columns of the shipped ones (see ``model/data/README.md``); countries
    missing from ``ties`` have no ties (affinity 0). ``inputs`` may hold custom input tables
    (``costs``, ``suppliers``, ``sourcing``: see :func:`model.world.inputs.build_inputs`). What the shipped tables and a set of overrides
    settle without parameters is worked out once per process, so worlds that differ only in
    :class:`WorldParameters` (as the points of a sensitivity analysis do) share it, tables included:
    like every array of a world, they are read-only.
    """
    params = WorldParameters.of(params or ModelParameters())
    overrides = overrides or WorldOverrides()
    if countries is None and vendors is None and hubs is None and ties is None and inputs is None:
        base = _shipped_base(overrides.model_dump_json())
    else:
        base = _Base.build(countries, vendors, hubs, ties, overrides, inputs)
    price, scale = _calibrated(base.vendors, params)
    trade_cost = trade_costs(base.geometry, params)
    return World(
        countries=base.countries,
        vendors=base.vendors,
        hub_table=base.hub_table,
        repression=base.repression,
        gdp=base.gdp,
        population=base.population,
        memberships=base.memberships,
        vendor_home=base.vendor_home,
        sells=base.sells,
        quality=base.quality,
        price=price,
        us_content=base.us_content,
        compliance=base.compliance,
        scale=scale,
        restraints=base.restraints,
        exporters=base.exporters,
        vendor_exporter=base.vendor_exporter,
        hubs=base.hubs,
        hub_leakiness=base.hub_leakiness,
        trade_cost=trade_cost,
        route_cost=route_costs(trade_cost, base.geometry.sources, base.exporters, base.hubs, params.hub_markup),
        affinity=base.ties.affinity(params),
        inputs=base.inputs,
    )


@dataclass(frozen=True, eq=False)
class _Base:
    """What a world takes from its tables and overrides alone: the tables with the overrides
    applied, the arrays read from them, the index arrays, the route geometry and the tie terms (no
    parameter). The worlds built from one share these objects (:func:`structure_key`)."""

    countries: pd.DataFrame
    vendors: pd.DataFrame
    hub_table: pd.DataFrame
    repression: np.ndarray
    gdp: np.ndarray
    population: np.ndarray
    us_content: np.ndarray
    compliance: np.ndarray
    memberships: dict[str, frozenset[str]]
    vendor_home: np.ndarray
    sells: np.ndarray
    quality: np.ndarray
    restraints: tuple[VoluntaryRestraint, ...]
    exporters: np.ndarray
    vendor_exporter: np.ndarray
    hubs: np.ndarray
    hub_leakiness: np.ndarray
    geometry: Geometry
    ties: TieTerms
    inputs: Inputs

    @classmethod
    def build(cls, countries: pd.DataFrame | None, vendors: pd.DataFrame | None, hubs: pd.DataFrame | None,
              ties: pd.DataFrame | None, overrides: WorldOverrides,
              inputs: Mapping[str, pd.DataFrame] | None = None) -> _Base:
        countries = _apply_country_overrides(data.countries() if countries is None else countries.copy(), overrides)
        vendors = _apply_vendor_overrides(data.vendors() if vendors is None else vendors.copy(), overrides)
        hub_table = _apply_hub_overrides(data.hubs() if hubs is None else hubs.copy(), countries, overrides)

        iso3 = list(countries["iso3"])
        index = {code: i for i, code in enumerate(iso3)}
        vendor_home = np.array([index[h] for h in vendors["home_iso3"]], dtype=int)
        exporters, vendor_exporter = np.unique(vendor_home, return_inverse=True)
        hub_index = np.array([index[h] for h in hub_table["iso3"]], dtype=int)

        sells = np.zeros((len(vendors), len(ITEMS)), dtype=bool)
        quality = np.zeros((len(vendors), len(ITEMS)))
        for v, row in enumerate(vendors.itertuples(index=False)):
            for item in str(row.items).split(";") if isinstance(row.items, str) else []:
                sells[v, ITEM_INDEX[item]] = True
                quality[v, ITEM_INDEX[item]] = getattr(row, QUALITY_COLUMN[item])

        layer = build_inputs(vendors, overrides.inputs, **(inputs or {}))
        return cls(
            countries=countries,
            vendors=vendors,
            hub_table=hub_table,
            repression=countries["repression"].to_numpy(float),
            gdp=countries["gdp_usd"].to_numpy(float),
            population=countries["population"].to_numpy(float),
            us_content=vendor_content(layer.us_origin_content, sells, layer.vendor_home_us),
            compliance=vendors["compliance"].to_numpy(float),
            memberships={m: frozenset(countries.loc[countries[m] == 1, "iso3"]) for m in MEMBERSHIPS},
            vendor_home=vendor_home,
            sells=sells,
            quality=quality,
            restraints=_restraints(vendors) if overrides.restraints is None else tuple(overrides.restraints),
            exporters=exporters,
            vendor_exporter=vendor_exporter,
            hubs=hub_index,
            hub_leakiness=np.clip(hub_table["leakiness"].to_numpy(float) * overrides.hub_leakiness_scale, 0.0, 1.0),
            geometry=geometry(countries, np.union1d(exporters, hub_index)),
            ties=tie_terms(data.ties() if ties is None else ties, iso3, exporters),
            inputs=layer,
        )


@lru_cache(maxsize=8)
def _shipped_base(overrides: str) -> _Base:
    """The :class:`_Base` of the shipped tables with ``overrides`` (as JSON, to be hashable)."""
    return _Base.build(None, None, None, None, WorldOverrides.model_validate_json(overrides))


def forget_shared_tables() -> None:
    """Forget what :func:`build_world` keeps per set of overrides (the next world works it out again,
    as in a fresh process)."""
    _shipped_base.cache_clear()


def _calibrated(vendors: pd.DataFrame, params: WorldParameters) -> tuple[np.ndarray, np.ndarray]:
    """Vendors' price index ``[V]`` and market presence per layer ``[L, V]`` with the parameters'
    calibration factors applied."""
    homes, names = list(vendors["home_iso3"]), list(vendors["vendor"])
    for home in params.price_factor_by_home:
        check_name(home, sorted(set(homes)), "parameters.price_factor_by_home", "vendor home country")
    for key in ("scale_factor_by_vendor", "algorithm_scale_factor_by_vendor"):
        for name in getattr(params, key):
            check_name(name, names, f"parameters.{key}", "vendor")
    price = vendors["price_index"].to_numpy(float) * np.array([params.price_factor_by_home.get(h, 1.0) for h in homes])
    scale = vendors["scale"].to_numpy(float) * np.array([params.scale_factor_by_vendor.get(n, 1.0) for n in names])
    by_layer = np.tile(scale, (len(LAYERS), 1))
    by_layer[LAYER_INDEX["algorithm_1n"]] *= [params.algorithm_scale_factor_by_vendor.get(n, 1.0) for n in names]
    return price, by_layer


def _apply_country_overrides(countries: pd.DataFrame, overrides: WorldOverrides) -> pd.DataFrame:
    codes = list(countries["iso3"])
    for code, change in overrides.countries.items():
        check_name(code, codes, f"world.countries.{code}", "country code")
        for column, value in change.model_dump(exclude_none=True).items():
            countries[column] = countries[column].astype(float)
            countries.loc[countries["iso3"] == code, column] = value
    return countries


def _apply_vendor_overrides(vendors: pd.DataFrame, overrides: WorldOverrides) -> pd.DataFrame:
    names = list(vendors["vendor"])
    for name, change in overrides.vendors.items():
        check_name(name, names, f"world.vendors.{name}", "vendor")
        row = vendors["vendor"] == name
        sold = str(vendors.loc[row, "items"].iloc[0]).split(";")
        for item, value in change.quality.items():
            key = f"world.vendors.{name}.quality.{item}"
            check_name(item, sold, key, f"item sold by {name}")
            if not 0.0 < value <= 1.0:
                raise ModelInputError(key, "quality out of range", expected="a number in (0, 1]", got=value)
            vendors[QUALITY_COLUMN[item]] = vendors[QUALITY_COLUMN[item]].astype(float)
            vendors.loc[row, QUALITY_COLUMN[item]] = value
        for column, value in change.model_dump(exclude_none=True, exclude={"quality"}).items():
            vendors[column] = vendors[column].astype(float)
            vendors.loc[row, column] = value
    return vendors


def _apply_hub_overrides(
    hubs: pd.DataFrame, countries: pd.DataFrame, overrides: WorldOverrides
) -> pd.DataFrame:
    codes = list(countries["iso3"])
    for code in overrides.remove_hubs:
        check_name(code, list(hubs["iso3"]), "world.remove_hubs", "hub")
    hubs = hubs[~hubs["iso3"].isin(overrides.remove_hubs)]
    for code, leakiness in overrides.hubs.items():
        key = f"world.hubs.{code}"
        check_name(code, codes, key, "country code")
        if not 0.0 <= leakiness <= 1.0:
            raise ModelInputError(key, "leakiness out of range", expected="a number in [0, 1]", got=leakiness)
        if code in set(hubs["iso3"]):
            hubs.loc[hubs["iso3"] == code, "leakiness"] = leakiness
        else:
            added = pd.DataFrame([{"iso3": code, "leakiness": leakiness, "rationale": "scenario override"}])
            hubs = pd.concat([hubs, added], ignore_index=True)
    return hubs.reset_index(drop=True)


def _restraints(vendors: pd.DataFrame) -> tuple[VoluntaryRestraint, ...]:
    rules = []
    for row in vendors.itertuples(index=False):
        if row.restraint in ("none", "") or not isinstance(row.restraint, str):
            continue
        rules.append(
            VoluntaryRestraint(
                vendor=row.vendor,
                kind=row.restraint,
                start=dt.date.fromisoformat(row.restraint_start),
                end=dt.date.fromisoformat(row.restraint_end) if isinstance(row.restraint_end, str) else None,
                threshold=row.restraint_threshold if pd.notna(row.restraint_threshold) else 0.5,
            )
        )
    return tuple(rules)
