"""A toy instrument, as docs/architecture.md's "Where to add" says to write one, shared by the tests
that add it: the policy tests (tests/policy/test_instruments.py) and the extension test, which runs it
in a fresh interpreter (tests/test_extension.py)."""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np
from pydantic import Field

from model.policy import Instrument, PolicyArrays, PolicySchedule, PolicySet


class Embargo(Instrument):
    """Every exporter needs a licence, never granted, to sell cameras to ``country``, enforced at
    ``enforcement``."""

    country: str
    enforcement: float = 1.0

    def check(self, schedule: PolicySchedule, key: str) -> None:
        schedule.world.country(self.country, f"{key}.country")
        super().check(schedule, key)

    def contribute(self, schedule: PolicySchedule, arrays: PolicyArrays, on: Hashable) -> None:
        buyer = np.array([schedule.world.country_index[self.country]])
        for exporter in range(len(schedule.world.exporters)):
            arrays.impose(exporter, buyer, ["camera"], 0.0, self.enforcement, True)


class EmbargoSet(PolicySet):
    embargoes: list[Embargo] = Field(default_factory=list)
