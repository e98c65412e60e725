"""The Python entry points: :func:`sweep` from a script, :func:`sweep_file` / :func:`load_sweep` from a
sweep file."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from numbers import Real
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.errors import ModelInputError
from model.experiment.arguments import checked_executor, checked_path
from model.experiment.collect import collect
from model.experiment.execute import CHUNK, run_plan
from model.experiment.folders import read_table, results_folder
from model.experiment.plan import Plan, plan
from model.experiment.points import Sweep, prepare
from model.experiment.preflight import design_warning
from model.experiment.spec import DEFAULT_SERIES, load_spec, read_spec
from model.scenario import Scenario, load_scenario

IDENTITY = ("sweep", "base", "design", "seeds")
"""Manifest entries that must agree for ``resume`` to continue a folder."""


def sweep(
    base: Scenario | str | Path,
    params: Mapping[str, Any],
    *,
    design: str = "grid",
    replications: int | None = None,
    executor: Any = "processes",
    out: str | Path | None = None,
    seed: int | None = None,
    samples: int | None = None,
    metrics: list[str] | None = None,
    series: list[str] | None = None,
    record_every: int = 4,
    paired: bool = True,
    resume: bool = False,
    force: bool = False,
    progress: bool = True,
    name: str | None = None,
    chunk: int = CHUNK,
    **options: Any,
) -> pd.DataFrame:
    """Run a sweep over ``params`` around ``base`` (a Scenario or a scenario file) and return the runs
    table: one row per run with ``run_id``, ``point_id``, ``replicate``, ``seed``, a column per
    parameter, a column per metric, ``seconds`` and ``error``.

    ``params`` maps key paths to values: a list (or ``range``, or array) of values; a tuple
    ``(low, high)`` of bounds for sampled designs; or a dict of sweep-file keys (``values``,
    ``range={"first", "step", "last"}``, ``bounds``, ``integer``, ``coalition``, ``name``, ``label``).
    ``executor``: "processes" (all cores, the default, as on the command line), None or "serial", an
    int (that many processes), a ``concurrent.futures.Executor`` or a Dask ``Client``. Results go to
    ``out``, by default ``results/<name>`` as with ``run.py sweep`` (the folder is kept: the returned
    table's ``attrs["folder"]`` names it); ``resume`` continues an interrupted sweep there and
    ``force`` replaces it. A design too small for its sensitivity indices gives the command line's
    warning as a ``UserWarning``. Other sweep-file keys (``levels``, ``second_order``, ``scenario``)
    pass through ``options``.
    """
    executor = checked_executor(executor)
    out = checked_path(out, "out") if out is not None else None
    if not isinstance(params, Mapping):
        raise ModelInputError("params", "wrong type", expected="a dict of key paths to values",
                              got=type(params).__name__)
    scenario = base if isinstance(base, Scenario) else load_scenario(checked_path(base, "base"))
    name = name or (out.name if out is not None else f"{scenario.name}_sweep")
    data = {"name": name, "design": design, "samples": samples, "replications": replications, "seed": seed,
            "metrics": metrics, "series": DEFAULT_SERIES if series is None else series,
            "record_every": record_every, "paired": paired,
            "parameters": [_parameter(key, value) for key, value in params.items()], **options}
    origin = f"<sweep {name}>"
    prepared = prepare(read_spec(data, origin), scenario, origin)
    _warn_if_small(prepared)
    return run_sweep(prepared, out if out is not None else results_folder(name, "name"), executor=executor,
                     resume=resume, force=force, progress=progress, chunk=chunk)


def load_sweep(path: str | Path, *, replications: int | None = None, seed: int | None = None,
               samples: int | None = None) -> Sweep:
    """The sweep file ``path`` checked against its base scenario (relative to the file), with
    ``replications``, ``seed`` and ``samples`` replaced when given."""
    path = checked_path(path, "path")
    spec = load_spec(path)
    changes = {k: v for k, v in {"replications": replications, "seed": seed, "samples": samples}.items()
               if v is not None}
    if changes:
        spec = read_spec(spec.model_dump() | changes, str(path))
    base = load_scenario(Path(path).parent / spec.base)
    return prepare(spec, base, str(path))


def sweep_file(path: str | Path, *, out: str | Path | None = None, executor: Any = None, resume: bool = False,
               force: bool = False, progress: bool = True, chunk: int = CHUNK,
               command: list[str] | None = None, **overrides: int | None) -> pd.DataFrame:
    """Run the sweep file ``path`` into ``out`` (default ``results/<name>``); ``overrides`` are
    :func:`load_sweep`'s ``replications``, ``seed`` and ``samples``."""
    prepared = load_sweep(path, **overrides)
    _warn_if_small(prepared)
    return run_sweep(prepared, out, executor=executor, resume=resume, force=force, progress=progress,
                     chunk=chunk, command=command)


def run_sweep(prepared: Sweep, out: str | Path | None = None, *, executor: Any = None, resume: bool = False,
              force: bool = False, progress: bool = True, chunk: int = CHUNK,
              command: list[str] | None = None) -> pd.DataFrame:
    """Run a checked sweep (:func:`load_sweep`) into ``out`` (default ``results/<name>``); returns
    the runs table (see :mod:`model.experiment.collect`)."""
    if chunk < 1:
        raise ModelInputError("chunk", "must be at least 1", got=chunk)
    executor = checked_executor(executor)
    folder = checked_path(out, "out") if out is not None else results_folder(prepared.spec.name,
                                                                              f"{prepared.origin}: name")
    runs = sweep_plan(prepared)
    labels = {p.column: ("", f"sweep parameter {p.key}" + (f" ({p.label})" if p.label else ""))
              for p in prepared.spec.parameters}
    run_plan(runs, folder, kind="sweep", settings=settings(runs), identity=IDENTITY, collect=collect,
             keep=None if prepared.spec.paired else prepared.metrics, series=prepared.series, executor=executor,
             resume=resume, force=force, progress=progress, chunk=chunk, command=command,
             label=prepared.spec.name, extra_columns=labels)
    table = read_table(folder, "runs")
    table.attrs["folder"] = folder
    return table


def _warn_if_small(prepared: Sweep) -> None:
    """The command line's warning about a design too small for its indices, as a ``UserWarning``."""
    if warning := design_warning(prepared):
        warnings.warn(f"{prepared.origin}: {warning}", UserWarning, stacklevel=3)


def sweep_plan(prepared: Sweep) -> Plan:
    """The runs of a checked sweep (:func:`model.experiment.plan.plan` with the sweep's settings)."""
    return plan(prepared, prepared.seed, prepared.replications, paired=prepared.spec.paired,
                record_every=prepared.spec.record_every, series=prepared.series)


def settings(runs: Plan) -> dict[str, Any]:
    """The manifest's description of a sweep: spec, resolved base, design points, seeds."""
    sweep: Sweep = runs.design  # type: ignore[assignment]
    return {
        "name": sweep.spec.name,
        "origin": sweep.origin,
        "sweep": sweep.spec.model_dump(mode="json", exclude={"base", "name", "description"}),
        "base": sweep.base.resolved(),
        "design": {
            "kind": sweep.design.kind,
            "columns": sweep.columns,
            "labels": {p.column: p.label or p.column for p in sweep.spec.parameters},
            "points": [{"point_id": p, **sweep.values(p)} for p in range(len(sweep.design))],
            "unit": sweep.design.unit.tolist() if sweep.design.unit is not None else None,
            "baseline_of": runs.baseline_of,
        },
        "replications": sweep.replications,
        "seed": sweep.seed,
        "seeds": runs.seeds,
        "runs": runs.n_runs,
        "metrics": sweep.metrics,
        "series": sweep.series,
        "format": "parquet",
    }


def _parameter(key: str, value: Any) -> dict[str, Any]:
    """A ``params`` entry as a sweep-file parameter table."""
    if isinstance(value, Mapping):
        return {"key": key, **value}
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, Real) for v in value):
        return {"key": key, "bounds": [float(v) for v in value]}
    if isinstance(value, np.ndarray):
        return {"key": key, "values": value.tolist()}
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise ModelInputError(f"params[{key!r}]", "needs several values", expected="a list of values, a "
                              "(low, high) tuple of bounds, or a dict of sweep-file keys", got=value)
    return {"key": key, "values": list(value)}
