"""A sweep made ready to run: its base scenario, parameters located in it, the design, and a
checked scenario for every point.

Each point's scenario is the base's :meth:`Scenario.resolved` data with the point's values set at
their key paths, validated by :meth:`Scenario.from_resolved` — the same schema as any scenario file.
Every point is checked before anything runs, and names (countries, vendors) are checked against
the world once per distinct parameter value; a bad point is one line naming the sweep file and the
parameter.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from model.config.tables import Loc, deep_merge, key_path
from model.errors import ModelInputError
from model.experiment.coalitions import growing_coalitions
from model.experiment.collect import cell
from model.experiment.design import Axis, Design, design_size, make_design
from model.experiment.keys import resolve, with_values
from model.experiment.outcomes import DEFAULT_RAW, check_names, metric_names, raw_metric_names
from model.experiment.plan import Plan
from model.experiment.spec import Parameter, SweepSpec
from model.experiment.store import Store
from model.limits import MAX_POINTS, MAX_RUNS, check_size
from model.scenario import Scenario, ScenarioError, validate_scenario


@dataclass(frozen=True)
class Sweep:
    """A checked sweep: ``base`` has the sweep's ``[scenario]`` changes; ``locs`` are the parameters'
    concrete key paths in it; replications, seed and metrics have their defaults filled in."""

    spec: SweepSpec
    origin: str
    base: Scenario
    locs: tuple[Loc, ...]
    design: Design
    replications: int
    seed: int
    metrics: list[str]
    series: list[str]

    role: ClassVar[str] = "point"

    @functools.cached_property
    def columns(self) -> list[str]:
        return [p.column for p in self.spec.parameters]

    def __len__(self) -> int:
        return len(self.design)

    def runs_itself(self, point: int) -> bool:
        return True

    def label(self, point: int) -> str:
        return f"p{point:0{len(str(max(len(self.design) - 1, 0)))}d}"

    def baseline_label(self, baseline: int, point: int, n_baselines: int) -> str:
        return f"b{baseline:0{len(str(max(n_baselines - 1, 0)))}d}"

    @property
    def headline(self) -> str:
        return self.base.headline

    def values_table(self, plan: Plan) -> pd.DataFrame:
        """The design's points with parameter values as stored (lists as JSON text) and, when paired,
        their ``baseline_id``."""
        points = self.design.points.copy()
        for column in self.columns:
            points[column] = points[column].map(cell)
        if plan.has_baselines:
            points["baseline_id"] = plan.baseline_of
        return points

    def tables(self, plan: Plan, store: Store, ends: pd.DataFrame, runs: pd.DataFrame) -> dict[str, pd.DataFrame]:
        """``points`` (:meth:`values_table`) and, when series were stored, ``timeseries``: every run's
        recorded steps with ``run_id``, ``role``, ``point_id`` (-1 for a baseline), ``baseline_id``,
        ``replicate``, ``step``, ``date`` and the series columns."""
        tables = {"points": self.values_table(plan)}
        if store.has_parts("series"):  # parts read one at a time into one table, not held twice
            series = pd.concat(store.read_parts("series"), ignore_index=True)
            ids = ends[["run_id", "role", "point_id", "replicate"]].copy()
            is_point = ids["role"] == self.role
            ids["baseline_id"] = [plan.baseline_of[point] if own else point
                                  for point, own in zip(ids["point_id"], is_point)]
            ids["point_id"] = ids["point_id"].where(is_point, -1)
            tables["timeseries"] = ids.merge(series, on="run_id").sort_values(["run_id", "step"],
                                                                              ignore_index=True)
        return tables

    def values(self, point_id: int) -> dict[str, Any]:
        """The parameter values of a point, by column name."""
        row = self._rows[point_id]
        return {column: _plain(row[i]) for column, i in zip(self.columns, self._column_at)}

    @functools.cached_property
    def _rows(self) -> np.ndarray:
        """The design's points as one array, a row per point (of the type ``iloc`` gives a row,
        without pandas' work for each row)."""
        return self.design.points.to_numpy()

    @functools.cached_property
    def _base_data(self) -> dict[str, Any]:
        """The base scenario's :meth:`Scenario.resolved` data (each point's is a copy with its values set)."""
        return self.base.resolved()

    @functools.cached_property
    def _column_at(self) -> list[int]:
        return [self.design.points.columns.get_loc(column) for column in self.columns]

    def scenario(self, point_id: int) -> Scenario:
        """The scenario of a point (a :class:`ScenarioError` naming the sweep and parameter if invalid)."""
        return self._build(dict(zip(self.locs, self.values(point_id).values())), f" at point {point_id}")

    def _build(self, values: dict[Loc, Any], where: str) -> Scenario:
        try:
            return Scenario.from_resolved(with_values(self._base_data, values))
        except ScenarioError as err:
            raise self._blame(err, values, where) from None

    def _blame(self, err: ModelInputError, values: dict[Loc, Any], where: str) -> ScenarioError:
        """``err`` (about a point's scenario) located at the sweep parameter that caused it."""
        for i, loc in enumerate(self.locs):
            if loc in values and _overlaps(key_path(loc), err.key):
                return ScenarioError(self.origin, f"parameters[{i}]",
                                     f"{self.spec.parameters[i].key}{where}: {err.problem}",
                                     expected=err.expected, got=values[loc] if err.got is None else err.got,
                                     suggestion=err.suggestion)
        return ScenarioError(self.origin, "parameters",
                             f"the values{where} make an invalid scenario: {err.key}: {err.problem}",
                             expected=err.expected, got=err.got, suggestion=err.suggestion)


def prepare(spec: SweepSpec, base: Scenario, origin: str) -> Sweep:
    """Check ``spec`` against ``base`` and build its design; every point is validated."""
    base = _with_changes(base, spec.scenario, origin)
    data = base.resolved()
    locs = []
    for i, p in enumerate(spec.parameters):
        try:
            locs.append(resolve(data, p.key))
        except ModelInputError as err:
            raise ScenarioError(origin, f"parameters[{i}].key", err.problem, expected=err.expected,
                                got=p.key, suggestion=err.suggestion) from None
    seed = spec.seed if spec.seed is not None else base.seed
    axes = [Axis(p.column, _levels(p, base, origin, i), p.bounds, p.integer)
            for i, p in enumerate(spec.parameters)]
    _check_size(spec, axes, spec.replications or base.replications, origin)
    design = make_design(spec.design, axes, samples=spec.samples, seed=seed, levels=spec.levels,
                         second_order=spec.second_order)
    metrics, series = _metrics(spec, base, origin, locs)
    sweep = Sweep(spec, origin, base, tuple(locs), design,
                  spec.replications or base.replications, seed, metrics, series)
    _check_world(sweep, axes)
    for point in range(len(design)):
        sweep.scenario(point)
    return sweep


def _check_size(spec: SweepSpec, axes: list[Axis], replications: int, origin: str) -> None:
    """Refuse a design beyond :data:`MAX_POINTS` points or :data:`MAX_RUNS` runs before making it."""
    points = design_size(spec.design, axes, samples=spec.samples, second_order=spec.second_order)
    key = "samples" if spec.samples is not None else "parameters"
    try:
        check_size("design points", points, MAX_POINTS, key)
        check_size("runs", points * replications * (2 if spec.paired else 1), MAX_RUNS, key)
    except ModelInputError as err:
        raise ScenarioError.of(origin, err) from None


def _with_changes(base: Scenario, changes: dict[str, Any], origin: str) -> Scenario:
    if not changes:
        return base
    try:
        changed = Scenario.from_resolved(deep_merge(base.resolved(), changes))
        validate_scenario(changed)
    except ScenarioError as err:
        raise ScenarioError(origin, f"scenario.{err.key}" if err.key else "scenario", err.problem,
                            expected=err.expected, got=err.got, suggestion=err.suggestion) from None
    return changed


def _levels(p: Parameter, base: Scenario, origin: str, i: int) -> list[Any] | None:
    if p.values is not None:
        return list(p.values)
    if p.range is not None:
        return p.range.values()
    if p.coalition is not None:
        c = p.coalition
        try:
            return growing_coalitions(c.leader, c.exclude, c.size, scenario=base)
        except ModelInputError as err:
            raise ScenarioError(origin, f"parameters[{i}].{err.key}", err.problem, expected=err.expected,
                                got=err.got, suggestion=err.suggestion) from None
    return None


def _metrics(spec: SweepSpec, base: Scenario, origin: str, locs: list[Loc]) -> tuple[list[str], list[str]]:
    end, series = raw_metric_names(base)
    if spec.paired:
        if base.policies.is_empty and not any(loc[0] == "policies" for loc in locs):
            raise ScenarioError(origin, "paired", "pairing needs policies, and neither the base scenario "
                                "nor the parameters set any",
                                expected="paired = false for raw end-of-run metrics")
        end = metric_names()
    metrics = spec.metrics if spec.metrics is not None else (end if spec.paired else DEFAULT_RAW)
    check_names(metrics, end, "metrics", origin)
    check_names(spec.series, series, "series", origin)
    return list(metrics), list(spec.series)


def _check_world(sweep: Sweep, axes: list[Axis]) -> None:
    """Names and dates checked against the world for each distinct value (or both bounds) of each
    parameter, with the other parameters at their base values."""
    for loc, axis in zip(sweep.locs, axes):
        candidates = axis.levels if axis.levels is not None else [axis.value(0.0), axis.value(1.0)]
        distinct = {json.dumps(v, sort_keys=True, default=str): v for v in candidates}
        for value in distinct.values():
            scenario = sweep._build({loc: value}, "")
            try:
                validate_scenario(scenario)
            except ScenarioError as err:
                raise sweep._blame(err, {loc: value}, "") from None


def _overlaps(a: str, b: str) -> bool:
    """Whether key path ``a`` lies on or under ``b``, or ``b`` on or under ``a``."""
    return a == b or b.startswith((a + ".", a + "[")) or a.startswith((b + ".", b + "["))


def _plain(value: Any) -> Any:
    """A design value as plain Python (numpy scalars unwrapped)."""
    return value.item() if hasattr(value, "item") and not isinstance(value, (list, dict)) else value
