"""Vendors' inputs: the components their products are made of, who supplies them, and US content.

Each item a vendor sells is made of components (:data:`COMPONENTS`) in fixed cost shares; each
component is bought from supplier groups (a nation's makers, or one firm such as HiSilicon) in the
shares of the vendor's sourcing; each supplier's output is made with US technology in some share.
From these follow, per vendor and item, the **US-origin content** (value share of components made
in the United States, what the de minimis rule counts) and the **US-technology content** (value
share made in the United States or abroad with US technology or tools, what a foreign-direct-product
rule reaches). Neither is ever an assumed number (docs/ODD.md, 7.15; model/data/README.md, "Inputs").

The tables are data with a range for every number; :func:`input_priors` lists the ranges for
calibration and sensitivity analysis.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from pydantic import Field

from model import data
from model.config.base import Config
from model.errors import ModelInputError, check_name
from model.vocabulary import ITEMS

COMPONENTS: tuple[str, ...] = ("camera_soc", "image_sensor", "ai_accelerator", "other")
"""What vendors' items are made of. ``other`` is everything the vendor makes or adds where it is
based (optics, housing, memory, assembly, software, margin): its origin is the vendor's home."""
COMPONENT_INDEX = {name: k for k, name in enumerate(COMPONENTS)}
BOUGHT = COMPONENTS[:-1]
"""The components bought from suppliers (all but ``other``)."""
ANY_HOME = "*"
"""``home_iso3`` of the sourcing rows that apply to vendors of every home without rows of its own."""
SUM_TOLERANCE = 1e-6
US = "USA"


class InputOverrides(Config):
    """Scenario changes to the input layer (docs/ODD.md, 7.15)."""

    sourcing: dict[str, dict[str, dict[str, float]]] = Field(
        default_factory=dict,
        description="A vendor's sourcing of a component: vendor -> component -> supplier -> share "
        "(the shares of a component sum to one); replaces the rows of its home country.",
    )
    us_technology: dict[str, float] = Field(
        default_factory=dict,
        description="A supplier's share of output made with US technology (supplier -> share in [0, 1]).",
    )
    us_technology_scale: float = Field(
        1.0, ge=0.0, le=2.0,
        description="Multiplies the US-technology share of every supplier outside the United States, "
        "capped at 1 (1: the data; 0: only US-origin components are within US reach). For sweeps of US reach.",
    )
    chip_cost_scale: float = Field(
        1.0, ge=0.0, le=2.0,
        description="Multiplies the cost share of every bought component (the vendor's own share takes "
        "the rest; refused when the chips would exceed the item's cost). For sweeps of US reach.",
    )


@dataclass(frozen=True, eq=False)
class Inputs:
    """The input layer of a world as arrays. ``cost[i, k]``: cost share of component ``k`` in item
    ``i``; ``sourcing[v, k, s]``: vendor ``v``'s share of component ``k`` bought from supplier ``s``;
    ``us_technology[s]``: supplier ``s``'s share of output within US reach under a
    foreign-direct-product rule (1 for US suppliers); ``us_origin[s]``: the supplier is in the US."""

    suppliers: tuple[str, ...]
    supplier_component: np.ndarray  # [S] component index
    supplier_owner: tuple[str | None, ...]  # vendor that owns the supplier (HiSilicon: Huawei)
    us_origin: np.ndarray  # [S] bool
    us_technology: np.ndarray  # [S]
    cost: np.ndarray  # [I, K]
    sourcing: np.ndarray  # [V, K, S]
    vendor_home_us: np.ndarray  # [V] bool

    @cached_property
    def supplier_index(self) -> dict[str, int]:
        return {name: s for s, name in enumerate(self.suppliers)}

    def content(self, reach: np.ndarray) -> np.ndarray:
        """``[V, I]`` value share of each vendor's item made by suppliers within ``reach[s]`` (a
        share per supplier); a US vendor's item is US-made throughout."""
        bought = np.einsum("ik,vks,s->vi", self.cost, self.sourcing, reach)
        return np.where(self.vendor_home_us[:, None], 1.0, bought)

    @cached_property
    def us_origin_content(self) -> np.ndarray:
        """``[V, I]``: value share of US-origin components (the de minimis rule's count)."""
        return self.content(self.us_origin.astype(float))

    @cached_property
    def us_technology_content(self) -> np.ndarray:
        """``[V, I]``: value share made in the US or with US technology (what an FDP rule reaches)."""
        return self.content(self.us_technology)


def vendor_content(content: np.ndarray, sells: np.ndarray, home_us: np.ndarray) -> np.ndarray:
    """``[V]``: a vendor's content, the mean over the items it sells of ``content[V, I]`` (the
    extraterritorial rules' arrays are per vendor); a vendor selling nothing modelled has its home's."""
    n = sells.sum(axis=1)
    mean = np.divide((content * sells).sum(axis=1), n, out=np.zeros(len(n)), where=n > 0)
    return np.where(n > 0, mean, home_us.astype(float))


def build_inputs(vendors: pd.DataFrame, overrides: InputOverrides | None = None, *,
                 costs: pd.DataFrame | None = None, suppliers: pd.DataFrame | None = None,
                 sourcing: pd.DataFrame | None = None) -> Inputs:
    """The input layer for ``vendors`` from the shipped tables (or the given ones), with overrides;
    a :class:`ModelInputError` naming the table and key for shares that do not sum to one, unknown
    names or values outside [0, 1]."""
    overrides = overrides or InputOverrides()
    costs = data.input_costs() if costs is None else costs
    suppliers = data.input_suppliers() if suppliers is None else suppliers
    sourcing = data.input_sourcing() if sourcing is None else sourcing

    names = tuple(suppliers["supplier"])
    for n, row in enumerate(suppliers.itertuples(index=False)):
        key = f"input_suppliers.csv: row {n + 1}"
        check_name(row.component, BOUGHT, f"{key}.component", "bought component")
        _share(row.us_technology, f"{key}.us_technology")
    component = np.array([COMPONENT_INDEX[c] for c in suppliers["component"]], dtype=int)
    owners = tuple(o if isinstance(o, str) and o else None for o in suppliers["owner"])
    us_origin = (suppliers["nation"] == US).to_numpy()
    technology = suppliers["us_technology"].to_numpy(float).copy()
    for name, share in overrides.us_technology.items():
        s = names.index(check_name(name, names, f"world.inputs.us_technology.{name}", "supplier"))
        technology[s] = _share(share, f"world.inputs.us_technology.{name}")
    technology = np.where(us_origin, 1.0, np.minimum(technology * overrides.us_technology_scale, 1.0))

    cost = _cost_table(costs, overrides.chip_cost_scale)
    homes = list(vendors["home_iso3"])
    table = _sourcing_table(sourcing, names, component, cost[:, :-1].sum(axis=0) > 0)
    share = np.zeros((len(vendors), len(COMPONENTS), len(names)))
    for v, home in enumerate(homes):
        share[v] = table.get(home, table.get(ANY_HOME, np.zeros(share.shape[1:])))
    vendor_names = list(vendors["vendor"])
    for vendor, by_component in overrides.sourcing.items():
        v = vendor_names.index(check_name(vendor, vendor_names, "world.inputs.sourcing", "vendor"))
        for comp, by_supplier in by_component.items():
            key = f"world.inputs.sourcing.{vendor}.{comp}"
            k = COMPONENT_INDEX[check_name(comp, BOUGHT, key, "bought component")]
            row = np.zeros(len(names))
            for name, value in by_supplier.items():
                s = names.index(check_name(name, names, f"{key}.{name}", "supplier"))
                if component[s] != k:
                    raise ModelInputError(f"{key}.{name}", f"supplier of {COMPONENTS[component[s]]}, not {comp}",
                                          expected=f"a supplier of {comp}", got=name)
                row[s] = _share(value, f"{key}.{name}")
            _sums_to_one(row.sum(), key)
            share[v, k] = row
    return Inputs(suppliers=names, supplier_component=component, supplier_owner=owners,
                  us_origin=us_origin, us_technology=technology, cost=cost, sourcing=share,
                  vendor_home_us=np.array([h == US for h in homes]))


def _share(value: object, key: str) -> float:
    if not isinstance(value, (int, float, np.floating, np.integer)) or not 0.0 <= float(value) <= 1.0:
        raise ModelInputError(key, "share out of range", expected="a number in [0, 1]", got=value)
    return float(value)


def _sums_to_one(total: float, key: str) -> None:
    if abs(total - 1.0) > SUM_TOLERANCE:
        raise ModelInputError(key, "shares do not sum to one", expected="a sum of 1", got=round(float(total), 6))


def _cost_table(costs: pd.DataFrame, chip_scale: float) -> np.ndarray:
    """``[I, K]`` cost shares (every item's shares sum to one), bought components scaled by ``chip_scale``."""
    cost = np.zeros((len(ITEMS), len(COMPONENTS)))
    for n, row in enumerate(costs.itertuples(index=False)):
        key = f"input_costs.csv: row {n + 1}"
        i = ITEMS.index(check_name(row.item, ITEMS, f"{key}.item", "item"))
        k = COMPONENT_INDEX[check_name(row.component, COMPONENTS, f"{key}.component", "component")]
        cost[i, k] = _share(row.cost_share, f"{key}.cost_share")
    for i, item in enumerate(ITEMS):
        _sums_to_one(cost[i].sum(), f"input_costs.csv: {item}.cost_share")
    chips = cost[:, :-1] * chip_scale
    if (chips.sum(axis=1) > 1.0 + SUM_TOLERANCE).any():
        raise ModelInputError("world.inputs.chip_cost_scale", "makes the chips cost more than the item",
                              expected=f"at most {1.0 / cost[:, :-1].sum(axis=1).max():.3g}", got=chip_scale)
    return np.concatenate([chips, 1.0 - chips.sum(axis=1, keepdims=True)], axis=1)


def _sourcing_table(sourcing: pd.DataFrame, names: tuple[str, ...], component: np.ndarray, used: np.ndarray
                    ) -> dict[str, np.ndarray]:
    """Per home (or ``*``): ``[K, S]`` shares of each bought component by supplier, each summing to one
    (for the components with a cost share in some item, ``used[k]``)."""
    out: dict[str, np.ndarray] = {}
    for n, row in enumerate(sourcing.itertuples(index=False)):
        key = f"input_sourcing.csv: row {n + 1}"
        k = COMPONENT_INDEX[check_name(row.component, BOUGHT, f"{key}.component", "bought component")]
        s = names.index(check_name(row.supplier, names, f"{key}.supplier", "supplier"))
        if component[s] != k:
            raise ModelInputError(f"{key}.supplier", f"supplier of {COMPONENTS[component[s]]}, not {row.component}",
                                  expected=f"a supplier of {row.component}", got=row.supplier)
        table = out.setdefault(str(row.home_iso3), np.zeros((len(COMPONENTS), len(names))))
        table[k, s] = _share(row.share, f"{key}.share")
    for home, table in out.items():
        for k in np.flatnonzero(used):
            _sums_to_one(table[k].sum(), f"input_sourcing.csv: {home}.{COMPONENTS[k]}.share")
    return out


def input_priors() -> pd.DataFrame:
    """Every number of the input tables with its range and basis (``sourced``, ``assumption``,
    ``definition``, ``residual``): one row per ``table``, ``key``, ``value``, ``low``, ``high``,
    ``basis``. The ranges are the priors of a calibration or sensitivity analysis."""
    rows = []
    for _, r in data.input_costs().iterrows():
        rows.append(("input_costs", f"{r['item']}.{r['component']}", r["cost_share"], r["low"], r["high"], r["basis"]))
    for _, r in data.input_suppliers().iterrows():
        rows.append(("input_suppliers", f"{r['supplier']}.us_technology", r["us_technology"], r["low"], r["high"],
                     r["basis"]))
    for _, r in data.input_sourcing().iterrows():
        rows.append(("input_sourcing", f"{r['home_iso3']}.{r['component']}.{r['supplier']}", r["share"], r["low"],
                     r["high"], r["basis"]))
    return pd.DataFrame(rows, columns=["table", "key", "value", "low", "high", "basis"])
