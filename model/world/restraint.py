"""Voluntary restraint: a vendor's own decision not to sell, independent of any law."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from model.config.base import Config
from model.dates import Date


class VoluntaryRestraint(Config):
    """A vendor rule: ``exit`` (IBM, June 2020), ``moratorium`` (Amazon, June 2020, with dates) or
    ``repressive`` (Microsoft-style: no sales to destinations with repression >= ``threshold``)."""

    vendor: str
    kind: Literal["exit", "moratorium", "repressive"]
    start: Date
    end: Date | None = None
    threshold: float = Field(0.5, ge=0.0, le=1.0)
