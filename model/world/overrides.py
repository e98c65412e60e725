"""Changes a scenario may make to the default world."""

from __future__ import annotations

from pydantic import Field

from model.config.base import Config
from model.parameters import MAX_PRICE, MIN_PRICE
from model.world.inputs import InputOverrides
from model.world.restraint import VoluntaryRestraint


class CountryOverride(Config):
    """New values for one country's data."""

    repression: float | None = Field(None, ge=0.0, le=1.0)
    gdp_usd: float | None = Field(None, gt=0.0, le=1e15)
    population: float | None = Field(None, gt=0.0, le=1e10)


class VendorOverride(Config):
    """New values for one vendor's assumed parameters (``quality`` per item it sells)."""

    quality: dict[str, float] = Field(default_factory=dict)
    price_index: float | None = Field(None, ge=MIN_PRICE, le=MAX_PRICE)
    compliance: float | None = Field(None, ge=0.0, le=1.0)
    scale: float | None = Field(None, ge=MIN_PRICE, le=MAX_PRICE)


class WorldOverrides(Config):
    """Scenario changes to the world: country and vendor values, hubs, vendors' own restraint, inputs."""

    countries: dict[str, CountryOverride] = Field(default_factory=dict)
    vendors: dict[str, VendorOverride] = Field(default_factory=dict)
    hubs: dict[str, float] = Field(
        default_factory=dict, description="Hubs to add or re-rate: ISO3 -> leakiness in [0, 1]."
    )
    remove_hubs: list[str] = Field(default_factory=list)
    hub_leakiness_scale: float = Field(1.0, ge=0.0, description="Multiplies every hub's leakiness.")
    restraints: list[VoluntaryRestraint] | None = Field(
        None, description="Replaces the vendors' restraint rules from the data (None keeps them)."
    )
    inputs: InputOverrides = Field(
        default_factory=InputOverrides,
        description="Vendors' sourcing and suppliers' US technology (docs/ODD.md, 7.15).",
    )
