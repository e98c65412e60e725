"""When an instrument is in force."""

from __future__ import annotations

from pydantic import Field

from model.config.base import Config
from model.dates import Date


class Window(Config):
    """When an instrument is in force: from ``start`` (None = end of warm-up) until ``end`` (None =
    never ends), taking effect ``lag`` steps after its start."""

    start: Date | None = None
    end: Date | None = None
    lag: int = Field(
        0, ge=0,
        description="Steps between the start and the instrument taking effect (a phase-in or enforcement "
        "lag). Assumption: 0.",
    )
