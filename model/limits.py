"""The bounds on every count, size and date the project accepts, defined once.

The command line (``model.interfaces.arguments``) and the file schemas (scenario, sweep and calibration files)
use these types, so a value is checked at the edge with the same bounds wherever it is given. The
bounds are far beyond any real study but stop a typo (an extra zero, a minus sign) from hanging or
exhausting a machine: ``docs/scenarios.md`` and the README list them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field

from model.errors import ModelInputError

MAX_REPLICATIONS = 10_000
"""Runs per scenario or per sweep point."""

MAX_SEED = 2**63 - 1
"""Largest master seed (seeds are stored as 64-bit integers)."""

MAX_HORIZON = 1_200
"""Most steps in a run: a century of monthly steps (one run of 1,200 steps takes about 15 s)."""

MAX_STEPS_PER_YEAR = 12
"""Most steps per year: the calendar counts whole months, so a step is at least a month."""

FIRST_DATE = dt.date(1900, 1, 1)
LAST_DATE = dt.date(2200, 12, 31)
"""Every calendar date (a start date, a policy date, the end of a run) lies in this span, which
the calendar, the tables and the figures' date axes all represent."""

MAX_SAMPLES = 100_000
"""Most samples of a sampled sweep design (LHS points, Sobol base samples, Morris trajectories)."""

MAX_POINTS = 1_000_000
"""Most points of one sweep design (the design table then needs at most a few hundred MB)."""

MAX_RUNS = 10_000_000
"""Most model runs of one sweep (points and baselines, times replications)."""

MAX_WORKERS = 1_024
"""Most local worker processes (or local Dask workers) one command may start."""

MAX_CHUNK = 1_000_000
"""Most finished runs per stored part of a sweep."""

MAX_PORT = 65_535
"""Largest TCP port number."""

MAX_FILE_BYTES = 16 * 2**20
"""Largest input file (scenario, sweep, calibration or analysis file) read: 16 MB, thousands of
times the largest real one."""

MAX_NESTING = 32
"""Deepest nesting of tables and arrays in an input file (the deepest real key path has 5 parts)."""

MAX_EXTENDS = 32
"""Longest chain of scenario files each extending the next."""

MIN_DPI, MAX_DPI = 10, 1_200
"""Resolution of drawn figures, in dots per inch."""

Replications = Annotated[int, Field(ge=1, le=MAX_REPLICATIONS)]
IntervalReplications = Annotated[int, Field(ge=2, le=MAX_REPLICATIONS)]
"""Replications of a 95% interval (at least two)."""
Seed = Annotated[int, Field(ge=0, le=MAX_SEED)]
Horizon = Annotated[int, Field(ge=1, le=MAX_HORIZON)]
StepsPerYear = Annotated[int, Field(ge=1, le=MAX_STEPS_PER_YEAR)]
CalendarDate = Annotated[dt.date, Field(ge=FIRST_DATE, le=LAST_DATE)]
Samples = Annotated[int, Field(ge=1, le=MAX_SAMPLES)]
Workers = Annotated[int, Field(ge=1, le=MAX_WORKERS)]
Chunk = Annotated[int, Field(ge=1, le=MAX_CHUNK)]
Dpi = Annotated[float, Field(ge=MIN_DPI, le=MAX_DPI)]
Port = Annotated[int, Field(ge=0, le=MAX_PORT)]
"""A TCP port (0: any free port)."""


def check_size(what: str, count: int, limit: int, key: str) -> None:
    """Refuse ``count`` ``what`` (e.g. 'design points') beyond ``limit``, naming ``key``."""
    if count > limit:
        raise ModelInputError(key, f"{count:,} {what}, more than this tool runs at once",
                              expected=f"at most {limit:,}; lower the samples, values or replications")
