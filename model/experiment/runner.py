"""One model run as a picklable job: :class:`RunSpec` in, small :class:`RunRecord` out; and an
ensemble of runs as one job (:func:`run_ensemble`)."""

from __future__ import annotations

import math
import time
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from model.simulation import ControlRegimeModel, RunResult, dispose
from model.simulation.reporters import model_frame


@dataclass(frozen=True)
class RunSpec:
    """Everything one run needs. ``model_kwargs`` are ``ControlRegimeModel`` arguments (no rng)."""

    run_id: str
    scenario: str
    role: str  # "policy" or "baseline"
    replicate: int
    seed: int
    model_kwargs: dict[str, Any]
    point_id: int = 0
    record_every: int = 1
    keep_flows: bool = False
    keep_regimes: bool = False
    series: tuple[str, ...] | None = None  # the time-series columns returned besides ``date`` (None: all)


@dataclass
class RunRecord:
    """What a run reports: its identity, time series (``series``: ``step``, ``date`` and the spec's
    ``series`` columns, one array each, every ``record_every`` steps and the last; as a table,
    :attr:`timeseries`), the last recorded step's figures (``last``, every column), its end
    (:class:`model.simulation.RunResult`), the countries that controlled exports at some step, and
    optionally its flows and per-regime capability over time."""

    spec: RunSpec
    seconds: float
    series: dict[str, np.ndarray] | None = None
    last: dict[str, Any] | None = None
    result: RunResult | None = None
    controlling: tuple[str, ...] = ()
    flows: pd.DataFrame | None = None
    regimes: pd.DataFrame | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def timeseries(self) -> pd.DataFrame | None:
        """The time series as the model's :meth:`model.simulation.ControlRegimeModel.timeseries`
        gives it: indexed by ``step``, ``date`` and the spec's ``series`` columns (None: a failed run)."""
        return None if self.series is None else model_frame(self.series, index="step")


@np.errstate(over="ignore", invalid="ignore", divide="ignore")  # check_finite reports what overflowed
def run_one(spec: RunSpec) -> RunRecord:
    """Run one model to its horizon. An exception becomes a record with ``error`` set. ``seconds``
    is the whole run: building the model, its steps, its outputs and disposing of it."""
    start = time.perf_counter()
    model = None
    try:
        model = ControlRegimeModel(**spec.model_kwargs, rng=spec.seed, collect_agents=False)
        model.collect_flows = spec.keep_flows
        model.record_every = spec.record_every  # the steps between build no summary (lean recording)
        controlling = np.zeros_like(model.controlling)  # [E]: a control in force at some step
        while model.running:
            model.step()
            controlling |= model.controlling
        result = model.result()
        check_finite(model.datacollector.model_vars, result)
        record = RunRecord(
            spec=spec,
            seconds=0.0,
            series=model.datacollector.model_columns(spec.series),
            last=model.latest(),
            result=result,
            controlling=tuple(sorted(model.exporter_codes(controlling))),
            flows=model.flow_table() if spec.keep_flows else None,
            regimes=model.regime_table() if spec.keep_regimes else None,
        )
    except Exception as exc:  # a failed run is data, not a crashed experiment
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        record = RunRecord(spec=spec, seconds=0.0, error=detail)
    finally:
        if model is not None:
            dispose(model)
    record.seconds = time.perf_counter() - start
    return record


def check_finite(recorded: Mapping[str, Sequence[Any]], result: RunResult) -> None:
    """Refuse a run whose numbers overflowed: each parameter is bounded (``docs/scenarios.md``), but
    several near their extremes together can still take the arithmetic beyond floating point. The
    recorded steps are checked (``recorded``: each column's values, step by step, ``step`` and
    ``date`` among them, as the DataCollector holds them), and the totals, which add every step's
    flows after the warm-up."""
    totals = np.array(list(result.totals.values()), dtype=float)
    if not np.isfinite(totals).all():
        column = list(result.totals)[int(np.flatnonzero(~np.isfinite(totals))[0])]
        raise ArithmeticError(
            f"the total of {column} is {result.totals[column]}: the parameters together are beyond the range "
            "where the arithmetic holds; move the extreme ones toward their defaults")
    for column, values in recorded.items():
        if column in ("step", "date") or math.isfinite(sum(values)):  # a sum is finite if every value is
            continue
        for step, value in zip(recorded["step"], values):
            if not math.isfinite(value):
                raise ArithmeticError(
                    f"{column} is {value} at step {step}: the parameters together are beyond the range where the "
                    "arithmetic holds; move the extreme ones toward their defaults")


def run_ensemble(specs: Sequence[RunSpec]) -> list[RunRecord]:
    """Run ``specs`` one after another in this process; records in the order of ``specs``.

    Runs of one world, policy set and parameter set share what does not depend on their random
    numbers, built once per process: the world and its route prices and cheapest routes, the
    policy schedule with its per-state arrays, and the opening allocation (see
    :class:`model.simulation.ProcessCaches`); runs whose parameters differ only where the schedule
    does not read (:class:`model.policy.ScheduleParameters`) share all but the opening allocation.
    Each run draws from its own streams, seeded from its
    spec, so every record is identical to ``run_one(spec)``'s, alone or in any ensemble.
    """
    return [run_one(spec) for spec in specs]
