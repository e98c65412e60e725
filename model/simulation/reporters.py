"""Module-level DataCollector reporters (picklable, so runs can cross process boundaries)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from model.simulation.agents import Country, Vendor

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
