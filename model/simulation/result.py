"""What a run leaves at its end: :class:`RunResult`, typed, and its one flat encoding as a row of a
``runs`` table (:meth:`RunResult.row`, read back by :meth:`RunEnd.of_row`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
import pandas as pd

from model.vocabulary import ROUTES

REGIME_FIELDS = ("capability", "blocked", "leaked", "population", "own_vendors")
"""Per target regime at the end of a run: capability at the horizon, post-warm-up blocked and leaked
acquisitions, population, and whether vendors are based in its country (1/0)."""

FLOW_PREFIXES = ("acquired_", "leaked_", "revenue_")
"""Summary columns that are flows, totalled after the warm-up (with ``blocked_targets``)."""


def is_flow(column: str) -> bool:
    """Whether a summary column is a per-step flow :class:`RunResult` totals after the warm-up."""
    return column.startswith(FLOW_PREFIXES) or column == "blocked_targets"


NATION_COLUMNS = {"revenue": "total_revenue_", "share": "share_"}
"""Per exporting nation in a ``runs`` row, the column of each field before its ISO3: post-warm-up
revenue of its vendors (US$) and their share of all vendor revenue at the end (0-1)."""


def regime_key(field: str, iso3: str) -> str:
    """The column of a ``runs`` row holding ``field`` of target regime ``iso3``."""
    return f"regime_{field}_{iso3}"


@lru_cache(maxsize=16)
def _regime_keys(regimes: tuple[str, ...]) -> tuple[str, ...]:
    """The columns of ``regimes``' fields, regime by regime (made once for the runs of a world)."""
    return tuple(regime_key(field, iso3) for iso3 in regimes for field in REGIME_FIELDS)


@lru_cache(maxsize=16)
def _row_layout(columns: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The target regimes and the exporting nations (ISO3, in column order) a ``runs`` row with these
    ``columns`` holds: worked out once per set of columns, which a sweep's rows share, instead of
    scanning each row's hundreds of columns twice."""
    regime, share = regime_key(REGIME_FIELDS[0], ""), NATION_COLUMNS["share"]
    return (tuple(key[len(regime):] for key in columns if key.startswith(regime)),
            tuple(key[len(share):] for key in columns if key.startswith(share)))


@lru_cache(maxsize=16)
def text_index(labels: tuple[str, ...], name: str) -> pd.Index:
    """An index of text ``labels``, made once for every run whose world has them (an index is
    immutable: the runs' tables can share it; pandas takes longer to make it than the rest of a table)."""
    return pd.Index(np.array(labels, dtype=object), name=name)


@dataclass(frozen=True)
class RunResult:
    """The end of one run (``ControlRegimeModel.result``), as arrays; :attr:`regimes` and
    :attr:`vendors` are their tables, made when first read (a sweep's runs only need :meth:`row`,
    and arrays cross from a worker process to the main one at a fraction of a table's cost).

    ``totals``: post-warm-up total of every flow column of the summary (:func:`is_flow`), by column;
    ``regime_codes`` and ``regime_values``: the target regimes' ISO3 codes and their
    :data:`REGIME_FIELDS` (``[regime, field]``); ``vendor_names``, ``vendor_homes`` (ISO3) and
    ``vendor_revenue``: each vendor's post-warm-up revenue (US$; in memory only, not part of
    :meth:`row`); ``targets_newly_capable`` and ``years_to_capable`` (NaN when none became capable).
    :attr:`nations` gives the exporting nations."""

    totals: Mapping[str, float]
    regime_codes: tuple[str, ...]
    regime_values: np.ndarray
    vendor_names: tuple[str, ...]
    vendor_homes: tuple[str, ...]
    vendor_revenue: np.ndarray
    targets_newly_capable: int
    years_to_capable: float

    @cached_property
    def regimes(self) -> pd.DataFrame:
        """One row per target regime, indexed by ISO3, with :data:`REGIME_FIELDS`."""
        return pd.DataFrame(self.regime_values, columns=list(REGIME_FIELDS),
                            index=text_index(self.regime_codes, "iso3"))

    @cached_property
    def vendors(self) -> pd.DataFrame:
        """One row per vendor, indexed by name, with its ``home`` (ISO3) and post-warm-up ``revenue``."""
        return pd.DataFrame({"home": np.array(self.vendor_homes, dtype=object), "revenue": self.vendor_revenue},
                            index=text_index(self.vendor_names, "vendor"))

    @property
    def acquired(self) -> np.ndarray:
        """``[K]`` post-warm-up acquisitions of target regimes by route (:data:`model.vocabulary.ROUTES`)."""
        return np.array([self.totals[f"acquired_{route}"] for route in ROUTES])

    @property
    def leaked(self) -> np.ndarray:
        """``[K]`` post-warm-up acquisitions of target regimes that leaked past controls, by route."""
        return np.array([self.totals[f"leaked_{route}"] for route in ROUTES])

    @property
    def nations(self) -> pd.DataFrame:
        """Per exporting nation (ISO3 index): post-warm-up ``revenue`` of its vendors (US$)."""
        revenue = {k.removeprefix("revenue_"): v for k, v in self.totals.items()
                   if k.startswith("revenue_") and k != "revenue_controlling"}
        return pd.DataFrame({"revenue": pd.Series(revenue, dtype=float)}).rename_axis("iso3")

    def row(self) -> dict[str, float]:
        """The flat encoding of a ``runs`` table row: ``total_<column>``, the two capability
        figures, and :func:`regime_key` per target regime and field."""
        out = {f"total_{column}": value for column, value in self.totals.items()}
        out["targets_newly_capable"] = self.targets_newly_capable
        out["years_to_capable"] = self.years_to_capable
        out.update(zip(_regime_keys(self.regime_codes), self.regime_values.ravel().tolist()))
        return out


@dataclass(frozen=True)
class RunEnd:
    """A run's end as a stored ``runs`` row holds it: ``values`` (the last step's summary and
    :meth:`RunResult.row`'s scalars) and its target regimes' columns (``iso3`` and
    :data:`REGIME_FIELDS`, arrays in row order)."""

    values: Mapping[str, object]
    regimes: Mapping[str, np.ndarray]

    @classmethod
    def of_row(cls, row: Mapping[str, object]) -> RunEnd:
        """Read a stored row back (a row without regime columns has no target regimes)."""
        codes = _row_layout(tuple(row))[0]
        fields = np.array([row.get(key, np.nan) for key in _regime_keys(codes)], dtype=float)
        columns: dict[str, np.ndarray] = {"iso3": np.array(codes, dtype=object)}
        columns.update(zip(REGIME_FIELDS, fields.reshape(len(codes), len(REGIME_FIELDS)).T))
        target = ~np.isnan(columns["capability"])  # NaN: not a target of this run (rows of a concatenated table)
        return cls(row, {name: values[target] for name, values in columns.items()})

    def total(self, column: str, default: float | None = None) -> float:
        """The post-warm-up total of a flow column (``default`` when the run has no such column)."""
        key = f"total_{column}"
        return self.values[key] if default is None else self.values.get(key, default)  # type: ignore[return-value]

    def regime_table(self) -> pd.DataFrame:
        """The target regimes as a tidy table (``iso3`` as Python strings, then :data:`REGIME_FIELDS`)."""
        return pd.DataFrame({**self.regimes, "iso3": pd.Series(self.regimes["iso3"], dtype=object)})

    @cached_property
    def nation_values(self) -> dict[str, dict[str, float]]:
        """Per field of :data:`NATION_COLUMNS`, each exporting nation's value by ISO3 (in the row's
        order; NaN where the row does not hold it): :attr:`nations` as dicts, which the metrics read
        (a lookup in a dict, not in a table of text labels)."""
        codes = _row_layout(tuple(self.values))[1]
        return {field: dict(zip(codes, np.array([self.values.get(prefix + code, np.nan) for code in codes],
                                                dtype=float).tolist()))
                for field, prefix in NATION_COLUMNS.items()}

    @property
    def nations(self) -> pd.DataFrame:
        """Per exporting nation (ISO3 index, in the row's order): :data:`NATION_COLUMNS` (a field
        the row does not hold is NaN)."""
        values = self.nation_values
        codes = tuple(values["share"])
        return pd.DataFrame({field: np.array(list(values[field].values()), dtype=float) for field in NATION_COLUMNS},
                            index=text_index(codes, "iso3"))
