"""Mesa agents: thin, readable views over the model's arrays.

The arithmetic of a step is vectorised in :class:`model.simulation.ControlRegimeModel`; agents
give each country and vendor an identity, so Mesa tooling (AgentSet queries, DataCollector
agent-type reporters, SolaraViz) works on them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from model.vocabulary import ITEMS, LAYER_INDEX

if TYPE_CHECKING:
    from model.simulation import ControlRegimeModel


class Country(mesa.Agent):
    """A country: an importing regime, and an exporting nation where vendors are based."""

    model: ControlRegimeModel

    def __init__(self, model: ControlRegimeModel, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def iso3(self) -> str:
        return self.model.world.iso3[self.index]

    @property
    def name(self) -> str:
        return str(self.model.world.countries["name"].iat[self.index])

    @property
    def repression(self) -> float:
        return float(self.model.world.repression[self.index])

    @property
    def population(self) -> float:
        return float(self.model.world.population[self.index])

    @property
    def is_target(self) -> bool:
        """Repression at or above the scenario's target threshold."""
        return bool(self.model.is_target[self.index])

    @property
    def is_exporter(self) -> bool:
        return bool(self.index in set(self.model.world.exporters.tolist()))

    @property
    def unrest(self) -> float:
        return float(self.model.unrest[self.index])

    @property
    def budget(self) -> float:
        """US$ available for surveillance items this step."""
        return float(self.model.budget[self.index].sum())

    @property
    def capability(self) -> float:
        """CES aggregate of the three layers' stocks; 1.0 = the world's per-capita level at the start."""
        return float(self.model.capability[self.index])

    def stock(self, layer: str) -> float:
        """Quality-adjusted stock of one layer (``camera``, ``algorithm_1n``, ``training_data``)."""
        return float(self.model.stocks[self.index, LAYER_INDEX[layer]])

    def domestic_quality(self, layer: str) -> float:
        """Quality of this country's own industry in one layer (``camera``, ``algorithm_1n``,
        ``training_data``)."""
        return float(self.model.domestic_quality[self.index, LAYER_INDEX[layer]])

    @property
    def camera_stock(self) -> float:
        return self.stock("camera")

    @property
    def algorithm_stock(self) -> float:
        return self.stock("algorithm_1n")

    @property
    def data_stock(self) -> float:
        return self.stock("training_data")


class Vendor(mesa.Agent):
    """A firm selling some of the items, from a home country, with qualities that evolve."""

    model: ControlRegimeModel

    def __init__(self, model: ControlRegimeModel, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def name(self) -> str:
        return self.model.world.vendor_names[self.index]

    @property
    def home(self) -> str:
        return self.model.world.iso3[self.model.world.vendor_home[self.index]]

    @property
    def items(self) -> tuple[str, ...]:
        return tuple(item for i, item in enumerate(ITEMS) if self.model.world.sells[self.index, i])

    def quality(self, item: str) -> float:
        """Quality of one item this vendor sells (an item of ``model.vocabulary.ITEMS``)."""
        return float(self.model.vendor_quality[self.index, ITEMS.index(item)])

    @property
    def mean_quality(self) -> float:
        """Mean quality over the items the vendor sells (0 for a vendor with none)."""
        sold = self.model.world.sells[self.index]
        return float(self.model.vendor_quality[self.index, sold].mean()) if sold.any() else 0.0

    @property
    def revenue(self) -> float:
        """US$ revenue this step, all items and buyers."""
        return float(self.model.vendor_revenue[self.index].sum())

    @property
    def us_content(self) -> float:
        return float(self.model.world.us_content[self.index])
