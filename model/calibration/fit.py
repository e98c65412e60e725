"""Fit the free parameters to the targets by iterated Latin-hypercube search.

Round 1 samples the whole box of bounds; each later round samples a smaller box (``shrink`` of the
full range) centred on the best point so far. Every design point is run with the same replicate
seeds (common random numbers), through the experiment executors (serial, local processes or Dask),
and scored by :func:`model.calibration.measure.loss` on the mean over replicates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import qmc
from tqdm.auto import tqdm

from model.calibration.measure import loss, measure
from model.calibration.spec import CalibrationSpec
from model.experiment import ExperimentError, RunSpec, execute, replicate_seeds
from model.parameters import CALIBRATED_FILE, ModelParameters
from model.scenario import Scenario
from model.scenario.tables import toml_key, toml_value


@dataclass
class CalibrationResult:
    """Every evaluated point (free values, target means, loss) and the best one."""

    points: pd.DataFrame
    spec: CalibrationSpec

    @property
    def best(self) -> pd.Series:
        return self.points.loc[self.points["loss"].idxmin()]

    @property
    def best_values(self) -> dict[str, float]:
        return {f.key: float(self.best[f.key]) for f in self.spec.free}


def evaluate(
    spec: CalibrationSpec, base: Scenario, values: np.ndarray, *, seed: int, replications: int,
    executor: Any = None, first_point: int = 0, progress: bool = True, label: str = "",
) -> pd.DataFrame:
    """Run every row of ``values`` (free parameters in ``spec.free`` order) ``replications`` times
    and return one row per point: its values, the mean of each target and the loss."""
    keys = [f.key for f in spec.free]
    kwargs = base.model_kwargs() | {"horizon": spec.settings.horizon}
    specs = []
    for p, row in enumerate(values, start=first_point):
        params = spec.parameters(ModelParameters(), dict(zip(keys, row)))
        for r, run_seed in enumerate(replicate_seeds(seed, replications)):
            specs.append(RunSpec(f"{p}/{r}", "calibration", "baseline", r, run_seed,
                                 kwargs | {"parameters": params}, point_id=p))
    measured: dict[int, list[dict[str, float]]] = {}
    errors: list[str] = []
    with tqdm(total=len(specs), desc=label or "calibration runs", unit="run", disable=not progress) as bar:
        for record in execute(specs, executor):
            bar.update()
            if record.ok:
                measured.setdefault(record.spec.point_id, []).append(measure(record.timeseries, spec.targets))
            else:
                errors.append(record.error or "")
    if not measured:
        raise ExperimentError(f"every calibration run failed; the first: {errors[0]}")
    rows = []
    for p, row in enumerate(values, start=first_point):
        means = pd.DataFrame(measured.get(p, [])).mean().to_dict() if p in measured else {}
        targets = {t.name: means.get(t.name, np.nan) for t in spec.targets}
        rows.append({"point": p, **dict(zip(keys, row)), **targets, "loss": loss(targets, spec.targets)})
    return pd.DataFrame(rows)


def calibrate(
    spec: CalibrationSpec, base: Scenario, *, seed: int, executor: Any = None, progress: bool = True
) -> CalibrationResult:
    """Iterated Latin-hypercube search over the free parameters' bounds."""
    low = np.array([f.low for f in spec.free])
    high = np.array([f.high for f in spec.free])
    box_low, box_high = low, high
    frames: list[pd.DataFrame] = []
    for k, n in enumerate(spec.settings.rounds):
        unit = qmc.LatinHypercube(d=len(spec.free), seed=seed + k).random(n)
        values = qmc.scale(unit, box_low, box_high)
        first = sum(len(f) for f in frames)
        frame = evaluate(spec, base, values, seed=seed, replications=spec.settings.replications,
                         executor=executor, first_point=first, progress=progress,
                         label=f"calibration round {k + 1}/{len(spec.settings.rounds)}")
        frames.append(frame.assign(round=k + 1))
        points = pd.concat(frames, ignore_index=True)
        best = points.loc[points["loss"].idxmin(), [f.key for f in spec.free]].to_numpy(float)
        half = spec.settings.shrink * (high - low) / 2
        box_low, box_high = np.maximum(low, best - half), np.minimum(high, best + half)
    return CalibrationResult(points=pd.concat(frames, ignore_index=True), spec=spec)


def write_calibrated(result: CalibrationResult, path: Path = CALIBRATED_FILE, note: str = "") -> Path:
    """Write the best point's parameters to the file ``default_parameters()`` reads."""
    params = result.spec.parameters(ModelParameters(), result.best_values)
    changed = {f.path[0] for f in result.spec.free}
    data = params.model_dump()
    lines = [
        "# Calibrated parameters: written by `python run.py calibrate`; do not edit by hand.",
        f"# {dt.date.today().isoformat()} {note}".rstrip(),
        f"# Loss {result.best['loss']:.3f} over {len(result.spec.targets)} targets "
        "(see docs/validation.md and model/data/calibration.toml).",
        "",
        "[parameters]",
    ]
    lines += [f"{toml_key(name)} = {toml_value(data[name])}" for name in sorted(changed)]
    path.write_text("\n".join(lines) + "\n")
    return path
