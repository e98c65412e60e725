"""The one planner: the runs of an experiment — ids, seeds and shared baselines — fixed before
anything executes.

An experiment is a design of scenarios (:class:`Points`): the points of a sweep, or the scenarios
of a comparison. Replicate ``i`` of every point and of every baseline uses seed
``replicate_seed(seed, i)`` (common random numbers), so results are the same whatever the executor,
the number of workers or the order runs finish in. A paired experiment has one baseline run per
distinct baseline and replicate: points that differ only in policies share it (a baseline is
recognised by its model arguments).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from model.experiment.runner import RunSpec
from model.experiment.seeds import replicate_seeds
from model.scenario import Scenario


class Points(Protocol):
    """What the planner needs of an experiment's points."""

    role: str  # what point runs are called in the tables ("point" in sweeps, "policy" in comparisons)

    def __len__(self) -> int: ...

    def scenario(self, point: int) -> Scenario: ...

    def runs_itself(self, point: int) -> bool:
        """False for a point that only contributes its baseline (a comparison's no-policy scenario)."""
        ...

    def label(self, point: int) -> str: ...

    def baseline_label(self, baseline: int, point: int, n_baselines: int) -> str: ...


def kwargs_key(kwargs: dict[str, Any]) -> str:
    """A canonical text form of model arguments (to recognise identical runs)."""
    plain = {k: v.model_dump(mode="json") if hasattr(v, "model_dump") else str(v) for k, v in kwargs.items()}
    return json.dumps(plain, sort_keys=True)


@dataclass(frozen=True)
class Plan:
    """``baseline_of[p]`` is point ``p``'s baseline (-1 when unpaired); ``baseline_points[b]`` is a
    point whose baseline is ``b`` (its scenario's :meth:`model.scenario.Scenario.baseline` is run);
    ``points`` are the points run with their own policies."""

    design: Points
    seeds: list[int]
    baseline_of: list[int]
    baseline_points: list[int]
    points: list[int]
    record_every: int = 1
    keep_flows: bool = False
    keep_regimes: bool = False
    series: tuple[str, ...] | None = None  # the time-series columns a run returns (None: all)
    baseline_labels: list[str] = field(default_factory=list)

    @property
    def has_baselines(self) -> bool:
        """Whether each point run is paired with a baseline run on the same seed."""
        return bool(self.baseline_points)

    @property
    def n_runs(self) -> int:
        return (len(self.baseline_points) + len(self.points)) * len(self.seeds)

    def point_run_id(self, point: int, replicate: int) -> str:
        return f"{self.design.label(point)}/r{replicate:0{_width(len(self.seeds))}d}"

    def baseline_run_id(self, baseline: int, replicate: int) -> str:
        return f"{self.baseline_labels[baseline]}/r{replicate:0{_width(len(self.seeds))}d}"

    def specs(self, skip: set[str] = frozenset()) -> Iterator[RunSpec]:
        """Every run not in ``skip``, built lazily: each baseline's runs (a baseline run's ``point_id``
        is its baseline's index), then those of the points it serves, so a point runs beside its
        baseline (sharing the process's world and setup caches, and in a sweep whose points are their
        own baselines one scenario built for both); unpaired, the points in order."""
        served: dict[int, list[int]] = {}
        for p in self.points:
            served.setdefault(self.baseline_of[p], []).append(p)
        for b, first in enumerate(self.baseline_points):
            scenario = functools.cache(functools.partial(self.design.scenario, first))  # built if a run is left
            yield from self._runs(self.baseline_labels[b], "baseline", b, self.baseline_run_id, skip,
                                  functools.partial(_baseline, scenario))
            for p in served.pop(b, []):
                point = scenario if p == first else functools.partial(self.design.scenario, p)
                yield from self._runs(self.design.label(p), self.design.role, p, self.point_run_id, skip, point)
        for p in served.pop(-1, []):
            yield from self._runs(self.design.label(p), self.design.role, p, self.point_run_id, skip,
                                  functools.partial(self.design.scenario, p))

    def _runs(self, label: str, role: str, index: int, run_id: Callable[[int, int], str], skip: set[str],
              scenario: Callable[[], Scenario]) -> Iterator[RunSpec]:
        """The runs of one point or baseline (``index``) not in ``skip``; ``scenario`` is called once, if any is left."""
        kwargs = None
        for r, seed in enumerate(self.seeds):
            identity = run_id(index, r)
            if identity not in skip:
                kwargs = kwargs or scenario().model_kwargs()
                yield RunSpec(identity, label, role, r, seed, kwargs, point_id=index, record_every=self.record_every,
                              keep_flows=self.keep_flows and role != "baseline", keep_regimes=self.keep_regimes,
                              series=self.series)


def _baseline(scenario: Callable[[], Scenario]) -> Scenario:
    return scenario().baseline()


def plan(design: Points, seed: int, replications: int, *, paired: bool = True, record_every: int = 1,
         keep_flows: bool = False, keep_regimes: bool = False, series: Sequence[str] | None = None) -> Plan:
    """Seeds for every replicate and, when ``paired``, the shared baselines of ``design``; ``series``:
    the time-series columns each run returns (None: all)."""
    seeds = replicate_seeds(seed, replications)
    points = [p for p in range(len(design)) if design.runs_itself(p)]
    options = {"record_every": record_every, "keep_flows": keep_flows, "keep_regimes": keep_regimes,
               "series": None if series is None else tuple(series)}
    if not paired:
        return Plan(design, seeds, [-1] * len(design), [], points, **options)
    index: dict[str, int] = {}
    baseline_of = []
    for point in range(len(design)):
        key = kwargs_key(design.scenario(point).baseline().model_kwargs())
        baseline_of.append(index.setdefault(key, len(index)))
    first = {b: p for p, b in reversed(list(enumerate(baseline_of)))}
    baseline_points = [first[b] for b in range(len(index))]
    labels = [design.baseline_label(b, p, len(index)) for b, p in enumerate(baseline_points)]
    return Plan(design, seeds, baseline_of, baseline_points, points, baseline_labels=labels, **options)


def _width(n: int) -> int:
    return len(str(max(n - 1, 0)))
