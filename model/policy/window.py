"""When an instrument is in force."""

from __future__ import annotations

from model.config.base import Config
from model.dates import Date


class Window(Config):
    """When an instrument is in force: from ``start`` (None = end of warm-up) until ``end`` (None = never ends)."""

    start: Date | None = None
    end: Date | None = None
