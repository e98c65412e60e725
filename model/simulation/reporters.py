"""Data collection: Mesa's DataCollector fed whole arrays (model-level figures from the step summary,
per-agent figures as one vectorised table per step). Module-level functions, so runs pickle."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

import mesa
import numpy as np
import pandas as pd

from model.simulation.agents import Country, Vendor
from model.vocabulary import LAYER_INDEX

if TYPE_CHECKING:
    from model.simulation import ControlRegimeModel


def summary_value(model: ControlRegimeModel, key: str) -> float:
    """One figure of the step's summary (see ``ControlRegimeModel.summary``)."""
    return model.summary[key]


def model_reporters(keys: list[str]) -> dict[str, partial]:
    """A reporter per summary key."""
    return {key: partial(summary_value, key=key) for key in keys}


COUNTRY_REPORTERS = {
    "iso3": "iso3",
    "is_target": "is_target",
    "unrest": "unrest",
    "budget": "budget",
    "capability": "capability",
    "camera_stock": "camera_stock",
    "algorithm_stock": "algorithm_stock",
    "data_stock": "data_stock",
}
VENDOR_REPORTERS = {"vendor": "name", "home": "home", "revenue": "revenue", "mean_quality": "mean_quality"}


def agenttype_reporters() -> dict[type, dict[str, str]]:
    return {Country: COUNTRY_REPORTERS, Vendor: VENDOR_REPORTERS}


def country_columns(model: ControlRegimeModel) -> dict[str, np.ndarray]:
    """Every country's ``COUNTRY_REPORTERS`` attributes at once, in agent (index) order."""
    stocks = model.stocks
    return {
        "iso3": np.array(model.world.iso3, dtype=object),
        "is_target": model.is_target,
        "unrest": model.unrest,
        "budget": model.budget.sum(axis=1),
        "capability": model.capability,
        "camera_stock": stocks[:, LAYER_INDEX["camera"]],
        "algorithm_stock": stocks[:, LAYER_INDEX["algorithm_1n"]],
        "data_stock": stocks[:, LAYER_INDEX["training_data"]],
    }


def vendor_columns(model: ControlRegimeModel) -> dict[str, np.ndarray]:
    """Every vendor's ``VENDOR_REPORTERS`` attributes at once, in agent (index) order."""
    world = model.world
    sold = world.sells
    n_sold = sold.sum(axis=1)
    quality = np.where(sold, model.vendor_quality, 0.0).sum(axis=1)
    return {
        "vendor": np.array(world.vendor_names, dtype=object),
        "home": np.array(world.iso3, dtype=object)[world.vendor_home],
        "revenue": model.vendor_revenue.sum(axis=1),
        "mean_quality": np.divide(quality, n_sold, out=np.zeros(world.n_vendors), where=n_sold > 0),
    }


AGENT_COLUMNS = {Country: country_columns, Vendor: vendor_columns}


def model_frame(columns: dict[str, np.ndarray], index: str | None = None) -> pd.DataFrame:
    """The model-level table of :meth:`ArrayDataCollector.model_columns`, indexed by the column
    ``index`` if given."""
    rows = None if index is None else pd.Index(columns[index], name=index)
    return pd.DataFrame({key: values for key, values in columns.items() if key != index}, index=rows)


class ArrayDataCollector(mesa.DataCollector):
    """A ``mesa.DataCollector`` that records a step with a few array copies instead of one call
    per agent and variable. ``get_model_vars_dataframe`` and ``get_agenttype_vars_dataframe``
    return what Mesa's reporters would (index ``Step``, ``AgentID``; one column per reporter)."""

    def __init__(self, summary_keys: list[str], agent_ids: dict[type, np.ndarray] | None) -> None:
        super().__init__(
            model_reporters=model_reporters(summary_keys),
            agenttype_reporters=agenttype_reporters() if agent_ids is not None else None,
        )
        self._agent_ids = agent_ids or {}
        self._steps: list[int] = []
        self._columns: dict[type, list[dict[str, np.ndarray]]] = {kind: [] for kind in self._agent_ids}

    def collect(self, model: ControlRegimeModel) -> None:
        for key, value in model.summary.items():
            self.model_vars[key].append(value)
        if self._agent_ids:
            self._steps.append(model.steps)
            for kind, columns in self._columns.items():
                columns.append({k: np.array(v, copy=True) for k, v in AGENT_COLUMNS[kind](model).items()})

    def get_model_vars_dataframe(self) -> pd.DataFrame:
        """Mesa's table, built from one array per column: pandas works out each list's type
        element by element, which cost more than the rest of a lean run's recording."""
        return self.model_table()

    def model_table(self, columns: Sequence[str] | None = None, index: str | None = None) -> pd.DataFrame:
        """:meth:`get_model_vars_dataframe` with only ``step``, ``date`` and ``columns`` (None: every
        column), indexed by the column ``index`` if given (as ``set_index(index)`` would, without
        building the table twice). Pandas takes about 10 us per column, so a sweep that stores four
        of the ~190 series saves most of a run's table."""
        if not any(self.model_vars.values()):  # nothing recorded: Mesa's table of empty columns
            table = super().get_model_vars_dataframe()[self._model_keys(columns)]
            return table if index is None else table.set_index(index)
        return model_frame(self.model_columns(columns), index)

    def model_columns(self, columns: Sequence[str] | None = None) -> dict[str, np.ndarray]:
        """``step``, ``date`` and ``columns`` (None: every column) as one array each, one value per
        recorded step: what :meth:`model_table` is made of, without pandas (a worker's run sends these)."""
        return {key: np.array(self.model_vars[key]) for key in self._model_keys(columns)}

    def _model_keys(self, columns: Sequence[str] | None) -> list[str]:
        return list(self.model_vars) if columns is None else ["step", "date", *columns]

    def get_agenttype_vars_dataframe(self, agent_type: type) -> pd.DataFrame:
        if agent_type not in self._columns:
            return super().get_agenttype_vars_dataframe(agent_type)
        ids, records = self._agent_ids[agent_type], self._columns[agent_type]
        names = list(self.agenttype_reporters[agent_type])
        frame = pd.DataFrame({
            "Step": np.repeat(np.array(self._steps, dtype=np.int64), len(ids)),
            "AgentID": np.tile(ids, len(records)),
            **{name: np.concatenate([r[name] for r in records]) if records else [] for name in names},
        })
        return frame.set_index(["Step", "AgentID"])
