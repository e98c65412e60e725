"""Checking a sweep before running it: its size, a time estimate, and whether a sensitivity design
is large enough for meaningful intervals.

The rule for sensitivity designs (documented in ``docs/sweeps.md``): the 95% intervals of Sobol
indices (Saltelli's estimators, bootstrap intervals) narrow as 1/sqrt(N), N the base samples; with
this model they are up to about +/-3 at N = 4 (:data:`SOBOL_SPREAD` / sqrt(N); narrower for designs
of few parameters: the rule is conservative, and ``analyze`` reports each index's own interval). An interval is meaningful
when it is within +/-:data:`MEANINGFUL` on an index in [0, 1] (it then tells a strong parameter from
a weak one), which takes N >= (SOBOL_SPREAD / MEANINGFUL)^2 = 900, i.e. 1024 as a power of two. Morris
rankings need at least :data:`MORRIS_ENOUGH` trajectories (Campolongo, Cariboni and Saltelli 2007
use 10 to 20).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from model.errors import ModelInputError
from model.experiment.plan import Plan
from model.experiment.points import Sweep
from model.experiment.runner import run_one

SOBOL_SPREAD = 6.0
"""Half-width of a first-order Sobol index's 95% interval times sqrt(N) (about +/-3 at N = 4)."""

MEANINGFUL = 0.2
"""Largest half-width of a meaningful interval on an index in [0, 1]."""

MORRIS_ENOUGH = 10
"""Trajectories of a Morris design from which its ranking of parameters is stable."""


def design_warning(sweep: Sweep) -> str | None:
    """A one-line warning when a Sobol or Morris design is too small for meaningful intervals, naming
    the N that would be enough (None when it is large enough, or not a sensitivity design)."""
    spec = sweep.spec
    if spec.design == "sobol" and interval_half_width(spec.samples) > MEANINGFUL:
        return (f"samples = {spec.samples} is too few for meaningful Sobol intervals (about "
                f"+/-{interval_half_width(spec.samples):.1f} on indices in [0, 1]); use samples = "
                f"{sobol_enough()} or more for intervals within +/-{MEANINGFUL}")
    if spec.design == "morris" and spec.samples < MORRIS_ENOUGH:
        return (f"samples = {spec.samples} Morris trajectories give an unstable ranking; use samples = "
                f"{MORRIS_ENOUGH} or more")
    return None


def interval_half_width(samples: int) -> float:
    """The typical half-width of a first-order Sobol index's 95% interval with ``samples`` base samples."""
    return SOBOL_SPREAD / math.sqrt(samples)


def sobol_enough() -> int:
    """The fewest base samples (a power of 2) whose intervals are within +/-:data:`MEANINGFUL`."""
    return 1 << math.ceil(math.log2((SOBOL_SPREAD / MEANINGFUL) ** 2))


@dataclass(frozen=True)
class Estimate:
    """How big a sweep is and how long it should take."""

    points: int
    runs: int
    seconds_per_run: float
    workers: int

    @property
    def seconds(self) -> float:
        return self.runs * self.seconds_per_run / self.workers

    def describe(self) -> str:
        return (f"{self.points} design points, {self.runs} runs; one run took {self.seconds_per_run:.2f} s, "
                f"so about {_duration(self.seconds)} on {self.workers} worker(s)")


def estimate(plan: Plan, workers: int) -> Estimate:
    """Time one run of ``plan`` (its first, in this process) and scale it to all of them."""
    first = next(plan.specs())
    start = time.perf_counter()
    record = run_one(first)
    seconds = time.perf_counter() - start
    if record.error:  # the point is valid but the run is not: say so before a long sweep
        raise ModelInputError(first.run_id, f"the timing run failed: {record.error}")
    return Estimate(len(plan.design), plan.n_runs, seconds, workers)


def dry_run(sweep: Sweep, plan: Plan, workers: int, shown: int = 20) -> str:
    """What ``sweep --dry-run`` prints: the design points (the first and last when there are many),
    the number of runs and the time estimate."""
    table = sweep.design.points.to_string(index=False, max_rows=shown)
    return f"{table}\n\n{estimate(plan, workers).describe()}"


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
