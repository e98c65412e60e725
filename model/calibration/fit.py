"""Fit the free parameters to the targets by iterated Latin-hypercube search.

Round 1 samples the whole box of bounds; round ``k`` samples a box ``shrink ** (k - 1)`` of the full
range (:meth:`model.calibration.spec.CalibrationSettings.box_share`) centred on the best point so far, so the search narrows
round by round. The best point has the most targets within tolerance, ties broken by the loss
(:func:`best_index`). Each round is a sweep (:func:`model.sweep`: an LHS
design, unpaired, recording the targets' observables every step), so it runs serially, on local
processes or on a Dask cluster, stores its runs as they finish and can be resumed. Replicate ``i``
of every point uses the same seed (common random numbers); a point's score is
:func:`model.calibration.measure.loss` of its mean over replicates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.calibration.measure import loss, measure
from model.calibration.spec import CalibrationSpec
from model.config.tables import toml_key, toml_value
from model.experiment import ExperimentError, sweep
from model.experiment.folders import (
    FolderLock,
    claim,
    manifest_tables,
    read_table,
    write_manifest,
    write_tables,
)
from model.experiment.manifest import build_manifest
from model.parameters import ModelParameters
from model.scenario import Scenario


@dataclass
class CalibrationResult:
    """Every evaluated point (round, free values, target means, loss) and the best one."""

    points: pd.DataFrame
    spec: CalibrationSpec

    @property
    def best(self) -> pd.Series:
        return self.points.loc[best_index(self.points, self.spec)]

    @property
    def best_values(self) -> dict[str, float]:
        return {f.key: float(self.best[f.key]) for f in self.spec.free}


def best_index(points: pd.DataFrame, spec: CalibrationSpec) -> int:
    """The best point: the most targets within their tolerance (the acceptance rule of approximate
    Bayesian computation by rejection), ties broken by the lower loss."""
    inside = sum(points[t.name].between(t.low, t.high).astype(int) for t in spec.targets)
    return int(points.assign(inside=inside).sort_values(["inside", "loss"], ascending=[False, True]).index[0])


def search_base(spec: CalibrationSpec, scenario: Scenario) -> Scenario:
    """``scenario`` with the code's (uncalibrated) parameters, every free key present, and the
    calibration horizon: the point every round's sweep varies."""
    middle = {f.key: (f.low + f.high) / 2 for f in spec.free}
    return scenario.model_copy(update={"horizon": spec.settings.horizon,
                                       "parameters": spec.parameters(ModelParameters(), middle)})


def evaluate_round(
    spec: CalibrationSpec, base: Scenario, low: np.ndarray, high: np.ndarray, *, samples: int, seed: int,
    out: Path, executor: Any = None, resume: bool = False, progress: bool = True,
) -> pd.DataFrame:
    """One LHS sweep of ``samples`` points in the box ``[low, high]``: one row per point with its
    free values, the mean of each target over replicates, and the loss."""
    observables = spec.columns
    runs = sweep(
        base, {f.key: (float(lo), float(hi)) for f, lo, hi in zip(spec.free, low, high)},
        design="lhs", samples=samples, replications=spec.settings.replications, seed=seed, paired=False,
        series=observables, record_every=1, out=out, executor=executor, resume=resume, progress=progress,
        name=out.name,
    )
    if runs["error"].notna().all():
        raise ExperimentError(f"every calibration run failed; the first: {runs['error'].iat[0]}")
    series = read_table(out, "timeseries")
    measured = pd.DataFrame([
        {"point_id": point, **measure(group, spec.targets)}
        for (point, _), group in series.groupby(["point_id", "run_id"], sort=False)
    ])
    keys = [f.key for f in spec.free]
    values = runs.groupby("point_id")[keys].first()
    means = measured.groupby("point_id").mean().reindex(values.index)
    table = values.join(means).reset_index()
    table["loss"] = [loss(row, spec.targets) for _, row in table[[t.name for t in spec.targets]].iterrows()]
    return table


def calibrate(
    spec: CalibrationSpec, scenario: Scenario, *, seed: int, out: Path, executor: Any = None,
    resume: bool = False, progress: bool = True,
) -> CalibrationResult:
    """Iterated Latin-hypercube search; round ``k``'s sweep is stored in ``out/round-k``."""
    base = search_base(spec, scenario)
    low = np.array([f.low for f in spec.free])
    high = np.array([f.high for f in spec.free])
    box_low, box_high = low, high
    frames: list[pd.DataFrame] = []
    for k, samples in enumerate(spec.settings.rounds, start=1):
        frame = evaluate_round(spec, base, box_low, box_high, samples=samples, seed=seed + k - 1,
                               out=out / f"round-{k}", executor=executor, resume=resume, progress=progress)
        frames.append(frame.assign(round=k))
        points = pd.concat(frames, ignore_index=True)
        best = points.loc[best_index(points, spec), [f.key for f in spec.free]].to_numpy(float)
        half = spec.settings.box_share(k + 1) * (high - low) / 2
        box_low, box_high = np.maximum(low, best - half), np.minimum(high, best + half)
    points = pd.concat(frames, ignore_index=True).rename(columns={"point_id": "point_in_round"})
    return CalibrationResult(points=points, spec=spec)


def calibrate_into(
    spec: CalibrationSpec, scenario: Scenario, *, seed: int, out: Path, executor: Any = None,
    resume: bool = False, force: bool = False, progress: bool = True, command: list[str] | None = None,
) -> CalibrationResult:
    """:func:`calibrate` into the results folder ``out`` (kind "calibration": its rounds' sweeps,
    the ``points`` table and a manifest), continued with ``resume`` or replaced with ``force``."""
    settings = {"seed": seed, "calibration": spec.model_dump(mode="json")}
    with FolderLock(out):
        if not claim(out, "calibration", resume=resume, force=force):
            out.mkdir(exist_ok=True)
            write_manifest(out, build_manifest("calibration", settings | {"status": "running"}, command or []))
        result = calibrate(spec, scenario, seed=seed, out=out, executor=executor, resume=resume,
                           progress=progress)
        best = {"best": result.best_values, "loss": float(result.best["loss"])}
        write_manifest(out, build_manifest("calibration", settings | best | {"status": "complete"}, command or [])
                       | manifest_tables(write_tables(out, {"points": result.points}, _columns(spec))))
    return result


def _columns(spec: CalibrationSpec) -> dict[str, tuple[str, str]]:
    """Descriptions of the calibration ``points`` table's own columns."""
    return ({f.key: ("", "free parameter value of the point") for f in spec.free}
            | {t.name: ("", f"model value of the target {t.name} (mean over replicates)") for t in spec.targets}
            | {"point_in_round": ("", "design point within its round")})


def write_calibrated(result: CalibrationResult, path: Path, note: str = "") -> Path:
    """Write the best point's parameters, and the fit's loss in a ``[fit]`` table, to ``path`` in the
    format of the file ``default_parameters()`` reads (``calibrate --install`` copies it there)."""
    params = result.spec.parameters(ModelParameters(), result.best_values)
    changed = {f.path[0] for f in result.spec.free}
    data = params.model_dump()
    lines = [
        ("# Calibrated parameters: written by `python run.py calibrate`, installed by "
         "`python run.py calibrate --install`; do not edit by hand."),
        f"# {dt.datetime.now(dt.UTC).date().isoformat()} {note}".rstrip(),
        (f"# Loss {result.best['loss']:.3f} over {len(result.spec.targets)} targets "
         "(see docs/validation.md and model/data/calibration.toml)."),
        "",
        "[parameters]",
    ]
    lines += [f"{toml_key(name)} = {toml_value(data[name])}" for name in sorted(changed)]
    lines += ["", "[fit]", f"loss = {toml_value(float(result.best['loss']))}",
              f"targets = {len(result.spec.targets)}", f"points = {len(result.points)}"]
    path.write_text("\n".join(lines) + "\n")
    return path
