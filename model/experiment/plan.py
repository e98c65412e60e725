"""The runs of a sweep: ids, seeds and shared baselines, fixed before anything executes.

Replicate ``i`` of every point and of every baseline uses seed ``replicate_seed(seed, i)`` (common
random numbers), so results are the same whatever the executor, the number of workers or the order
runs finish in. A paired sweep has one baseline run per distinct baseline and replicate: points that
differ only in policies share it (the baseline is recognised by its model arguments, as
:func:`model.experiment.compare.plan` does).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from model.experiment.compare import kwargs_key
from model.experiment.points import Sweep
from model.experiment.runner import RunSpec
from model.experiment.seeds import replicate_seeds


@dataclass(frozen=True)
class Plan:
    """``baseline_of[p]`` is point ``p``'s baseline (-1 when unpaired); ``baseline_points[b]`` is a
    point whose baseline is ``b`` (its scenario's :meth:`model.scenario.Scenario.baseline` is run)."""

    sweep: Sweep
    seeds: list[int]
    baseline_of: list[int]
    baseline_points: list[int]

    @property
    def n_runs(self) -> int:
        return (len(self.baseline_points) + len(self.baseline_of)) * len(self.seeds)

    def point_run_id(self, point: int, replicate: int) -> str:
        return f"p{point:0{_width(len(self.baseline_of))}d}/r{replicate:0{_width(len(self.seeds))}d}"

    def baseline_run_id(self, baseline: int, replicate: int) -> str:
        return f"b{baseline:0{_width(len(self.baseline_points))}d}/r{replicate:0{_width(len(self.seeds))}d}"

    def specs(self, skip: set[str] = frozenset()) -> Iterator[RunSpec]:
        """Every run not in ``skip``, baselines first, built lazily (a baseline run's ``point_id`` is
        its baseline's index)."""
        every = self.sweep.spec.record_every
        for b, point in enumerate(self.baseline_points):
            kwargs = None
            for r, seed in enumerate(self.seeds):
                run_id = self.baseline_run_id(b, r)
                if run_id not in skip:
                    kwargs = kwargs or self.sweep.scenario(point).baseline().model_kwargs()
                    yield RunSpec(run_id, f"b{b}", "baseline", r, seed, kwargs, point_id=b,
                                  record_every=every)
        for p in range(len(self.baseline_of)):
            kwargs = None
            for r, seed in enumerate(self.seeds):
                run_id = self.point_run_id(p, r)
                if run_id not in skip:
                    kwargs = kwargs or self.sweep.scenario(p).model_kwargs()
                    yield RunSpec(run_id, f"p{p}", "point", r, seed, kwargs, point_id=p, record_every=every)


def make_plan(sweep: Sweep) -> Plan:
    """Seeds for every replicate and, when paired, the shared baselines."""
    seeds = replicate_seeds(sweep.seed, sweep.replications)
    if not sweep.spec.paired:
        return Plan(sweep, seeds, [-1] * len(sweep.design), [])
    index: dict[str, int] = {}
    baseline_of = []
    for point in range(len(sweep.design)):
        key = kwargs_key(sweep.scenario(point).baseline().model_kwargs())
        baseline_of.append(index.setdefault(key, len(index)))
    first = {b: p for p, b in reversed(list(enumerate(baseline_of)))}
    return Plan(sweep, seeds, baseline_of, [first[b] for b in range(len(index))])


def _width(n: int) -> int:
    return len(str(max(n - 1, 0)))
