"""Model time: step indices and the calendar dates they stand for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

Date = int | dt.date
"""A point in model time: a step index (0 = first step) or a calendar date."""


@dataclass(frozen=True)
class Calendar:
    """Maps calendar dates to step indices. Step ``t`` covers ``[date_of(t), date_of(t + 1))``."""

    start: dt.date = dt.date(2019, 1, 1)
    steps_per_year: int = 4

    def step_of(self, when: Date) -> int:
        """The index of the step that contains ``when`` (ints are already steps)."""
        if isinstance(when, int):
            return when
        months = (when.year - self.start.year) * 12 + (when.month - self.start.month)
        months_per_step = 12 / self.steps_per_year
        return int(months // months_per_step)

    def date_of(self, step: int) -> dt.date:
        """The first day of step ``step``."""
        months = round(step * 12 / self.steps_per_year)
        year, month = divmod(self.start.month - 1 + months, 12)
        return dt.date(self.start.year + year, month + 1, 1)

    @classmethod
    def from_settings(cls, settings: dict) -> Calendar:
        """The calendar of a resolved scenario (``start_date`` and ``steps_per_year`` keys)."""
        start = settings["start_date"]
        return cls(dt.date.fromisoformat(str(start)), int(settings["steps_per_year"]))

    def years(self, steps: float) -> float:
        """A number of steps expressed in years."""
        return steps / self.steps_per_year
